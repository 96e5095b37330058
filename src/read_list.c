/* read_list.c - the entries of a List, read as items (SPEC section 3).
 *
 * `kubectl get -o yaml|json` writes a v1 List (or a <Kind>List) whose
 * items are the objects. The main pass (read.c) records a List like any
 * item it reads: its name, file and that it has an items sequence. Then
 * each List's own bytes are read again, on their own, as the ResourceList
 * of its entries, and the entries are appended to the input's items with
 * the List's position and theirs in it (kf_input.entries).
 * Nested Lists are appended too, and read when the loop in kf_read()
 * reaches them. Only List bytes are read twice; the writer never sees the
 * entries (kf_input.ntop), so a List is copied byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "kf_view.h"

/* How deep Lists may nest (a List in a List is depth 1). */
#define KF_MAX_LIST_DEPTH 8

/* Line of buf[pos] (0-based). */
static int line_of(const char *buf, uint32_t pos)
{
    int n = 0;
    for (uint32_t i = 0; i < pos; i++)
        n += buf[i] == '\n';
    return n;
}

/* The entries of sub (read from the bytes of in's item `list`, which start
 * at base in in->buf) appended to in. */
static int append_entries(kf_input *in, size_t list, const kf_input *sub, uint32_t base)
{
    if (in->pool.len + sub->pool.len + 64 * (sub->nitems + 1) >= UINT32_MAX)
        return -2;
    uint32_t pool_base = (uint32_t)in->pool.len;
    if (sub->pool.len && kf_buf_append(&in->pool, sub->pool.data, sub->pool.len) < 0)
        return -1;
    if (kf_array_grow((void **)&in->items, &in->items_cap, in->nitems + sub->nitems,
                      sizeof *in->items) < 0 ||
        kf_array_grow((void **)&in->fields, &in->fields_cap, in->nfields + sub->nfields,
                      sizeof *in->fields) < 0 ||
        kf_array_grow((void **)&in->entries, &in->entries_cap,
                      in->nitems - in->ntop + sub->nitems, sizeof *in->entries) < 0)
        return -1;
    const kf_entry *l = kf_item_entry(in, list);
    uint32_t top = l ? l->top : (uint32_t)list + 1;
    /* the List's own place (nested: the pool may move while appending) */
    char *parent = strdup(l ? in->pool.data + l->entry : "");
    if (!parent)
        return -1;
    for (size_t i = 0; i < sub->nitems; i++) {
        const kf_item *s = &sub->items[i];
        kf_item it = {
            .start = s->start + base, .end = s->end + base,
            .slot_start = s->start + base, .slot_end = s->end + base,
            .first_field = (uint32_t)in->nfields, .nfields = s->nfields,
            .kind_cls = s->kind_cls,
        };
        in->entries[in->nitems - in->ntop] = (kf_entry){top, (uint32_t)in->pool.len};
        /* where it is: items[2], or items[0].items[2] in a nested List */
        if (kf_buf_printf(&in->pool, "%s%sitems[%zu]", parent, parent[0] ? "." : "", i) < 0 ||
            kf_buf_putc(&in->pool, '\0') < 0) {
            free(parent);
            return -1;
        }
        for (uint32_t f = 0; f < s->nfields; f++) {
            kf_field fld = sub->fields[s->first_field + f];
            fld.text += pool_base;
            in->fields[in->nfields++] = fld;
        }
        in->items[in->nitems++] = it;
    }
    free(parent);
    return 0;
}

int kf_read_list(kf_input *in, size_t item, const kf_read_opts *opts, kf_fatal *fatal)
{
    /* most items are no List: their fields say so without a view */
    const kf_item *first = &in->items[item];
    bool list = false;
    for (uint32_t f = 0; f < first->nfields && !list; f++)
        list = in->fields[first->first_field + f].id == KF_F_LIST_ITEMS;
    if (!list)
        return 0;
    kf_view v;
    kf_view_item(&v, in, item);
    const kf_kind *k = kf_view_kind(&v, NULL);
    if (!k || k->cls != KF_KC_LIST || kf_view_type(&v, KF_F_LIST_ITEMS) != KF_V_SEQ ||
        v.dup[KF_F_LIST_ITEMS])
        return 0;
    const kf_item *it = &in->items[item];
    /* Each level of nesting reads the nested List's bytes once more: a
     * bound keeps that linear in the input. */
    size_t depth = 0;
    const kf_entry *en = kf_item_entry(in, item);
    for (const char *e = en ? in->pool.data + en->entry : ""; *e; e++)
        depth += *e == '[';
    if (depth >= KF_MAX_LIST_DEPTH) {
        memset(fatal, 0, sizeof *fatal);
        fatal->line = line_of(in->buf, it->start) + 1;
        fatal->col = (int)(it->start - kf_line_start(in->buf, it->start)) + 1;
        snprintf(fatal->msg, sizeof fatal->msg,
                 "Lists nested more than %d deep are not read", KF_MAX_LIST_DEPTH);
        return -1;
    }
    /* The List's bytes from the start of its first line, what precedes it
     * on that line ("  - ") blanked, so columns stay the input's: in the
     * input itself for the moment of the read when its owner allows it
     * (kf_read_opts.input_writable), put back after; else in a copy. A
     * List at column 0 (kubectl get -o yaml) is read where it is. */
    uint32_t base = kf_line_start(in->buf, it->start);
    size_t n = it->end - base, lead = it->start - base;
    char *text = NULL, *saved = NULL, *blanked = NULL;
    if (lead && opts && opts->input_writable &&
        opts->input_writable(in->buf, base, it->start) == 0) {
        if (!(saved = malloc(lead)))
            goto oom;
        blanked = (char *)in->buf + base; /* its owner said it may be written */
        memcpy(saved, blanked, lead);
        memset(blanked, ' ', lead);
    } else if (lead) {
        if (!(text = malloc(n + 1)))
            goto oom;
        memcpy(text, in->buf + base, n);
        memset(text, ' ', lead);
        text[n] = 0;
    }
    kf_input sub;
    int rc = kf_read_list_text(text ? text : in->buf + base, n, opts, &sub, fatal);
    if (blanked)
        memcpy(blanked, saved, lead);
    /* nothing reads the List's bytes again but a nested List and the
     * writer's copy */
    if (opts && opts->input_done)
        opts->input_done(in->buf, base, it->end);
    if (rc < 0) {
        if (fatal->line > 0)
            fatal->line += line_of(in->buf, base);
    } else {
        rc = append_entries(in, item, &sub, base);
        if (rc == -2)
            snprintf(fatal->msg, sizeof fatal->msg, "input holds too much text to index");
        else if (rc < 0)
            snprintf(fatal->msg, sizeof fatal->msg, "out of memory");
    }
    kf_input_free(&sub);
    free(text);
    free(saved);
    return rc < 0 ? -1 : 0;
oom:
    memset(fatal, 0, sizeof *fatal);
    snprintf(fatal->msg, sizeof fatal->msg, "out of memory");
    return -1;
}
