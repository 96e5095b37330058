/* kf_input.h - what the reader records of the input, for the rest.
 *
 * The input is never turned into a tree. For every item the reader records
 * where the item's bytes are, the fields the capture schema names
 * (kf_schema.h) as kf_field records whose texts live in a string pool, and,
 * for the items the writer edits, where their metadata and annotations
 * mappings are. For a ResourceList it also records where `items` and
 * `results` are. Everything else is copied byte for byte by the writer.
 * input.c adds the items' origins and releases it all.
 */
#ifndef KF_INPUT_H
#define KF_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kf_buf.h"
#include "kf_schema.h"

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

/* One captured field: eight bytes, as a large input holds about fifteen
 * per item the function reads. Its text is a C string in the pool (the pool
 * never holds a NUL inside a string: see KF_V_NUL). For an entry the pool
 * holds its key, then right after the key's NUL its value. */
typedef struct kf_field {
    uint8_t id;     /* enum kf_fid */
    uint8_t type;   /* enum kf_vtype */
    uint8_t dup;    /* key seen twice in the same mapping */
    uint8_t slot;   /* which pod template of the item (0 otherwise) */
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
 * Kept only for the items the writer may edit (bindings). */
typedef struct kf_itemlayout {
    kf_maplayout meta;             /* metadata */
    kf_maplayout ann;              /* metadata.annotations */
} kf_itemlayout;

typedef struct kf_item {
    uint32_t start, end;           /* the item's node: first byte, end of content */
    uint32_t slot_start, slot_end; /* bytes removed when the item is dropped */
    uint32_t first_field, nfields; /* into kf_input.fields */
    uint32_t layout;               /* 1 + index into kf_input.layouts (and
                                    * the writer's marks made of them); 0:
                                    * none */
    /* The class of the item's kind as the reader saw it (kf_kind_class()
     * of its first kind; 0: none read, or not a string): a pass looking
     * for some classes skips the others without a view. Whether its
     * apiVersion is one read at is the view's to say (kf_view_kind()). */
    kf_kmask kind_cls;
} kf_item;

/* Where an entry of a List is (kf_input.entries). */
typedef struct kf_entry {
    uint32_t top;                  /* 1 + the top-level item that holds it */
    uint32_t entry;                /* pool offset of its place ("items[2]") */
} kf_entry;

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
    kf_item *items;                /* the top-level items, then the entries
                                    * of Lists (read_list.c) */
    size_t nitems, items_cap;
    size_t ntop;                   /* the top-level items: the writer's */
    kf_entry *entries;             /* per item from ntop on: its place */
    size_t entries_cap;
    kf_field *fields;
    size_t nfields, fields_cap;
    kf_itemlayout *layouts;
    size_t nlayouts, layouts_cap;
    kf_buf pool;         /* field texts; offset 0 holds "" */
    /* Per item, where it came from when its annotations do not say (set by
     * kf_input_set_origins() for a caller that read files; the arrays and
     * the index texts are the input's, the paths the caller's): file and
     * document index. */
    const char **origin_path, **origin_index;
    char *origin_text;   /* the index texts */
    /* The top-level items the function drops (the ClusterSPIFFEIDs it
     * owns, SPEC section 7), by position, ascending: set by
     * kf_find_dropped() once the input is read. Another top-level item's
     * place in the output is its position less the dropped items before
     * it: what messages print for an item no file names. */
    uint32_t *dropped;
    size_t ndropped;
    /* Where namespace-less items are applied (the functionConfig
     * namespace; borrowed), or NULL: set once the configuration is read. */
    const char *default_ns;

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

/* Where an item came from when its annotations do not say: a file and the
 * index of the document in it (inspect reads files). */
typedef struct kf_origin {
    uint32_t start;          /* first byte of the file's part of the input */
    const char *path;        /* borrowed: outlives the input */
} kf_origin;

/* Locate every item by the file it falls in (origins[0..n), by first
 * byte) and its document's index there. 0, or -1: out of memory. */
int kf_input_set_origins(kf_input *in, const kf_origin *origins, size_t n);
/* Top-level item top's place among the output's items: its position less
 * the dropped items before it (kf_input.dropped). */
uint32_t kf_input_out_place(const kf_input *in, size_t top);
/* Give back the captured fields once they have been interpreted (after
 * kf_resolve()): the writer needs the items, their layouts and the pool of
 * texts, which resolved strings point into. Items then have no fields. */
void kf_input_drop_fields(kf_input *in);
/* Give back the items' layouts, once the writer has made its marks of
 * them (kf_write_marks()): an item's layout index stays, for them. */
void kf_input_drop_layouts(kf_input *in);
/* Everything the input holds (the buffer it was read from is the
 * caller's). */
void kf_input_free(kf_input *in);

/* The text of a field: a scalar's decoded text, "" for a collection; for
 * an entry, its value. */
static inline const char *kf_field_text(const kf_input *in, const kf_field *f)
{
    if (!in->pool.data)
        return "";
    const char *t = in->pool.data + f->text;
    return kf_fid_is_entry(f->id) ? t + strlen(t) + 1 : t;
}

/* The key of an entry. */
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

/* Where item i is when it is an entry of a List, else NULL. */
static inline const kf_entry *kf_item_entry(const kf_input *in, size_t i)
{
    return i >= in->ntop && i < in->nitems && in->entries ? &in->entries[i - in->ntop]
                                                         : NULL;
}

/* The item's metadata layout, or NULL when none was kept. */
static inline const kf_itemlayout *kf_item_layout(const kf_input *in,
                                                  const kf_item *it)
{
    return it->layout ? &in->layouts[it->layout - 1] : NULL;
}

#endif
