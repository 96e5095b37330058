/* read_walk.c - following the collections the schema reads (read.h).
 *
 * The walk keeps a frame only for the collections the capture schema
 * (kf_schema.h) looks into; any other subtree is skipped by counting
 * nesting depth (read.c), so its cost is the parser's alone. At each key
 * it asks the schema which node the value belongs to: a node's captures
 * record fields (read_capture.c), its act says whether the value is the
 * item list, the functionConfig or the results, and its layout whether the
 * writer needs to know where the value is (read_layout.h). This file names no
 * field: the schema does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_layout.h"
#include "read.h"

static const kf_snode *snode(const kf_reader *r, uint32_t i)
{
    return &r->schema.nodes[i];
}

/* The document being read is the first, which may be a ResourceList. */
static bool first_doc(const kf_reader *r, const kf_frame *f)
{
    return f->role == R_DOC && r->doc_index == 0;
}

int kf_walk_push(kf_reader *r, uint32_t node, uint8_t sink, uint8_t role,
                bool is_map, bool flow)
{
    if (r->depth + 1 > KF_MAX_DEPTH)
        return kf_reader_fail(r, 0, 0, "nesting deeper than %s levels", "1000");
    if (kf_array_grow((void **)&r->stack, &r->stack_cap, r->depth + 1,
                      sizeof *r->stack) < 0)
        return kf_reader_oom(r);
    kf_frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->lit = f->wild = KF_SNONE;
    f->sink = sink;
    f->role = role;
    f->is_map = is_map;
    f->want_key = is_map;
    f->flow = flow;
    return 0;
}

/* ---- layouts -------------------------------------------------------------- */

static kf_maplayout *frame_layout(kf_reader *r, kf_frame *f)
{
    if (!f->layout)
        return NULL;
    kf_item *it = kf_sink_item(r, f->sink);
    if (!it->layout)
        return NULL;
    kf_itemlayout *l = &r->in->layouts[it->layout - 1];
    return f->layout == KF_LAYOUT_META ? &l->meta : &l->ann;
}

/* The value e under the current key of f starts a layout the schema asks
 * for: a binding's metadata, then its annotations. Returns the layout
 * kind recorded (0: none). A layout is recorded only for an untagged value
 * under an untagged key: what the function does not read, it must never
 * edit. */
static int open_layout(kf_reader *r, kf_frame *f, struct fy_event *e, uint8_t *kind)
{
    *kind = KF_LAYOUT_NONE;
    const kf_snode *n = snode(r, f->lit);
    /* a List's entries are never edited: no layout (72 bytes a binding) */
    if (r->as_list || !n->layout || !(n->layout_mask & r->sinks[f->sink].kmask) ||
        kf_event_tag(e) || f->tagged_key)
        return 0;
    kf_item *it = kf_sink_item(r, f->sink);
    kf_maplayout *l;
    if (n->layout == KF_LAYOUT_META && (f->role == R_ITEM || f->role == R_DOC)) {
        kf_itemlayout *il = kf_layout_of(r->in, it);
        if (!il)
            return kf_reader_oom(r);
        l = &il->meta;
    } else if (n->layout == KF_LAYOUT_ANN && f->layout == KF_LAYOUT_META && it->layout) {
        l = &r->in->layouts[it->layout - 1].ann;
    } else {
        return 0;
    }
    kf_layout_open(l, &r->ends, f->key_end, e);
    *kind = n->layout;
    return 0;
}

/* ---- values --------------------------------------------------------------- */

/* A value in mapping frame f has been fully read. */
void kf_walk_value_done(kf_reader *r, kf_frame *f)
{
    if (!f->is_map)
        return;
    if (f->want_key) { /* a complex key was skipped; its value follows */
        f->want_key = 0;
        f->lit = f->wild = KF_SNONE;
        return;
    }
    f->want_key = 1;
    if (first_doc(r, f)) {
        uint8_t act = f->lit != KF_SNONE ? snode(r, f->lit)->act : KF_ACT_NONE;
        if (act == KF_ACT_ITEMS)
            kf_pair_done(&r->in->items_pair, r->ends.last);
        else if (act == KF_ACT_RESULTS && r->in->results_pair.present)
            kf_pair_done(&r->in->results_pair, r->ends.last);
        r->doc_item.end = r->ends.last; /* provisional: the pair's end */
    }
}

/* Skip the collection that e opens, or finish a scalar value at once. */
static void skip_value(kf_reader *r, kf_frame *f, struct fy_event *e)
{
    if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START)
        r->skip_depth = 1;
    else
        kf_walk_value_done(r, f);
}

static int begin_item(kf_reader *r, struct fy_event *e, kf_frame *seq)
{
    kf_input *in = r->in;
    if (kf_array_grow((void **)&in->items, &in->items_cap, in->nitems + 1,
                      sizeof *in->items) < 0)
        return kf_reader_oom(r);
    kf_item *it = &in->items[in->nitems];
    memset(it, 0, sizeof *it);
    it->start = kf_event_start(&r->ends, e);
    it->first_field = (uint32_t)in->nfields;
    if (!seq->flow && !r->as_list) { /* a List's entries are never edited */
        /* Find the '-' that introduces the item. */
        const char *buf = r->ends.buf;
        uint32_t p = it->start;
        while (p > 0 && strchr(" \t\r\n", buf[p - 1]))
            p--;
        uint32_t dash;
        if (p > 0 && buf[p - 1] == '-')
            dash = p - 1;
        else if (in->nitems == 0 && !r->in_slice)
            dash = in->items_pair.value_start;
        else if (r->prev_item_me < r->ends.len && buf[r->prev_item_me] == '-')
            dash = r->prev_item_me;
        else
            return kf_reader_fail(r, kf_event_line(&r->ends, e) + 1, kf_event_col(e) + 1,
                        "cannot find the '-' of this item (a comment between "
                        "'-' and the item is not supported)%s", "");
        it->slot_start = kf_line_start(buf, dash);
        if (in->nitems > 0)
            in->items[in->nitems - 1].slot_end = it->slot_start;
    }
    r->cur_item = in->nitems++;
    kf_sink_begin(r, S_ITEM, KF_KC_ITEMS);
    return kf_walk_push(r, 0, S_ITEM, R_ITEM, true, r->ends.buf[it->start] == '{');
}

static void nonmap_item(kf_reader *r, struct fy_event *e)
{
    if (!r->nonmap_line) {
        const struct fy_mark *m = fy_event_start_mark(e);
        r->nonmap_line = m ? kf_mark_line(&r->ends, m) + 1 : 1;
        r->nonmap_col = m ? m->column + 1 : 1;
    }
}

/* The value of ResourceList.items, .functionConfig or .results. */
static int act_value(kf_reader *r, kf_frame *f, uint8_t act, struct fy_event *e)
{
    kf_input *in = r->in;
    bool is_map = e->type == FYET_MAPPING_START;
    uint32_t start = kf_event_start(&r->ends, e);
    switch (act) {
    case KF_ACT_ITEMS:
        kf_pair_value(&in->items_pair, &r->ends, e);
        if (e->type == FYET_SEQUENCE_START)
            return kf_walk_push(r, 0, S_ITEM, R_ITEMS, false, in->items_pair.flow);
        if (e->type != FYET_SCALAR || !kf_scalar_is_null(&r->ends, e))
            r->items_not_seq = true;
        break;
    case KF_ACT_CONFIG:
        in->fc_type = is_map                        ? KF_V_MAP
                      : e->type == FYET_SCALAR      ? KF_V_NONSTR
                      : e->type == FYET_ALIAS       ? KF_V_ALIAS
                                                    : KF_V_SEQ;
        if (is_map) {
            memset(&in->fc, 0, sizeof in->fc);
            in->fc.start = start;
            in->has_fc = true;
            kf_sink_begin(r, S_FC, KF_KC_CONFIG);
            r->sinks[S_FC].kind_known = true; /* read as a config, whatever
                                               * its kind */
            return kf_walk_push(r, 0, S_FC, R_FC, true, r->ends.buf[start] == '{');
        }
        if (kf_scalar_is_null(&r->ends, e))
            in->fc_null = true;
        else if (e->type == FYET_SCALAR)
            in->fc_type = KF_V_STR;
        break;
    case KF_ACT_RESULTS:
        if (in->results_pair.present)
            kf_pair_value(&in->results_pair, &r->ends, e);
        break;
    default:
        break;
    }
    skip_value(r, f, e);
    return 0;
}

/* Follow value e (a collection) at schema node n, or skip it. Tagged
 * values and values under tagged keys are never looked into. */
static int follow(kf_reader *r, kf_frame *f, uint32_t n, struct fy_event *e,
                  uint8_t layout)
{
    kf_kmask kmask = r->sinks[f->sink].kmask;
    char first = r->ends.buf[kf_event_start(&r->ends, e)];
    bool flow = first == '[' || first == '{';
    if (n != KF_SNONE && !kf_event_tag(e) && !f->tagged_key) {
        if (e->type == FYET_MAPPING_START && kf_schema_follows(&r->schema, n, kmask)) {
            if (kf_walk_push(r, n, f->sink, R_NONE, true, flow) < 0)
                return -1;
            r->stack[r->depth - 1].layout = layout;
            return 0;
        }
        uint32_t el = kf_schema_elem(&r->schema, n, kmask);
        if (e->type == FYET_SEQUENCE_START && el != KF_SNONE)
            return kf_walk_push(r, el, f->sink, R_NONE, false, flow);
    }
    skip_value(r, f, e);
    return 0;
}

static int on_value(kf_reader *r, kf_frame *f, struct fy_event *e)
{
    if (f->role == R_ITEMS) { /* the elements of ResourceList.items */
        if (e->type == FYET_MAPPING_START)
            return begin_item(r, e, f);
        nonmap_item(r, e);
        if (e->type == FYET_SEQUENCE_START)
            r->skip_depth = 1;
        return 0;
    }
    if (!f->is_map) { /* an element of a sequence the schema reads */
        if (kf_capture_value(r, f, f->node, r->sinks[f->sink].kmask, e, false) < 0)
            return -1;
        if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START)
            return follow(r, f, f->node, e, KF_LAYOUT_NONE);
        return 0;
    }
    if (f->lit == KF_SNONE && f->wild == KF_SNONE) {
        skip_value(r, f, e);
        return 0;
    }
    if ((f->lit != KF_SNONE &&
         kf_capture_value(r, f, f->lit, r->sinks[f->sink].kmask, e, false) < 0) ||
        (f->wild != KF_SNONE && kf_capture_value(r, f, f->wild, f->wild_mask, e, true) < 0))
        return -1;
    uint8_t act = f->lit != KF_SNONE ? snode(r, f->lit)->act : KF_ACT_NONE;
    if (act && first_doc(r, f))
        return act_value(r, f, act, e);
    uint8_t layout = KF_LAYOUT_NONE;
    if (f->lit != KF_SNONE && open_layout(r, f, e, &layout) < 0)
        return -1;
    if (e->type != FYET_MAPPING_START && e->type != FYET_SEQUENCE_START) {
        skip_value(r, f, e);
        return 0;
    }
    return follow(r, f, f->lit, e, layout); /* a wildcard is a leaf */
}

/* ---- keys ----------------------------------------------------------------- */

/* A ResourceList key that decides what the list is, or that the output
 * edits, may appear once (which one would a downstream tool read?): note
 * the first one given twice. At the top of a stream's document, a second
 * apiVersion or kind is two documents run together (read.c says so). */
static void note_root_dup(kf_reader *r, struct fy_event *e, const kf_snode *n)
{
    if (r->root_dup[0])
        return;
    snprintf(r->root_dup, sizeof r->root_dup, "%.*s", (int)n->keylen, n->key);
    r->root_dup_line = kf_event_line(&r->ends, e) + 1;
    r->root_dup_col = kf_event_col(e) + 1;
}

static int on_key(kf_reader *r, kf_frame *f, struct fy_event *e)
{
    f->lit = f->wild = KF_SNONE;
    if (e->type != FYET_SCALAR) {
        if (e->type == FYET_ALIAS) {
            f->want_key = 0;
            return 0;
        }
        r->skip_depth = 1; /* complex key: value_done() flips want_key */
        return 0;
    }
    size_t n = 0;
    const char *k = kf_scalar_text(&r->ends, e, &n);
    uint32_t s, en;
    if (!kf_scalar_span(&r->ends, e, &s, &en))
        s = en = r->ends.last; /* kf_ends_scalar() put it past the ':' */
    f->key_start = s;
    f->key_end = en;
    kf_ends_note(&r->ends, en);
    bool root = first_doc(r, f);
    if (root)
        kf_pairs_key(r->in, s);
    kf_maplayout *l = frame_layout(r, f);
    if (l)
        kf_layout_key(l);
    f->want_key = 0;
    /* A wildcard captures the keys no literal row names for a class. */
    kf_kmask kmask = r->sinks[f->sink].kmask;
    f->lit = kf_schema_child(&r->schema, f->node, k, n, kmask);
    f->wild_mask = kmask & ~(f->lit != KF_SNONE ? snode(r, f->lit)->mask : 0);
    f->wild = kf_schema_wild(&r->schema, f->node, f->wild_mask);
    f->dup = 0;
    if (f->lit != KF_SNONE) {
        const kf_snode *ln = snode(r, f->lit);
        uint64_t bit = (uint64_t)1 << ln->ordinal;
        f->dup = (f->seen & bit) != 0;
        f->seen |= bit;
        if (f->dup && ln->once && f->role == R_DOC) /* any document's top */
            note_root_dup(r, e, ln);
        kf_pairlayout *p = !root ? NULL
                           : ln->act == KF_ACT_ITEMS   ? &r->in->items_pair
                           : ln->act == KF_ACT_RESULTS ? &r->in->results_pair
                                                       : NULL;
        if (p) /* doc_item.end: end of the previous pair, or 0 */
            kf_pair_open(p, &r->ends, s, en, r->doc_item.end);
    }
    f->tagged_key = e->scalar.tag != NULL;
    if (f->wild != KF_SNONE) {
        r->entry_key.len = 0;
        if (kf_buf_append(&r->entry_key, k, n) < 0)
            return kf_reader_oom(r);
    }
    return 0;
}

int kf_walk_node(kf_reader *r, kf_frame *f, struct fy_event *e)
{
    if (f->is_map && f->want_key)
        return on_key(r, f, e);
    return on_value(r, f, e);
}

/* A mapping or sequence we followed ends. */
int kf_walk_end(kf_reader *r, struct fy_event *e)
{
    kf_frame f = r->stack[--r->depth];
    uint32_t content_end = r->ends.last;
    if (kf_event_is_flow_end(&r->ends, e))
        kf_ends_note(&r->ends, kf_mark_pos(&r->ends, fy_event_end_mark(e)));
    kf_input *in = r->in;
    kf_maplayout *l = frame_layout(r, &f);
    if (l)
        kf_layout_close(l, &r->ends, f.flow, e, content_end);
    switch (f.role) {
    case R_ITEM: {
        kf_item *it = &in->items[r->cur_item];
        it->end = r->ends.last;
        /* Keep memory bounded by what the function reads, not the input. */
        if (kf_sink_release(r, S_ITEM, it))
            in->nfields = it->first_field;
        it->nfields = (uint32_t)(in->nfields - it->first_field);
        if (!f.flow)
            r->prev_item_me = kf_mark_pos(&r->ends, fy_event_start_mark(e));
        break;
    }
    case R_FC:
        in->fc.end = r->ends.last;
        in->fc.nfields = (uint32_t)in->nfc_fields;
        break;
    case R_DOC:
        r->doc_item.end = r->ends.last;
        in->root_end = content_end;
        in->root_flow = f.flow;
        break;
    case R_ITEMS:
        if (!f.flow && in->nitems > 0) {
            kf_item *last = &in->items[in->nitems - 1];
            last->slot_end = kf_line_after(r->ends.buf, r->ends.len, last->end);
        }
        break;
    default:
        break;
    }
    if (r->depth > 0)
        kf_walk_value_done(r, &r->stack[r->depth - 1]);
    return 0;
}

