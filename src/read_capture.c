/* read_capture.c - captured fields and where they go (read.h).
 *
 * A field goes to its sink: the current document, item or functionConfig.
 * Until an item's kind is known it may be any class, and what the schema
 * captures for any of them is kept with the classes it was captured for;
 * its kind then drops the fields of the classes it is not. When an item
 * ends, what its class does not need is given back, so memory follows what
 * the function reads rather than the input.
 */
#include <stdlib.h>
#include <string.h>

#include "read_layout.h"
#include "read.h"

/* nonul: s is known to hold no NUL byte */
static int pool_add(kf_reader *r, const char *s, size_t n, bool share, bool nonul,
                    uint32_t *out)
{
    int rc = nonul ? kf_textpool_add_nonul(&r->pool, s, n, share, out)
                   : kf_textpool_add(&r->pool, s, n, share, out);
    if (rc == KF_POOL_FULL)
        return kf_reader_fail(r, 0, 0, "input holds too much text to index%s", "");
    return rc < 0 ? kf_reader_oom(r) : 0;
}

/* ---- sinks: where fields go, and what their item may be ----------------- */

static kf_field **sink_fields(kf_reader *r, uint8_t sink, size_t **n,
                              size_t **cap, size_t *first)
{
    kf_input *in = r->in;
    *first = 0;
    if (sink == S_DOC) {
        *n = &r->ndoc_fields, *cap = &r->doc_fields_cap;
        return &r->doc_fields;
    }
    if (sink == S_FC) {
        *n = &in->nfc_fields, *cap = &in->fc_fields_cap;
        return &in->fc_fields;
    }
    *n = &in->nfields, *cap = &in->fields_cap;
    *first = in->items[r->cur_item].first_field;
    return &in->fields;
}

/* A sink starts a new item, which may be any of classes. */
void kf_sink_begin(kf_reader *r, uint8_t sink, kf_kmask classes)
{
    kf_sinkstate *s = &r->sinks[sink];
    s->kmask = s->allowed = classes;
    s->kind_known = false;
    s->nmasks = 0;
    s->pool_mark = kf_textpool_mark(&r->pool);
}

/* The item's kind is known: it is of class cls (0: a kind not read). Drop
 * the fields captured for the classes it is not. */
static void sink_narrow(kf_reader *r, uint8_t sink, kf_kmask cls)
{
    kf_sinkstate *s = &r->sinks[sink];
    kf_sink_item(r, sink)->kind_cls = cls;
    /* The first document stays a possible ResourceList until it ends. */
    s->kmask = (cls & s->allowed) | (s->allowed & KF_KC_RLIST);
    s->kind_known = true;
    size_t *n, *cap, first;
    kf_field *v = *sink_fields(r, sink, &n, &cap, &first);
    size_t kept = first;
    for (size_t i = 0; i < s->nmasks && first + i < *n; i++)
        if (s->masks[i] & s->kmask)
            v[kept++] = v[first + i];
    *n = kept;
    s->nmasks = 0;
}

static int add_field(kf_reader *r, uint8_t sink, const kf_field *f, kf_kmask mask)
{
    size_t *n, *cap, first;
    kf_field **v = sink_fields(r, sink, &n, &cap, &first);
    if (kf_array_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
        return kf_reader_oom(r);
    (*v)[(*n)++] = *f;
    kf_sinkstate *s = &r->sinks[sink];
    if (!s->kind_known) {
        if (kf_array_grow((void **)&s->masks, &s->masks_cap, s->nmasks + 1,
                          sizeof *s->masks) < 0)
            return kf_reader_oom(r);
        s->masks[s->nmasks++] = mask;
    }
    /* The kind is the first one given, as kf_view reads it. */
    if (f->id == KF_F_KIND && !f->dup && !s->kind_known && sink != S_FC)
        sink_narrow(r, sink, f->type == KF_V_STR
                                 ? kf_kind_class(kf_field_text(r->in, f)) : 0);
    return 0;
}

/* The item that a sink holds has ended: what its class does not need is
 * given back. Its layout unless it is a binding (the one kind the writer
 * edits); if it is not read at all, its fields and pooled strings too.
 * Returns whether the fields can go. */
/* Whether an item of a kind kept only for some text (kf_kind.keep_if)
 * lacks it in every captured entry. */
static bool lacks_keep_text(kf_reader *r, uint8_t sink, kf_kmask cls)
{
    const char *text = kf_kind_keep_if(cls);
    if (!text)
        return false;
    size_t *n, *cap, first;
    kf_field *v = *sink_fields(r, sink, &n, &cap, &first);
    for (size_t i = first; i < *n; i++)
        if (kf_fid_is_entry(v[i].id) && strstr(kf_field_text(r->in, &v[i]), text))
            return false;
    return true;
}

bool kf_sink_release(kf_reader *r, uint8_t sink, kf_item *it)
{
    kf_sinkstate *s = &r->sinks[sink];
    kf_kmask cls = s->kind_known ? s->kmask & ~(kf_kmask)KF_KC_RLIST : 0;
    if (lacks_keep_text(r, sink, cls))
        cls = 0;
    if (cls & KF_KC_BINDING)
        return false;
    kf_layout_release(r->in, it);
    if (cls)
        return false;
    kf_textpool_truncate(&r->pool, s->pool_mark);
    return true;
}

kf_item *kf_sink_item(kf_reader *r, uint8_t sink)
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

/* ---- captures ------------------------------------------------------------ */

/* Record value e as the field each capture of node makes for the classes
 * of kmask. An entry's key is pooled, then its value right after it. */
int kf_capture_value(kf_reader *r, kf_frame *f, uint32_t node, kf_kmask kmask,
                   struct fy_event *e, bool entry)
{
    for (uint32_t c = r->schema.nodes[node].first_capture; c != KF_SNONE;
         c = r->schema.caps[c].next) {
        const kf_capture *cap = &r->schema.caps[c];
        if (!(cap->mask & kmask))
            continue;
        kf_field fld;
        memset(&fld, 0, sizeof fld);
        fld.id = cap->id;
        fld.slot = cap->slot;
        fld.dup = f->is_map && !entry && f->dup;
        if (entry && pool_add(r, r->entry_key.data, r->entry_key.len, false, false,
                              &fld.text) < 0)
            return -1;
        struct fy_token *tag = kf_event_tag(e);
        switch (e->type) {
        case FYET_SCALAR: {
            size_t n = 0;
            const char *t = kf_scalar_text(&r->ends, e, &n);
            fld.type = kf_scalar_type(&r->ends, e, t, n);
            uint32_t off;
            /* kf_scalar_type() looked for a NUL unless the scalar is tagged */
            if (pool_add(r, t, n, !entry, fld.type == KF_V_STR || fld.type == KF_V_NONSTR,
                         &off) < 0)
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
        /* A tagged key still names the field the cluster reads: the field
         * is recorded as tagged, which is refused where it is read. */
        if (f->tagged_key || (tag && e->type != FYET_SCALAR))
            fld.type = KF_V_TAGGED;
        uint32_t empty;
        if (entry && e->type != FYET_SCALAR && pool_add(r, "", 0, false, true, &empty) < 0)
            return -1; /* the entry's value text: "" */
        if (add_field(r, f->sink, &fld, cap->mask & kmask) < 0)
            return -1;
    }
    return 0;
}

