/* kf_read.h - the input reader: one streaming pass over the input.
 *
 * kf_read() runs libfyaml's event parser over the whole input once. It never
 * builds a document tree. For every item it records where the item's bytes
 * are, where its metadata and annotations mappings are (so the writer can
 * insert an annotation line), and the few fields the function reads, as
 * kf_field records pointing into a string pool. Everything else is skipped
 * by depth counting; the writer copies it byte for byte from the input.
 *
 * Three input shapes are recognised from the first document:
 *   - a ResourceList (config.kubernetes.io/v1 or v1beta1), YAML or JSON;
 *   - any other stream of mappings, where every document is an item.
 */
#ifndef KF_READ_H
#define KF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kf_buf.h"

/* Inputs larger than this are refused with a clear error (offsets are 32 bit). */
#define KF_MAX_INPUT ((size_t)1 << 30)
/* Deepest nesting accepted anywhere in the input. */
#define KF_MAX_DEPTH 1000

/* What kind of YAML value a field had. Only KF_V_STR is a usable string. */
enum kf_vtype {
    KF_V_ABSENT = 0,
    KF_V_STR,    /* quoted scalar, or plain scalar that resolves to a string */
    KF_V_NONSTR, /* plain scalar that YAML resolves to null/bool/number/time */
    KF_V_NUL,    /* a string holding a NUL character (pooled as \0) */
    KF_V_ALIAS,  /* *alias */
    KF_V_TAGGED, /* any explicit tag, !!str included */
    KF_V_MAP,
    KF_V_SEQ,
};

/* The fields the reader captures. Ids below KF_F_SINGLE occur at most once
 * per item (a second occurrence sets dup); the others are map entries with a
 * key. */
enum kf_fid {
    KF_F_APIVERSION,
    KF_F_KIND,
    KF_F_METADATA,
    KF_F_NAME,
    KF_F_NAMESPACE,
    KF_F_ANNOTATIONS,
    KF_F_ANN_PATH,        /* config.kubernetes.io/path */
    KF_F_ANN_INDEX,       /* config.kubernetes.io/index */
    KF_F_ANN_IPATH,       /* internal.config.kubernetes.io/path */
    KF_F_ANN_IINDEX,      /* internal.config.kubernetes.io/index */
    KF_F_ANN_LOCAL,       /* config.kubernetes.io/local-config */
    KF_F_LABELS,
    KF_F_LBL_MANAGED,     /* kleym.sonda.red/managed-by */
    KF_F_SPEC,
    KF_F_POOLREF,
    KF_F_POOLREF_NAME,
    KF_F_POOLREF_GROUP,
    KF_F_POOLREF_KIND,
    KF_F_POOLREF_NS,
    KF_F_OBJREF,
    KF_F_OBJREF_NAME,
    KF_F_OBJREF_GROUP,
    KF_F_SA,
    KF_F_MODE,
    KF_F_CONTAINER,
    KF_F_SELECTOR,
    KF_F_MATCHLABELS,
    KF_F_MATCHEXPR,
    KF_F_DATA,
    KF_F_SINGLE,          /* count of single fields; not a field */
    KF_F_SEL_ENTRY,       /* spec.selector.<key> (flat v1alpha2 selector) */
    KF_F_ML_ENTRY,        /* spec.selector.matchLabels.<key> */
    KF_F_DATA_ENTRY,      /* data.<key> (functionConfig only) */
    KF_F_SPEC_ENTRY,      /* spec.<key> (functionConfig only) */
};

/* One captured field: eight bytes, as a large input holds about fifteen
 * per item the function reads. Its text is a C string in the pool (the pool
 * never holds a NUL inside a string: see KF_V_NUL). For an entry the pool
 * holds its key, then right after the key's NUL its value. */
typedef struct kf_field {
    uint8_t id;     /* enum kf_fid */
    uint8_t type;   /* enum kf_vtype */
    uint8_t dup;    /* key seen twice in the same mapping */
    uint8_t pad;
    uint32_t text;  /* pool offset: the scalar's decoded text ("" for
                     * collections), or an entry's key */
} kf_field;

/* Where a mapping is, for inserting into it. */
typedef struct kf_maplayout {
    uint32_t start;     /* first byte of the mapping ('{' when flow) */
    uint32_t end;       /* end of its content (after '}' when flow) */
    uint32_t content_end; /* end of its last value (before '}' when flow) */
    uint32_t first_key; /* first byte of the first key (block) */
    uint32_t key_col;   /* column of its keys (block) */
    uint32_t colon;     /* for a key with an empty value: just after ':' */
    uint32_t null_start, null_end; /* explicit null value (`~`, `null`) */
    uint8_t present;    /* the key exists */
    uint8_t type;       /* enum kf_vtype of the value */
    uint8_t flow;
    uint8_t empty;      /* no keys */
} kf_maplayout;

/* Where an item's metadata and annotations are, for the local-config edit.
 * Kept only for items that may need it (not for unrelated kinds). */
typedef struct kf_itemlayout {
    kf_maplayout meta;             /* metadata */
    kf_maplayout ann;              /* metadata.annotations */
} kf_itemlayout;

typedef struct kf_item {
    uint32_t start, end;           /* the item's node: first byte, end of content */
    uint32_t slot_start, slot_end; /* bytes removed when the item is dropped */
    uint32_t first_field, nfields; /* into kf_input.fields */
    uint32_t layout;               /* 1 + index into kf_input.layouts; 0: none */
} kf_item;

/* A key/value pair of the ResourceList mapping (items, results). */
typedef struct kf_pairlayout {
    uint8_t present;
    uint8_t value_type;            /* enum kf_vtype */
    uint8_t flow;                  /* value is a flow collection */
    uint32_t key_start, value_end; /* key's first byte, value's end */
    uint32_t prev_end;             /* end of the previous pair's value, or 0 */
    uint32_t next_start;           /* first byte of the next key, or 0 */
    uint32_t value_start;          /* first byte of the value */
    uint32_t colon;                /* just after ':' */
    uint32_t col;                  /* block sequence: column of '-' */
} kf_pairlayout;

typedef struct kf_input {
    const char *buf;
    size_t len;
    bool json;           /* the input is JSON: answer in JSON */
    bool rlist;          /* a ResourceList (else a plain stream of documents) */
    kf_item *items;
    size_t nitems, items_cap;
    kf_field *fields;
    size_t nfields, fields_cap;
    kf_itemlayout *layouts;
    size_t nlayouts, layouts_cap;
    kf_buf pool;         /* field texts; offset 0 holds "" */

    /* ResourceList only */
    bool has_fc;         /* functionConfig is a mapping */
    bool fc_null;        /* functionConfig is present but empty/null */
    uint8_t fc_type;     /* enum kf_vtype of the functionConfig value */
    kf_item fc;
    kf_field *fc_fields;
    size_t nfc_fields, fc_fields_cap;
    kf_pairlayout items_pair;
    kf_pairlayout results_pair;
    uint32_t root_end;   /* end of the ResourceList mapping's content */
    uint32_t root_col;   /* column of its keys */
    bool root_flow;
} kf_input;

/* A fatal input error: nothing is written to stdout. */
typedef struct kf_fatal {
    int line, col;       /* 1-based; 0 when unknown */
    char msg[256];
} kf_fatal;

/* Read buf[0..len) (which must stay alive as long as *in). Returns 0, or -1
 * with *fatal filled. kf_input_free() must be called in both cases. */
int kf_read(const char *buf, size_t len, kf_input *in, kf_fatal *fatal);
/* Give back the captured fields once they have been interpreted (after
 * kf_resolve()): the writer needs the items, their layouts and the pool of
 * texts, which resolved strings point into. Items then have no fields. */
void kf_input_drop_fields(kf_input *in);
void kf_input_free(kf_input *in);

/* The text of a field: a scalar's decoded text, "" for a collection; for
 * an entry, its value. */
static inline const char *kf_field_text(const kf_input *in, const kf_field *f)
{
    if (!in->pool.data)
        return "";
    const char *t = in->pool.data + f->text;
    return f->id > KF_F_SINGLE ? t + strlen(t) + 1 : t;
}

/* The key of an entry (ids above KF_F_SINGLE). */
static inline const char *kf_field_key(const kf_input *in, const kf_field *f)
{
    return in->pool.data ? in->pool.data + f->text : "";
}

/* First byte of the line holding buf[pos]. */
static inline uint32_t kf_line_start(const char *buf, uint32_t pos)
{
    while (pos > 0 && buf[pos - 1] != '\n')
        pos--;
    return pos;
}

/* First byte of the line after the one holding pos-1: where a line that
 * follows content ending at pos may be inserted (len at the end). */
static inline uint32_t kf_line_after(const char *buf, size_t len, uint32_t pos)
{
    if (pos > 0 && buf[pos - 1] == '\n')
        return pos;
    while (pos < len && buf[pos] != '\n')
        pos++;
    return pos < len ? pos + 1 : (uint32_t)len;
}

/* The item's metadata layout, or NULL when none was kept. */
static inline const kf_itemlayout *kf_item_layout(const kf_input *in,
                                                  const kf_item *it)
{
    return it->layout ? &in->layouts[it->layout - 1] : NULL;
}

#endif
