/* read.c - the input reader: one pass of libfyaml events (see kf_read.h).
 *
 * The reader keeps a stack of frames only for the mappings it cares about
 * (item roots, metadata, annotations, labels, spec, refs, selectors, the
 * functionConfig). Any other subtree is skipped by counting nesting depth,
 * so its cost is the parser's alone. Captured values are copied into the
 * string pool; positions are byte offsets into the caller's buffer.
 */
#include "kf_read.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_scalar.h"
#include "kf_strict.h"

/* The mappings we look into. */
enum node {
    N_DOC,         /* document root: ResourceList, or an item of a stream */
    N_ITEM,        /* an element of ResourceList.items */
    N_FC,          /* ResourceList.functionConfig */
    N_ITEMS,       /* the ResourceList.items sequence */
    N_METADATA,
    N_ANNOT,
    N_LABELS,
    N_SPEC,
    N_FCSPEC,
    N_POOLREF,
    N_OBJREF,
    N_SELECTOR,
    N_MATCHLABELS,
    N_DATA,
};

/* Where captured fields go. */
enum sink { S_DOC, S_ITEM, S_FC };

/* What the value after the current key is. */
enum pending {
    P_SKIP,    /* not read */
    P_FIELD,   /* a scalar field: pend_id is a kf_fid */
    P_ENTRY,   /* a map entry: pend_id is a kf_fid, its key in entry_key */
    P_NODE,    /* a mapping we look into: pend_node, marker field pend_id */
    P_ITEMS,   /* ResourceList.items */
    P_RESULTS, /* ResourceList.results */
    P_FCROOT,  /* ResourceList.functionConfig */
};

typedef struct frame {
    uint8_t node;
    uint8_t sink;
    uint8_t is_map;
    uint8_t want_key;
    uint8_t pend;
    uint8_t pend_id;
    uint8_t pend_node;
    uint8_t pend_tagged;  /* the current key carries a tag */
    uint32_t seen;        /* single field ids seen in this mapping */
    uint32_t key_start;   /* first byte of the current key */
    uint32_t key_end;     /* end of the current key */
    uint8_t layout;       /* 0 none, 1 metadata, 2 annotations */
    uint8_t flow;
} frame;

#define KF_INTERN_SLOTS 256  /* pool_add(): slots for shared short strings */
#define KF_INTERN_MAX 128    /* longest string shared */

/* A string in the pool, as the intern cache remembers it. */
typedef struct pooled {
    uint32_t off, len;
} pooled;

/* What an item's kind tells the reader, once its kind: is read. */
enum kind_state {
    KIND_UNKNOWN,   /* no kind yet: capture everything */
    KIND_BINDING,   /* a binding: capture everything, keep its layout */
    KIND_READ,      /* a pool or objective: capture everything */
    KIND_METADATA,  /* a ClusterSPIFFEID: its metadata only */
    KIND_UNRELATED, /* anything else: nothing is kept once it ends */
};

typedef struct reader {
    const char *buf;
    size_t len;
    kf_input *in;
    kf_fatal *fatal;
    struct fy_parser *parser;

    frame *stack;
    size_t depth, stack_cap;
    kf_strict strict;     /* every event, skipped subtrees included */
    pooled intern[KF_INTERN_SLOTS]; /* latest short string per slot */
    kf_buf entry_key;     /* the key of the entry whose value comes next */
    size_t skip_depth;
    uint32_t last_end;    /* end of the latest scalar / flow collection */
    uint32_t scalar_end;  /* end of the latest scalar's text, quotes included */

    size_t doc_index;
    uint32_t doc_start;
    bool doc_has_root;
    bool doc_implicit;
    bool doc_is_empty;
    kf_item doc_item;
    kf_field *doc_fields;
    size_t ndoc_fields, doc_fields_cap;
    uint8_t doc_kind_state, item_kind_state; /* enum kind_state */
    uint32_t item_pool_mark, doc_pool_mark;  /* string pool size at their start */
    int doc_line, doc_col;    /* where the current document's root starts */
    uint8_t root_seen;    /* unique keys of the first document, by bit */
    const char *root_dup; /* the first of them seen twice, and where */
    int root_dup_line, root_dup_col;

    size_t cur_item;          /* index into in->items of the open item */
    uint32_t prev_item_me;    /* mark of the previous item's block end */
    bool items_not_seq;
    int nonmap_line, nonmap_col; /* first non-mapping element of items */
    bool failed;
} reader;

/* ---- small helpers ------------------------------------------------------ */

static int fail(reader *r, int line, int col, const char *fmt, const char *arg)
{
    if (!r->failed) {
        r->failed = true;
        r->fatal->line = line;
        r->fatal->col = col;
        snprintf(r->fatal->msg, sizeof r->fatal->msg, fmt, arg ? arg : "");
    }
    return -1;
}

static int fail_oom(reader *r)
{
    return fail(r, 0, 0, "out of memory%s", "");
}


/* Just past the ':' that follows a key ending at pos on the same line, or
 * pos itself when there is none (`{a, b}`, an explicit `? key`). */
static uint32_t after_colon(const reader *r, uint32_t pos)
{
    uint32_t p = pos;
    while (p < r->len && (r->buf[p] == ' ' || r->buf[p] == '\t'))
        p++;
    return p < r->len && r->buf[p] == ':' ? p + 1 : pos;
}

static uint32_t mark_pos(const struct fy_mark *m)
{
    return m ? (uint32_t)m->input_pos : 0;
}

/* 0-based line and column of an event; empty scalars have no mark. */
static int mark_line(struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    return m ? m->line : 0;
}

static int mark_col(struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    return m ? m->column : 0;
}

/* Byte span of a scalar event, quotes included. */
static void scalar_span(const reader *r, struct fy_event *e, uint32_t *start,
                        uint32_t *end)
{
    *start = mark_pos(fy_event_start_mark(e));
    *end = mark_pos(fy_event_end_mark(e));
    enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
    if (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) {
        if (*start > 0)
            (*start)--;
        (*end)++;
    } else if (st == FYSS_LITERAL || st == FYSS_FOLDED) {
        /* A block scalar's end mark is the next token, past the next
         * line's indentation: it really ends at that line's start. */
        uint32_t p = *end;
        while (p > 0 && r->buf[p - 1] == ' ')
            p--;
        if (p == 0 || r->buf[p - 1] == '\n')
            *end = p;
    }
}

static void note_end(reader *r, uint32_t end)
{
    if (end > r->last_end)
        r->last_end = end;
}

/* An empty key has no mark: it is where its ':' is, the first thing after
 * the content read so far (past blanks, comments and an explicit '?'). */
static uint32_t empty_key_colon(const reader *r)
{
    uint32_t p = r->last_end;
    bool question = false;
    while (p < r->len) {
        char c = r->buf[p];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            p++;
        } else if (c == '#') {
            while (p < r->len && r->buf[p] != '\n')
                p++;
        } else if (c == '?' && !question) {
            question = true;
            p++;
        } else {
            return c == ':' ? p : r->last_end;
        }
    }
    return r->last_end;
}

/* A scalar's text ends its node. An empty scalar has no mark: an empty
 * key or value ends after its ':', or after its tag or anchor (which
 * `key: !tag` may even put on a later line). */
static void note_scalar_end(reader *r, struct fy_event *e)
{
    uint32_t s, en;
    scalar_span(r, e, &s, &en);
    r->scalar_end = en;
    note_end(r, en);
    if (fy_event_start_mark(e))
        return;
    uint32_t colon = empty_key_colon(r);
    if (colon < r->len && r->buf[colon] == ':')
        note_end(r, colon + 1);
    struct fy_token *props[2] = {e->scalar.tag, e->scalar.anchor};
    for (int i = 0; i < 2; i++)
        if (props[i])
            note_end(r, mark_pos(fy_token_end_mark(props[i])));
}

static bool is_flow_end(struct fy_event *e)
{
    return mark_pos(fy_event_end_mark(e)) > mark_pos(fy_event_start_mark(e));
}

static uint8_t scalar_type(struct fy_event *e, const char *text, size_t n)
{
    if (e->scalar.tag)
        return KF_V_TAGGED;
    if (n && memchr(text, '\0', n))
        return KF_V_NUL;
    if (fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN &&
        kf_plain_is_nonstring(text, n))
        return KF_V_NONSTR;
    return KF_V_STR;
}

/* A scalar's text. Most scalars are their input bytes (a one-line plain
 * scalar, a quoted one without escapes or folding): those are taken from
 * the buffer, which is far cheaper than libfyaml building the text. */
static const char *scalar_text(const reader *r, struct fy_event *e, size_t *n)
{
    const struct fy_mark *m0 = fy_event_start_mark(e), *m1 = fy_event_end_mark(e);
    enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
    if (m0 && m1 && m1->input_pos >= m0->input_pos && m1->input_pos <= r->len) {
        const char *t = r->buf + m0->input_pos;
        size_t len = m1->input_pos - m0->input_pos;
        /* Line breaks fold; '' and backslash escapes decode. */
        char esc = st == FYSS_SINGLE_QUOTED ? '\'' : st == FYSS_DOUBLE_QUOTED ? '\\' : '\n';
        bool direct = st == FYSS_PLAIN || st == FYSS_SINGLE_QUOTED ||
                      st == FYSS_DOUBLE_QUOTED;
        for (size_t i = 0; direct && i < len; i++)
            direct = t[i] != '\n' && t[i] != '\r' && t[i] != esc;
        if (direct) {
            *n = len;
            return t;
        }
    }
    const char *t = fy_token_get_text(e->scalar.value, n);
    if (!t) {
        *n = 0;
        return "";
    }
    return t;
}

/* A plain, untagged scalar that YAML reads as null: empty, ~, null. */
static bool is_null_scalar(const reader *r, struct fy_event *e)
{
    if (e->type != FYET_SCALAR || e->scalar.tag ||
        fy_token_scalar_style(e->scalar.value) != FYSS_PLAIN)
        return false;
    size_t n = 0;
    const char *t = scalar_text(r, e, &n);
    if (n == 0)
        return true;
    static const char *const nulls[] = {"~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
        if (strlen(nulls[i]) == n && memcmp(nulls[i], t, n) == 0)
            return true;
    return false;
}

/* Store a text holding NUL bytes (a double-quoted "\0" decodes to one) with
 * each NUL written as the two characters \0: pool strings are C strings, and
 * a NUL must never cut a name short ("b\0x" is not "b"). A value is typed
 * KF_V_NUL, so its escaped text is only ever shown; a key so escaped never
 * equals a key the function reads, and is no valid label key. */
static int pool_add_escaped(reader *r, const char *s, size_t n, uint32_t *out)
{
    kf_buf *pool = &r->in->pool;
    size_t start = pool->len;
    for (size_t i = 0; i < n; i++) {
        int rc = s[i] ? kf_buf_putc(pool, s[i]) : kf_buf_puts(pool, "\\0");
        if (rc < 0)
            return fail_oom(r);
    }
    if (kf_buf_append(pool, "", 1) < 0)
        return fail_oom(r);
    if (pool->len >= UINT32_MAX)
        return fail(r, 0, 0, "input holds too much text to index%s", "");
    *out = (uint32_t)start;
    return 0;
}

/* Which intern slot a short string belongs to (FNV-1a). */
static size_t intern_slot(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h % KF_INTERN_SLOTS;
}

/* Store s[0..n) in the string pool, NUL-terminated; *out is its offset.
 * Kinds, apiVersions, namespaces and annotation paths repeat from item to
 * item: with share, a short string equal to the one last stored in its slot
 * is shared. A slot may point past a pool that was truncated since (an
 * unrelated item gave its strings back), so it is used only when its bytes
 * are still there. Without share the string is the pool's last one. */
static int pool_add(reader *r, const char *s, size_t n, bool share,
                    uint32_t *out)
{
    kf_buf *pool = &r->in->pool;
    if (n && memchr(s, '\0', n))
        return pool_add_escaped(r, s, n, out);
    size_t slot = share && n <= KF_INTERN_MAX ? intern_slot(s, n) : KF_INTERN_SLOTS;
    if (slot < KF_INTERN_SLOTS) {
        pooled c = r->intern[slot];
        if (c.len == n && (size_t)c.off + n < pool->len &&
            memcmp(pool->data + c.off, s, n) == 0 && pool->data[c.off + n] == '\0') {
            *out = c.off;
            return 0;
        }
    }
    if (pool->len + n >= UINT32_MAX)
        return fail(r, 0, 0, "input holds too much text to index%s", "");
    *out = (uint32_t)pool->len;
    if (kf_buf_append(pool, s, n) < 0 || kf_buf_append(pool, "", 1) < 0)
        return fail_oom(r);
    if (slot < KF_INTERN_SLOTS)
        r->intern[slot] = (pooled){*out, (uint32_t)n};
    return 0;
}

static kf_item *sink_item(reader *r, uint8_t sink)
{
    switch (sink) {
    case S_DOC:
        return &r->doc_item;
    case S_FC:
        return &r->in->fc;
    default:
        return &r->in->items[r->cur_item];
    }
}

static int add_field(reader *r, uint8_t sink, const kf_field *f)
{
    kf_input *in = r->in;
    kf_field **v;
    size_t *n, *cap;
    if (sink == S_DOC) {
        v = &r->doc_fields, n = &r->ndoc_fields, cap = &r->doc_fields_cap;
    } else if (sink == S_FC) {
        v = &in->fc_fields, n = &in->nfc_fields, cap = &in->fc_fields_cap;
    } else {
        v = &in->fields, n = &in->nfields, cap = &in->fields_cap;
    }
    if (kf_array_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
        return fail_oom(r);
    (*v)[(*n)++] = *f;
    /* The kind is the first one given, as kf_view reads it. */
    if (f->id == KF_F_KIND && !f->dup && f->type == KF_V_STR && sink != S_FC) {
        const char *k = kf_field_text(in, f);
        uint8_t state = KIND_UNRELATED;
        if (strcmp(k, "InferenceIdentityBinding") == 0)
            state = KIND_BINDING;
        else if (strcmp(k, "InferencePool") == 0 ||
            strcmp(k, "InferenceObjective") == 0)
            state = KIND_READ;
        else if (strcmp(k, "ClusterSPIFFEID") == 0)
            state = KIND_METADATA;
        if (sink == S_DOC)
            r->doc_kind_state = state;
        else
            r->item_kind_state = state;
    }
    return 0;
}

static int push(reader *r, uint8_t node, uint8_t sink, bool is_map, bool flow)
{
    if (r->depth + 1 > KF_MAX_DEPTH)
        return fail(r, 0, 0, "nesting deeper than %s levels", "1000");
    if (kf_array_grow((void **)&r->stack, &r->stack_cap, r->depth + 1,
                      sizeof *r->stack) < 0)
        return fail_oom(r);
    frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->sink = sink;
    f->is_map = is_map;
    f->want_key = is_map;
    f->flow = flow;
    return 0;
}

/* ---- key dispatch ------------------------------------------------------- */

static bool eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static void want_field(frame *f, uint8_t id)
{
    f->pend = P_FIELD;
    f->pend_id = id;
}

static void want_node(frame *f, uint8_t node, uint8_t marker)
{
    f->pend = P_NODE;
    f->pend_node = node;
    f->pend_id = marker;
}

static void want_entry(frame *f, uint8_t id)
{
    f->pend = P_ENTRY;
    f->pend_id = id;
}

/* Decide what the value after key k in frame f is. */
static void dispatch(reader *r, frame *f, const char *k, size_t n)
{
    f->pend = P_SKIP;
    switch (f->node) {
    case N_DOC:
        if (r->doc_index == 0) {
            if (eq(k, n, "items")) {
                f->pend = P_ITEMS;
                return;
            }
            if (eq(k, n, "functionConfig")) {
                f->pend = P_FCROOT;
                return;
            }
            if (eq(k, n, "results")) {
                f->pend = P_RESULTS;
                return;
            }
        }
        /* the document may also be an item of a stream */
        __attribute__((fallthrough));
    case N_ITEM:
    case N_FC:
        if (eq(k, n, "apiVersion"))
            want_field(f, KF_F_APIVERSION);
        else if (eq(k, n, "kind"))
            want_field(f, KF_F_KIND);
        else if (eq(k, n, "metadata"))
            want_node(f, N_METADATA, KF_F_METADATA);
        else if (eq(k, n, "spec")) {
            uint8_t ks = f->node == N_DOC ? r->doc_kind_state : r->item_kind_state;
            if (f->node == N_FC)
                want_node(f, N_FCSPEC, KF_F_SPEC);
            else if (ks == KIND_UNKNOWN || ks == KIND_BINDING || ks == KIND_READ)
                want_node(f, N_SPEC, KF_F_SPEC);
        } else if (eq(k, n, "data") && f->node == N_FC)
            want_node(f, N_DATA, KF_F_DATA);
        return;
    case N_METADATA:
        if (eq(k, n, "name"))
            want_field(f, KF_F_NAME);
        else if (eq(k, n, "namespace"))
            want_field(f, KF_F_NAMESPACE);
        else if (eq(k, n, "annotations"))
            want_node(f, N_ANNOT, KF_F_ANNOTATIONS);
        else if (eq(k, n, "labels"))
            want_node(f, N_LABELS, KF_F_LABELS);
        return;
    case N_ANNOT:
        if (eq(k, n, "config.kubernetes.io/path"))
            want_field(f, KF_F_ANN_PATH);
        else if (eq(k, n, "config.kubernetes.io/index"))
            want_field(f, KF_F_ANN_INDEX);
        else if (eq(k, n, "internal.config.kubernetes.io/path"))
            want_field(f, KF_F_ANN_IPATH);
        else if (eq(k, n, "internal.config.kubernetes.io/index"))
            want_field(f, KF_F_ANN_IINDEX);
        else if (eq(k, n, "config.kubernetes.io/local-config"))
            want_field(f, KF_F_ANN_LOCAL);
        return;
    case N_LABELS:
        if (eq(k, n, "kleym.sonda.red/managed-by"))
            want_field(f, KF_F_LBL_MANAGED);
        return;
    case N_SPEC:
        if (eq(k, n, "poolRef"))
            want_node(f, N_POOLREF, KF_F_POOLREF);
        else if (eq(k, n, "objectiveRef"))
            want_node(f, N_OBJREF, KF_F_OBJREF);
        else if (eq(k, n, "serviceAccountName"))
            want_field(f, KF_F_SA);
        else if (eq(k, n, "mode"))
            want_field(f, KF_F_MODE);
        else if (eq(k, n, "containerName"))
            want_field(f, KF_F_CONTAINER);
        else if (eq(k, n, "selector"))
            want_node(f, N_SELECTOR, KF_F_SELECTOR);
        return;
    case N_POOLREF:
        if (eq(k, n, "name"))
            want_field(f, KF_F_POOLREF_NAME);
        else if (eq(k, n, "group"))
            want_field(f, KF_F_POOLREF_GROUP);
        else if (eq(k, n, "kind"))
            want_field(f, KF_F_POOLREF_KIND);
        else if (eq(k, n, "namespace"))
            want_field(f, KF_F_POOLREF_NS);
        return;
    case N_OBJREF:
        if (eq(k, n, "name"))
            want_field(f, KF_F_OBJREF_NAME);
        else if (eq(k, n, "group"))
            want_field(f, KF_F_OBJREF_GROUP);
        return;
    case N_SELECTOR:
        if (eq(k, n, "matchLabels"))
            want_node(f, N_MATCHLABELS, KF_F_MATCHLABELS);
        else if (eq(k, n, "matchExpressions"))
            want_field(f, KF_F_MATCHEXPR);
        else
            want_entry(f, KF_F_SEL_ENTRY);
        return;
    case N_MATCHLABELS:
        want_entry(f, KF_F_ML_ENTRY);
        return;
    case N_DATA:
        want_entry(f, KF_F_DATA_ENTRY);
        return;
    case N_FCSPEC:
        want_entry(f, KF_F_SPEC_ENTRY);
        return;
    default:
        return;
    }
}

/* The layout record of an item, made on first use. NULL: out of memory. */
static kf_itemlayout *item_layout(reader *r, kf_item *it)
{
    kf_input *in = r->in;
    if (!it->layout) {
        if (kf_array_grow((void **)&in->layouts, &in->layouts_cap,
                          in->nlayouts + 1, sizeof *in->layouts) < 0)
            return NULL;
        memset(&in->layouts[in->nlayouts], 0, sizeof *in->layouts);
        it->layout = (uint32_t)++in->nlayouts;
    }
    return &in->layouts[it->layout - 1];
}

/* When an item or stream document ends, what its kind does not need is
 * given back: its layout (the latest one made, if it has one) unless it is
 * a binding, the only kind the writer edits; an unrelated item also its
 * pooled strings (the pool is truncated to pool_mark). Returns whether its
 * fields can go too. */
static bool release_unread(reader *r, uint8_t kind_state, kf_item *it,
                           uint32_t pool_mark)
{
    if (kind_state == KIND_BINDING)
        return false;
    if (it->layout && it->layout == r->in->nlayouts)
        r->in->nlayouts--;
    it->layout = 0;
    if (kind_state != KIND_UNRELATED)
        return false;
    r->in->pool.len = pool_mark;
    return true;
}

static kf_maplayout *frame_layout(reader *r, frame *f)
{
    if (!f->layout)
        return NULL;
    kf_item *it = sink_item(r, f->sink);
    if (!it || !it->layout)
        return NULL;
    kf_itemlayout *l = &r->in->layouts[it->layout - 1];
    return f->layout == 1 ? &l->meta : &l->ann;
}

/* ---- document-level pairs (items, results) ------------------------------ */

static kf_pairlayout *root_pair(reader *r, frame *f)
{
    if (f->node != N_DOC || r->doc_index != 0)
        return NULL;
    if (f->pend == P_ITEMS)
        return &r->in->items_pair;
    if (f->pend == P_RESULTS)
        return &r->in->results_pair;
    return NULL;
}

/* A key of the document mapping starts: close the books of the previous
 * pair (its next_start) and open this one. In a ResourceList, a key that
 * decides what the list is, or that the output edits, may appear once
 * (which one would a downstream tool read?): note a second one. */
static void root_key(reader *r, struct fy_event *e, const char *k, size_t n,
                     uint32_t key_start)
{
    static const char *const unique[] = {"apiVersion", "kind", "items",
                                         "functionConfig", "results"};
    for (unsigned i = 0; i < sizeof unique / sizeof *unique; i++) {
        if (!eq(k, n, unique[i]))
            continue;
        if ((r->root_seen & (1u << i)) && !r->root_dup) {
            r->root_dup = unique[i];
            r->root_dup_line = mark_line(e) + 1;
            r->root_dup_col = mark_col(e) + 1;
        }
        r->root_seen |= 1u << i;
    }
    kf_pairlayout *pairs[2] = {&r->in->items_pair, &r->in->results_pair};
    for (int i = 0; i < 2; i++)
        if (pairs[i]->present && pairs[i]->value_end && !pairs[i]->next_start)
            pairs[i]->next_start = key_start;
}

/* A value in mapping frame f has been fully read. */
static void value_done(reader *r, frame *f)
{
    if (!f->is_map)
        return;
    if (f->want_key) { /* a complex key was skipped; its value follows */
        f->want_key = 0;
        f->pend = P_SKIP;
        return;
    }
    f->want_key = 1;
    kf_pairlayout *p = root_pair(r, f);
    if (p) {
        uint32_t end = r->last_end > p->colon ? r->last_end : p->colon;
        p->value_end = end;
    }
    if (f->node == N_DOC && r->doc_index == 0)
        r->doc_item.end = r->last_end; /* provisional: the pair's end */
}

/* ---- values ------------------------------------------------------------- */

static int begin_item(reader *r, struct fy_event *e, frame *seq)
{
    kf_input *in = r->in;
    if (kf_array_grow((void **)&in->items, &in->items_cap, in->nitems + 1,
                      sizeof *in->items) < 0)
        return fail_oom(r);
    kf_item *it = &in->items[in->nitems];
    memset(it, 0, sizeof *it);
    const struct fy_mark *m = fy_event_start_mark(e);
    it->start = mark_pos(m);
    it->first_field = (uint32_t)in->nfields;
    if (!seq->flow) {
        /* Find the '-' that introduces the item. */
        uint32_t p = it->start;
        while (p > 0 && strchr(" \t\r\n", r->buf[p - 1]))
            p--;
        uint32_t dash;
        if (p > 0 && r->buf[p - 1] == '-')
            dash = p - 1;
        else if (in->nitems == 0)
            dash = in->items_pair.value_start;
        else if (r->prev_item_me < r->len && r->buf[r->prev_item_me] == '-')
            dash = r->prev_item_me;
        else
            return fail(r, mark_line(e) + 1, mark_col(e) + 1,
                        "cannot find the '-' of this item (a comment between "
                        "'-' and the item is not supported)%s", "");
        it->slot_start = kf_line_start(r->buf, dash);
        if (in->nitems > 0)
            in->items[in->nitems - 1].slot_end = it->slot_start;
    }
    r->cur_item = in->nitems++;
    r->item_kind_state = KIND_UNKNOWN;
    r->item_pool_mark = (uint32_t)in->pool.len;
    return push(r, N_ITEM, S_ITEM, true, r->buf[it->start] == '{');
}

static int nonmap_item(reader *r, struct fy_event *e)
{
    if (!r->nonmap_line) {
        const struct fy_mark *m = fy_event_start_mark(e);
        r->nonmap_line = m ? m->line + 1 : 1;
        r->nonmap_col = m ? m->column + 1 : 1;
    }
    return 0;
}

static void layout_open(reader *r, frame *parent, kf_maplayout *l,
                        struct fy_event *e)
{
    l->present = 1;
    l->colon = after_colon(r, parent->key_end);
    if (e->type == FYET_MAPPING_START) {
        l->type = KF_V_MAP;
        l->start = mark_pos(fy_event_start_mark(e));
        l->flow = r->buf[l->start] == '{';
        l->empty = 1;
        /* A block mapping's mark is its first key, with the key's own tag,
         * anchor or quotes (the key's mark is past them, or missing for an
         * empty key), and without the mapping's properties. */
        l->first_key = l->start;
        l->key_col = (uint32_t)mark_col(e);
    } else if (e->type == FYET_SCALAR) {
        size_t n = 0;
        const char *t = scalar_text(r, e, &n);
        l->type = scalar_type(e, t, n);
        uint32_t s, en;
        scalar_span(r, e, &s, &en);
        if (n > 0) {
            l->null_start = s;
            l->null_end = en;
        }
    } else {
        l->type = e->type == FYET_ALIAS ? KF_V_ALIAS : KF_V_SEQ;
    }
}

/* Record a scalar-ish value (or the type of a collection) as a field. */
static int record(reader *r, frame *f, struct fy_event *e, uint8_t id,
                  bool entry)
{
    kf_field fld;
    memset(&fld, 0, sizeof fld);
    fld.id = id;
    /* An entry's value is pooled right after its key (kf_field_text()). */
    if (entry) {
        if (pool_add(r, r->entry_key.data, r->entry_key.len, false, &fld.text) < 0)
            return -1;
    } else if (id < KF_F_SINGLE) {
        if (f->seen & (1u << id))
            fld.dup = 1;
        f->seen |= 1u << id;
    }
    switch (e->type) {
    case FYET_SCALAR: {
        size_t n = 0;
        const char *t = scalar_text(r, e, &n);
        fld.type = scalar_type(e, t, n);
        uint32_t off;
        if (pool_add(r, t, n, !entry, &off) < 0)
            return -1;
        if (!entry)
            fld.text = off;
        break;
    }
    case FYET_ALIAS:
        fld.type = KF_V_ALIAS;
        break;
    case FYET_MAPPING_START:
        fld.type = KF_V_MAP;
        break;
    default:
        fld.type = KF_V_SEQ;
        break;
    }
    if (f->pend_tagged ||
        (e->type != FYET_SCALAR && e->type != FYET_ALIAS &&
         (e->type == FYET_MAPPING_START ? e->mapping_start.tag
                                        : e->sequence_start.tag)))
        fld.type = KF_V_TAGGED;
    uint32_t empty;
    if (entry && e->type != FYET_SCALAR && pool_add(r, "", 0, false, &empty) < 0)
        return -1; /* the entry's value text: "" */
    return add_field(r, f->sink, &fld);
}

/* Skip the collection that e opens, or finish a scalar value at once. */
static void skip_value(reader *r, frame *f, struct fy_event *e)
{
    if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START)
        r->skip_depth = 1;
    else
        value_done(r, f);
}

static int on_key(reader *r, frame *f, struct fy_event *e)
{
    if (e->type != FYET_SCALAR) {
        f->pend = P_SKIP;
        if (e->type == FYET_ALIAS) {
            f->want_key = 0;
            return 0;
        }
        r->skip_depth = 1; /* complex key: value_done() flips want_key */
        return 0;
    }
    size_t n = 0;
    const char *k = scalar_text(r, e, &n);
    uint32_t s, en;
    scalar_span(r, e, &s, &en);
    if (!fy_event_start_mark(e))
        s = en = r->last_end; /* note_scalar_end() put it past the ':' */
    f->key_start = s;
    f->key_end = en;
    note_end(r, en);
    if (f->node == N_DOC && r->doc_index == 0)
        root_key(r, e, k, n, s);
    kf_maplayout *l = frame_layout(r, f);
    if (l)
        l->empty = 0;
    f->want_key = 0;
    dispatch(r, f, k, n);
    /* A tagged key still names the field the cluster reads: the field is
     * recorded as tagged, which is refused where it is read. */
    f->pend_tagged = e->scalar.tag != NULL;
    if (f->pend == P_ENTRY) {
        r->entry_key.len = 0;
        if (kf_buf_append(&r->entry_key, k, n) < 0)
            return fail_oom(r);
    }
    kf_pairlayout *p = root_pair(r, f);
    if (p) {
        p->present = 1;
        p->key_start = s;
        p->colon = after_colon(r, en);
        p->prev_end = r->doc_item.end; /* end of the previous pair, or 0 */
    }
    return 0;
}

static int on_value(reader *r, frame *f, struct fy_event *e)
{
    bool opens = e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START;
    bool is_map = e->type == FYET_MAPPING_START;
    uint32_t start = mark_pos(fy_event_start_mark(e));

    if (!f->is_map) { /* only the items sequence is followed */
        if (is_map)
            return begin_item(r, e, f);
        nonmap_item(r, e);
        if (opens)
            r->skip_depth = 1;
        return 0;
    }

    switch (f->pend) {
    case P_FIELD:
    case P_ENTRY:
        if (record(r, f, e, f->pend_id, f->pend == P_ENTRY) < 0)
            return -1;
        skip_value(r, f, e);
        return 0;
    case P_NODE: {
        uint8_t sink = f->sink;
        if (record(r, f, e, f->pend_id, false) < 0)
            return -1;
        kf_item *it = sink_item(r, sink);
        uint8_t layout = 0;
        struct fy_token *tag = e->type == FYET_MAPPING_START ? e->mapping_start.tag
                               : e->type == FYET_SCALAR ? e->scalar.tag : NULL;
        /* A layout is recorded only for an untagged value under an untagged
         * key: what the function does not read, it must never edit. */
        if (tag || f->pend_tagged) {
            skip_value(r, f, e);
            return 0;
        }
        if (f->pend_node == N_METADATA && (f->node == N_ITEM || f->node == N_DOC)) {
            kf_itemlayout *l = item_layout(r, it);
            if (!l)
                return fail_oom(r);
            layout = 1;
            layout_open(r, f, &l->meta, e);
        } else if (f->pend_node == N_ANNOT && f->layout == 1 && it->layout) {
            layout = 2;
            layout_open(r, f, &r->in->layouts[it->layout - 1].ann, e);
        }
        if (!is_map) {
            skip_value(r, f, e);
            return 0;
        }
        if (push(r, f->pend_node, sink, true, r->buf[start] == '{') < 0)
            return -1;
        r->stack[r->depth - 1].layout = layout;
        return 0;
    }
    case P_ITEMS: {
        kf_pairlayout *p = &r->in->items_pair;
        p->value_start = start;
        p->col = (uint32_t)mark_col(e);
        if (e->type == FYET_SEQUENCE_START) {
            p->value_type = KF_V_SEQ;
            p->flow = r->buf[start] == '[';
            return push(r, N_ITEMS, S_ITEM, false, p->flow);
        }
        if (e->type == FYET_SCALAR) {
            size_t n = 0;
            const char *t = scalar_text(r, e, &n);
            p->value_type = scalar_type(e, t, n);
            if (!is_null_scalar(r, e))
                r->items_not_seq = true;
            if (n == 0)
                p->value_start = 0;
        } else {
            r->items_not_seq = true;
        }
        skip_value(r, f, e);
        return 0;
    }
    case P_FCROOT:
        r->in->fc_type = e->type == FYET_MAPPING_START ? KF_V_MAP
                         : e->type == FYET_SCALAR     ? KF_V_NONSTR
                         : e->type == FYET_ALIAS      ? KF_V_ALIAS
                                                      : KF_V_SEQ;
        if (is_map) {
            kf_item *fc = &r->in->fc;
            memset(fc, 0, sizeof *fc);
            fc->start = start;
            r->in->has_fc = true;
            return push(r, N_FC, S_FC, true, r->buf[start] == '{');
        }
        if (is_null_scalar(r, e))
            r->in->fc_null = true;
        else if (e->type == FYET_SCALAR)
            r->in->fc_type = KF_V_STR;
        skip_value(r, f, e);
        return 0;
    case P_RESULTS:
        if (r->in->results_pair.present) {
            r->in->results_pair.value_start = start;
            r->in->results_pair.flow = opens && strchr("[{", r->buf[start]);
        }
        skip_value(r, f, e);
        return 0;
    default:
        skip_value(r, f, e);
        return 0;
    }
}

/* A mapping or sequence we followed ends. */
static int on_end(reader *r, struct fy_event *e)
{
    frame f = r->stack[--r->depth];
    uint32_t content_end = r->last_end;
    if (is_flow_end(e))
        note_end(r, mark_pos(fy_event_end_mark(e)));
    kf_input *in = r->in;
    kf_maplayout *l = frame_layout(r, &f);
    if (l) {
        l->end = f.flow ? mark_pos(fy_event_end_mark(e)) : r->last_end;
        l->content_end = content_end;
    }
    switch (f.node) {
    case N_ITEM: {
        kf_item *it = &in->items[r->cur_item];
        it->end = r->last_end;
        /* Keep memory bounded by what the function reads, not the input. */
        if (release_unread(r, r->item_kind_state, it, r->item_pool_mark))
            in->nfields = it->first_field;
        it->nfields = (uint32_t)(in->nfields - it->first_field);
        if (!f.flow)
            r->prev_item_me = mark_pos(fy_event_start_mark(e));
        break;
    }
    case N_FC:
        in->fc.end = r->last_end;
        in->fc.nfields = (uint32_t)in->nfc_fields;
        break;
    case N_DOC:
        r->doc_item.end = r->last_end;
        in->root_end = content_end;
        in->root_flow = f.flow;
        break;
    case N_ITEMS:
        if (!f.flow && in->nitems > 0) {
            kf_item *last = &in->items[in->nitems - 1];
            last->slot_end = kf_line_after(r->buf, r->len, last->end);
        }
        break;
    default:
        break;
    }
    if (r->depth > 0)
        value_done(r, &r->stack[r->depth - 1]);
    return 0;
}

/* ---- documents ---------------------------------------------------------- */

static int doc_begin(reader *r, struct fy_event *e)
{
    uint32_t start = 0;
    if (!e->document_start.implicit)
        start = mark_pos(fy_event_start_mark(e));
    else if (r->doc_index > 0)
        start = (uint32_t)r->last_end; /* refined at the root node */
    if (r->doc_index > 0 && !r->in->rlist && r->in->nitems > 0 &&
        !e->document_start.implicit)
        r->in->items[r->in->nitems - 1].slot_end = start;
    r->doc_start = start;
    r->doc_implicit = e->document_start.implicit;
    r->doc_has_root = false;
    r->doc_is_empty = false;
    r->ndoc_fields = 0;
    r->doc_kind_state = KIND_UNKNOWN;
    r->doc_pool_mark = (uint32_t)r->in->pool.len;
    memset(&r->doc_item, 0, sizeof r->doc_item);
    return 0;
}

static int doc_root(reader *r, struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    int line = m ? m->line + 1 : 1, col = m ? m->column + 1 : 1;
    if (r->doc_index > 0 && r->in->rlist)
        return fail(r, line, col,
                    "a ResourceList must be the only document in the input%s", "");
    if (e->type == FYET_SCALAR) {
        size_t n = 0;
        scalar_text(r, e, &n);
        if (n == 0 && !e->scalar.tag &&
            fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN) {
            r->doc_is_empty = true; /* a document holding only comments */
            return 0;
        }
    }
    if (e->type != FYET_MAPPING_START) {
        char what[32];
        snprintf(what, sizeof what, "%zu", r->doc_index + 1);
        return fail(r, line, col, "document %s is not a mapping", what);
    }
    uint32_t start = mark_pos(m);
    kf_item *it = &r->doc_item;
    it->start = start;
    r->doc_line = line;
    r->doc_col = col;
    if (r->doc_implicit && r->doc_index > 0 && r->doc_start == 0)
        r->doc_start = kf_line_start(r->buf, start);
    it->slot_start = r->doc_start;
    r->in->root_col = (uint32_t)mark_col(e);
    r->doc_has_root = true;
    return push(r, N_DOC, S_DOC, true, r->buf[start] == '{');
}

static int is_str(const kf_input *in, const kf_field *f, const char *lit)
{
    return f->type == KF_V_STR && strcmp(kf_field_text(in, f), lit) == 0;
}

static const kf_field *doc_field(reader *r, uint8_t id)
{
    for (size_t i = 0; i < r->ndoc_fields; i++)
        if (r->doc_fields[i].id == id)
            return &r->doc_fields[i];
    return NULL;
}

static int doc_end(reader *r)
{
    kf_input *in = r->in;
    if (!r->doc_has_root) {
        r->doc_index++;
        return 0;
    }
    const kf_field *kind = doc_field(r, KF_F_KIND);
    if (r->doc_index == 0 && kind && is_str(in, kind, "ResourceList")) {
        const kf_field *av = doc_field(r, KF_F_APIVERSION);
        if (!av || !(is_str(in, av, "config.kubernetes.io/v1") ||
                     is_str(in, av, "config.kubernetes.io/v1beta1")))
            return fail(r, r->doc_line, r->doc_col,
                        "ResourceList apiVersion must be config.kubernetes.io/v1 "
                        "or config.kubernetes.io/v1beta1%s", "");
        if (r->root_dup)
            return fail(r, r->root_dup_line, r->root_dup_col,
                        "invalid YAML: duplicate key \"%s\" in the ResourceList",
                        r->root_dup);
        if (r->items_not_seq)
            return fail(r, r->doc_line, r->doc_col,
                        "ResourceList.items must be a sequence%s", "");
        if (r->nonmap_line)
            return fail(r, r->nonmap_line, r->nonmap_col,
                        "an item of ResourceList.items is not a mapping%s", "");
        in->rlist = true;
        r->doc_index++;
        return 0;
    }
    if (r->doc_index == 0) {
        /* Not a ResourceList: forget what looked like one. */
        in->nitems = 0;
        in->nfields = 0;
        in->has_fc = false;
        in->fc_null = false;
        in->nfc_fields = 0;
        memset(&in->items_pair, 0, sizeof in->items_pair);
        memset(&in->results_pair, 0, sizeof in->results_pair);
    }
    if (kf_array_grow((void **)&in->items, &in->items_cap, in->nitems + 1,
                      sizeof *in->items) < 0 ||
        kf_array_grow((void **)&in->fields, &in->fields_cap,
                      in->nfields + r->ndoc_fields, sizeof *in->fields) < 0)
        return fail_oom(r);
    if (release_unread(r, r->doc_kind_state, &r->doc_item, r->doc_pool_mark))
        r->ndoc_fields = 0;
    kf_item *it = &in->items[in->nitems++];
    *it = r->doc_item;
    it->first_field = (uint32_t)in->nfields;
    it->nfields = (uint32_t)r->ndoc_fields;
    it->slot_end = (uint32_t)r->len;
    if (r->ndoc_fields)
        memcpy(in->fields + in->nfields, r->doc_fields,
               r->ndoc_fields * sizeof *r->doc_fields);
    in->nfields += r->ndoc_fields;
    r->doc_index++;
    return 0;
}

/* ---- the event loop ----------------------------------------------------- */

static int read_event(reader *r, struct fy_event *e)
{
    if (r->skip_depth > 0) {
        switch (e->type) {
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
            if (++r->skip_depth + r->depth > KF_MAX_DEPTH) {
                return fail(r, mark_line(e) + 1, mark_col(e) + 1,
                            "nesting deeper than %s levels", "1000");
            }
            return 0;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END:
            if (is_flow_end(e))
                note_end(r, mark_pos(fy_event_end_mark(e)));
            if (--r->skip_depth == 0 && r->depth > 0)
                value_done(r, &r->stack[r->depth - 1]);
            return 0;
        case FYET_SCALAR:
            note_scalar_end(r, e);
            return 0;
        case FYET_ALIAS:
            note_end(r, mark_pos(fy_event_end_mark(e)));
            return 0;
        default:
            return 0;
        }
    }

    switch (e->type) {
    case FYET_DOCUMENT_START:
        return doc_begin(r, e);
    case FYET_DOCUMENT_END:
        return doc_end(r);
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        return on_end(r, e);
    case FYET_SCALAR:
    case FYET_ALIAS:
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        if (e->type == FYET_SCALAR) {
            note_scalar_end(r, e);
        } else if (e->type == FYET_ALIAS) {
            note_end(r, mark_pos(fy_event_end_mark(e)));
        }
        if (r->depth == 0) {
            if (r->doc_is_empty || r->doc_has_root)
                return 0;
            return doc_root(r, e);
        }
        frame *f = &r->stack[r->depth - 1];
        if (f->is_map && f->want_key)
            return on_key(r, f, e);
        return on_value(r, f, e);
    }
    default:
        return 0;
    }
}

static int on_event(reader *r, struct fy_event *e)
{
    if (read_event(r, e) < 0)
        return -1;
    /* read_event() has noted every scalar's end (both modes). */
    uint32_t end = 0;
    if (e->type == FYET_SCALAR)
        end = r->scalar_end;
    else if (e->type == FYET_ALIAS)
        end = mark_pos(fy_event_end_mark(e));
    int line = 0, col = 0;
    int rc = kf_strict_event(&r->strict, r->buf, r->len, e, end, &line, &col);
    if (rc == -2)
        return fail_oom(r);
    if (rc < 0)
        return fail(r, line, col, "invalid YAML: a mapping value on its own "
                    "line must be indented more than its key%s", "");
    return 0;
}

/* Reject what YAML cannot carry before the parser sees it: invalid UTF-8
 * and NUL bytes, with their line and column. */
static int check_encoding(reader *r)
{
    const unsigned char *s = (const unsigned char *)r->buf;
    size_t n = r->len, i = 0;
    const char *what = NULL;
    while (i < n) {
        /* Eight ASCII bytes without a NUL or a CR at a time: the common
         * case (a zero byte in w, or in w ^ CRs, sets its high bit). */
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
            const uint64_t crs = 0x0d0d0d0d0d0d0d0du, x = w ^ crs;
            if (((w | ((w - ones) & ~w) | ((x - ones) & ~x)) & highs) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        size_t need = 0;
        uint32_t cp = 0, min = 0;
        if (c < 0x80) {
            if (c == 0) {
                what = "NUL byte in input%s";
                break;
            }
            /* YAML reads a lone CR as a line break; everything here that
             * finds lines looks for LF. Refuse rather than misplace. */
            if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n')) {
                what = "a carriage return without a line feed (a lone CR line "
                       "break) is not supported%s";
                break;
            }
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            need = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            need = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            what = "input is not valid UTF-8%s";
            break;
        }
        for (size_t k = 1; k <= need && !what; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                what = "input is not valid UTF-8%s";
            else
                cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (!what && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            what = "input is not valid UTF-8%s";
        if (what)
            break;
        i += need + 1;
    }
    if (!what)
        return 0;
    /* Only now count lines, for the message. */
    int line = 1;
    size_t line_start_at = 0;
    for (const unsigned char *p = s; (p = memchr(p, '\n', (size_t)(s + i - p)));) {
        line++;
        line_start_at = (size_t)(++p - s);
    }
    return fail(r, line, (int)(i - line_start_at + 1), what, "");
}

/* Report the parser's first error. Returns whether the parser may be
 * destroyed: after "cannot use tab for indentation of block entry",
 * libfyaml 0.7.12 (Debian 12) leaves a freed entry on its indent or simple
 * key list and fy_parser_destroy() crashes (upstream libfyaml issue #57,
 * fixed after 0.7.12). That parser is deliberately leaked: fatal input ends
 * the run anyway, and a leak is better than a crash. */
static bool parser_error(reader *r)
{
    struct fy_diag *diag = fy_parser_get_diag(r->parser);
    void *iter = NULL;
    struct fy_diag_error *err = diag ? fy_diag_errors_iterate(diag, &iter) : NULL;
    if (!err) {
        fail(r, 0, 0, "invalid YAML%s", "");
        return true;
    }
    fail(r, err->line, err->column, "invalid YAML: %s", err->msg); /* 1-based */
    return !strstr(err->msg, "cannot use tab for indentation");
}

int kf_read(const char *buf, size_t len, kf_input *in, kf_fatal *fatal)
{
    reader r;
    memset(&r, 0, sizeof r);
    memset(in, 0, sizeof *in);
    memset(fatal, 0, sizeof *fatal);
    r.buf = buf;
    r.len = len;
    r.in = in;
    r.fatal = fatal;
    in->buf = buf;
    in->len = len;

    if (len >= KF_MAX_INPUT)
        return fail(&r, 0, 0, "input larger than %s is not supported", "1 GiB");
    if (check_encoding(&r) < 0)
        return -1;
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && strchr(" \t\r\n", buf[i]))
        i++;
    in->json = i < len && buf[i] == '{';
    if (kf_buf_append(&in->pool, "", 1) < 0) /* offset 0: "" */
        return fail_oom(&r);

    /* Diagnostics are collected, never printed: we print one line. */
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag)
        return fail_oom(&r);
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    cfg.diag = diag;
    r.parser = fy_parser_create(&cfg);
    if (!r.parser || fy_parser_set_string(r.parser, buf, len) != 0) {
        if (r.parser)
            fy_parser_destroy(r.parser);
        fy_diag_unref(diag);
        return fail_oom(&r);
    }
    struct fy_event *e;
    int rc = 0;
    while (rc == 0 && (e = fy_parser_parse(r.parser)) != NULL) {
        rc = on_event(&r, e);
        fy_parser_event_free(r.parser, e);
    }
    bool destroy = true;
    if (rc == 0 && fy_parser_get_stream_error(r.parser)) {
        destroy = parser_error(&r);
        rc = -1;
    }
    if (destroy)
        fy_parser_destroy(r.parser);
    /* After a parse error libfyaml keeps a reference of its own on the
     * diag; destroy releases it whatever the count. */
    fy_diag_destroy(diag);
    free(r.stack);
    free(r.doc_fields);
    kf_buf_free(&r.entry_key);
    kf_strict_free(&r.strict);
    return rc;
}

void kf_input_drop_fields(kf_input *in)
{
    free(in->fields);
    free(in->fc_fields);
    in->fields = in->fc_fields = NULL;
    in->nfields = in->fields_cap = in->nfc_fields = in->fc_fields_cap = 0;
    for (size_t i = 0; i < in->nitems; i++)
        in->items[i].first_field = in->items[i].nfields = 0;
    in->fc.first_field = in->fc.nfields = 0;
}

void kf_input_free(kf_input *in)
{
    free(in->items);
    free(in->fields);
    free(in->layouts);
    free(in->fc_fields);
    kf_buf_free(&in->pool);
    memset(in, 0, sizeof *in);
}
