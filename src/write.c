/* write.c - splicing the output from the input (kf_write.h). */
#include "kf_write.h"

#include <stdlib.h>
#include <string.h>

#define LOCAL_KEY "config.kubernetes.io/local-config"
#define LOCAL_JSON "\"" LOCAL_KEY "\": \"true\""

/* Replace in[pos, end) by text[off, off+len). */
typedef struct edit {
    uint32_t pos, end;
    size_t off, len;
    size_t seq;
} edit;

typedef struct writer {
    const kf_input *in;
    edit *edits;
    size_t nedits, cap;
    kf_buf text;
    bool crlf;
    int failed;
} writer;

static uint32_t line_start(const kf_input *in, uint32_t pos)
{
    while (pos > 0 && in->buf[pos - 1] != '\n')
        pos--;
    return pos;
}

static uint32_t line_after(const kf_input *in, uint32_t pos)
{
    if (pos > 0 && in->buf[pos - 1] == '\n')
        return pos;
    while (pos < in->len && in->buf[pos] != '\n')
        pos++;
    return pos < in->len ? pos + 1 : (uint32_t)in->len;
}

/* Begin an edit replacing [pos, end); its text is what is appended to
 * w->text until the next edit begins. */
static void edit_begin(writer *w, uint32_t pos, uint32_t end)
{
    if (kf_array_grow((void **)&w->edits, &w->cap, w->nedits + 1,
                      sizeof *w->edits) < 0) {
        w->failed = 1;
        return;
    }
    w->edits[w->nedits] = (edit){pos, end, w->text.len, 0, w->nedits};
    w->nedits++;
}

/* The current edit's text ends where w->text ends. */
static void text_grew(writer *w, int rc)
{
    if (rc < 0)
        w->failed = 1;
    if (w->nedits)
        w->edits[w->nedits - 1].len = w->text.len - w->edits[w->nedits - 1].off;
}

static void put(writer *w, const char *s, size_t n)
{
    text_grew(w, kf_buf_append(&w->text, s, n));
}

static void puts_(writer *w, const char *s)
{
    put(w, s, strlen(s));
}

static void spaces(writer *w, size_t n)
{
    text_grew(w, kf_buf_spaces(&w->text, n));
}

/* A newline first when pos follows content on the same line (end of input
 * without a final newline). */
static void newline_if_needed(writer *w, uint32_t pos)
{
    if (pos > 0 && w->in->buf[pos - 1] != '\n')
        puts_(w, "\n");
}

/* Text of a block mapping as a sequence entry: "- " before the first line,
 * every other line indented to match. */
static void block_entry(writer *w, size_t col, const kf_buf *item)
{
    const char *s = item->data ? item->data : "";
    size_t n = item->len;
    spaces(w, col);
    puts_(w, "- ");
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        put(w, s + i, end - i);
        puts_(w, "\n");
        i = end + 1;
        if (i < n)
            spaces(w, col + 2);
    }
}

static void json_list(writer *w, const kf_buf *v, size_t n, bool lead_comma)
{
    for (size_t i = 0; i < n; i++) {
        if (i || lead_comma)
            puts_(w, ", ");
        put(w, v[i].data ? v[i].data : "", v[i].len);
    }
}

/* ---- the local-config annotation ---------------------------------------- */

static void mark_local(writer *w, const kf_item *it)
{
    const kf_maplayout *a = &it->ann, *m = &it->meta;
    if (a->present) {
        if (a->type == KF_V_MAP && a->flow) {
            edit_begin(w, a->start + 1, a->start + 1);
            puts_(w, LOCAL_JSON);
            if (!a->empty)
                puts_(w, ", ");
        } else if (a->type == KF_V_MAP) {
            uint32_t at = line_start(w->in, a->first_key);
            edit_begin(w, at, at);
            spaces(w, a->key_col);
            puts_(w, LOCAL_KEY ": \"true\"\n");
        } else if (a->type == KF_V_NONSTR) { /* annotations: null */
            if (a->null_end > a->null_start)
                edit_begin(w, a->null_start, a->null_end);
            else {
                edit_begin(w, a->colon, a->colon);
                puts_(w, " ");
            }
            puts_(w, "{" LOCAL_JSON "}");
        }
        return;
    }
    if (!m->present || m->type != KF_V_MAP)
        return;
    if (m->flow) {
        uint32_t at = m->empty ? m->start + 1 : m->content_end;
        edit_begin(w, at, at);
        if (!m->empty)
            puts_(w, ", ");
        puts_(w, "\"annotations\": {" LOCAL_JSON "}");
    } else {
        uint32_t at = line_after(w->in, m->content_end);
        edit_begin(w, at, at);
        newline_if_needed(w, at);
        spaces(w, m->key_col);
        puts_(w, "annotations:\n");
        spaces(w, m->key_col + 2);
        puts_(w, LOCAL_KEY ": \"true\"\n");
    }
}

/* ---- dropped items ------------------------------------------------------ */

static void drop_items(writer *w, const kf_plan *plan, bool *any_kept)
{
    const kf_input *in = w->in;
    bool flow = in->rlist && in->items_pair.flow;
    size_t first_kept = in->nitems;
    for (size_t i = 0; i < in->nitems; i++)
        if (!plan->drop[i]) {
            first_kept = i;
            break;
        }
    *any_kept = first_kept < in->nitems;
    for (size_t i = 0; i < in->nitems; i++) {
        if (!plan->drop[i])
            continue;
        const kf_item *it = &in->items[i];
        if (!flow) {
            edit_begin(w, it->slot_start, it->slot_end);
        } else if (i < first_kept) {
            /* leading run: up to the first kept item, or all of them */
            if (i == 0)
                edit_begin(w, it->start, first_kept < in->nitems
                                             ? in->items[first_kept].start
                                             : in->items[in->nitems - 1].end);
        } else {
            edit_begin(w, in->items[i - 1].end, it->end);
        }
    }
}

/* ---- ResourceList parts --------------------------------------------------- */

/* Add `key: [v...]` at the end of the ResourceList mapping. */
static void append_root_list(writer *w, const char *key, const kf_buf *v, size_t n)
{
    const kf_input *in = w->in;
    if (in->root_flow) {
        edit_begin(w, in->root_end, in->root_end);
        puts_(w, ", \"");
        puts_(w, key);
        puts_(w, "\": [");
        json_list(w, v, n, false);
        puts_(w, "]");
        return;
    }
    uint32_t at = line_after(in, in->root_end);
    edit_begin(w, at, at);
    newline_if_needed(w, at);
    spaces(w, in->root_col);
    puts_(w, key);
    puts_(w, ":\n");
    for (size_t i = 0; i < n; i++)
        block_entry(w, in->root_col, &v[i]);
}

bool kf_write_items_json(const kf_input *in)
{
    if (!in->rlist)
        return false;
    if (in->json)
        return true;
    const kf_pairlayout *p = &in->items_pair;
    return p->present && (p->flow || p->value_type != KF_V_SEQ);
}

static void append_items(writer *w, bool any_kept, const kf_buf *gen, size_t ngen)
{
    const kf_input *in = w->in;
    const kf_pairlayout *p = &in->items_pair;
    if (ngen == 0)
        return;
    if (p->present && p->value_type == KF_V_SEQ && p->flow) {
        uint32_t at = in->nitems ? in->items[in->nitems - 1].end : p->value_start + 1;
        edit_begin(w, at, at);
        json_list(w, gen, ngen, any_kept);
    } else if (p->present && p->value_type == KF_V_SEQ) {
        uint32_t at = line_after(in, in->items[in->nitems - 1].end);
        edit_begin(w, at, at);
        newline_if_needed(w, at);
        for (size_t i = 0; i < ngen; i++)
            block_entry(w, p->col, &gen[i]);
    } else if (p->present) { /* items: null, ~ or nothing */
        if (p->value_start && p->value_end > p->value_start)
            edit_begin(w, p->value_start, p->value_end);
        else {
            edit_begin(w, p->colon, p->colon);
            puts_(w, " ");
        }
        puts_(w, "[");
        json_list(w, gen, ngen, false);
        puts_(w, "]");
    } else {
        append_root_list(w, "items", gen, ngen);
    }
}

static void replace_results(writer *w, const kf_buf *res, size_t nres)
{
    const kf_input *in = w->in;
    const kf_pairlayout *p = &in->results_pair;
    if (p->present) {
        if (!in->root_flow)
            edit_begin(w, line_start(in, p->key_start), line_after(in, p->value_end));
        else if (p->prev_end)
            edit_begin(w, p->prev_end, p->value_end);
        else if (p->next_start)
            edit_begin(w, p->key_start, p->next_start);
        else
            edit_begin(w, p->key_start, p->value_end);
    }
    if (nres > 0)
        append_root_list(w, "results", res, nres);
}

static void append_documents(writer *w, const kf_buf *gen, size_t ngen)
{
    if (ngen == 0)
        return;
    uint32_t at = (uint32_t)w->in->len;
    edit_begin(w, at, at);
    newline_if_needed(w, at);
    for (size_t i = 0; i < ngen; i++) {
        puts_(w, "---\n");
        put(w, gen[i].data ? gen[i].data : "", gen[i].len);
        puts_(w, "\n");
    }
}

/* ---- applying edits ------------------------------------------------------- */

static int cmp_edit(const void *pa, const void *pb)
{
    const edit *a = pa, *b = pb;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int emit_text(writer *w, FILE *out, const char *s, size_t n)
{
    if (!w->crlf)
        return fwrite(s, 1, n, out) == n ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && fputc('\r', out) == EOF)
            return -1;
        if (fputc(s[i], out) == EOF)
            return -1;
    }
    return 0;
}

static int apply(writer *w, FILE *out)
{
    const kf_input *in = w->in;
    if (w->nedits > 1)
        qsort(w->edits, w->nedits, sizeof *w->edits, cmp_edit);
    size_t cur = 0;
    for (size_t i = 0; i < w->nedits; i++) {
        const edit *e = &w->edits[i];
        if (e->pos > cur) {
            if (fwrite(in->buf + cur, 1, e->pos - cur, out) != e->pos - cur)
                return -1;
            cur = e->pos;
        }
        if (e->len && emit_text(w, out, w->text.data + e->off, e->len) < 0)
            return -1;
        if (e->end > cur)
            cur = e->end;
    }
    if (cur < in->len && fwrite(in->buf + cur, 1, in->len - cur, out) != in->len - cur)
        return -1;
    return 0;
}

int kf_write(FILE *out, const kf_input *in, const kf_plan *plan,
             const kf_buf *gen, size_t ngen, const kf_buf *res, size_t nres)
{
    writer w;
    memset(&w, 0, sizeof w);
    w.in = in;
    const char *nl = memchr(in->buf, '\n', in->len);
    w.crlf = nl && nl > in->buf && nl[-1] == '\r';

    bool any_kept;
    drop_items(&w, plan, &any_kept);
    for (size_t i = 0; i < in->nitems; i++)
        if (plan->mark_local[i])
            mark_local(&w, &in->items[i]);
    if (in->rlist) {
        append_items(&w, any_kept, gen, ngen);
        replace_results(&w, res, nres);
    } else {
        append_documents(&w, gen, ngen);
    }
    int rc = w.failed ? -1 : apply(&w, out);
    free(w.edits);
    kf_buf_free(&w.text);
    return rc;
}
