/* write.c - splicing the output from the input (kf_write.h). */
#include "kf_write.h"

#include <stdlib.h>
#include <string.h>

#include "kf_sort.h"
#include "write_out.h"

#define LOCAL_KEY "config.kubernetes.io/local-config"
#define LOCAL_JSON "\"" LOCAL_KEY "\": \"true\""

/* How a list of rendered mappings is laid out where an edit inserts it. */
enum list_style {
    LIST_NONE,  /* a text-only edit */
    LIST_BLOCK, /* "- " entries at a column */
    LIST_JSON,  /* comma-separated flow entries */
    LIST_DOCS,  /* "---" documents */
};

/* Replace in[pos, end) by text[off, off+len), then, for a list edit, by
 * every mapping of one list, rendered only when it is written. */
typedef struct edit {
    uint32_t pos, end;
    size_t off, len;
    uint32_t seq;
    const kf_write_list *list;
    uint8_t style;       /* enum list_style */
    uint8_t lead_comma;  /* LIST_JSON: a comma before the first entry */
    uint32_t col;        /* LIST_BLOCK: column of the dashes */
} edit;

typedef struct writer {
    const kf_input *in;
    edit *edits;
    size_t nedits, cap;
    size_t ndrop;        /* the first edits: the dropped items' */
    /* The local-config annotations are not edits: apply() makes them
     * from the plan's marks, in item order, as the input is copied. */
    const bool *mark_local;
    const kf_local_marks *marks;
    size_t next_mark;    /* the next item to look at */
    bool have_mark;      /* mark_pos, mark_end, local: the next one */
    uint32_t mark_pos, mark_end;
    kf_buf local;
    kf_buf text;
    kf_buf item;         /* apply(), CRLF input: one rendered mapping */
    bool crlf;
    bool failed;         /* out of memory (sticky) */
    kf_out out;          /* apply(): where the output goes */
} writer;

/* Begin an edit replacing [pos, end); its text is what is appended to
 * w->text until the next edit begins. */
static void edit_begin(writer *w, uint32_t pos, uint32_t end)
{
    if (kf_array_grow((void **)&w->edits, &w->cap, w->nedits + 1,
                      sizeof *w->edits) < 0) {
        w->failed = true;
        return;
    }
    w->edits[w->nedits] = (edit){.pos = pos, .end = end, .off = w->text.len,
                                 .seq = (uint32_t)w->nedits};
    w->nedits++;
}

/* The current edit's text ends where w->text ends. */
static void text_grew(writer *w, int rc)
{
    if (rc < 0)
        w->failed = true;
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

/* Insert list (each mapping rendered when written) at pos in the given
 * style. Text put after this call goes after the list. */
static void list_edit(writer *w, uint32_t pos, const kf_write_list *list,
                      enum list_style style, uint32_t col, bool lead_comma)
{
    edit_begin(w, pos, pos);
    if (w->failed)
        return;
    edit *e = &w->edits[w->nedits - 1];
    e->list = list;
    e->style = (uint8_t)style;
    e->col = col;
    e->lead_comma = lead_comma;
    edit_begin(w, pos, pos);
}

/* Before a value inserted where a key has none: after `key:` a space, after
 * a bare flow key (`{annotations, ...}`) the colon too. */
static const char *value_lead(const kf_input *in, uint32_t pos)
{
    return pos > 0 && in->buf[pos - 1] == ':' ? " " : ": ";
}

/* The ", " that separates an entry inserted at pos from the flow content
 * before it. After a bare ':' (an empty value, `{a:}`) a space first: `a:,`
 * would make the ':' part of a plain key. */
static const char *flow_comma(const kf_input *in, uint32_t pos)
{
    return pos > 0 && in->buf[pos - 1] == ':' ? " , " : ", ";
}

/* ---- the local-config annotation ---------------------------------------- */

/* The forms of a local-config annotation (kf_local_mark.form). */
enum local_form {
    LF_NONE,             /* nowhere to put it */
    LF_ANN_FLOW,         /* first entry of a flow annotations mapping */
    LF_ANN_FLOW_EMPTY,   /* ... of an empty one ({}) */
    LF_ANN_BLOCK,        /* a line before the first annotation */
    LF_ANN_NULL,         /* a mapping in place of annotations: null */
    LF_ANN_NULL_EMPTY,   /* ... after `annotations:` with no value */
    LF_META_FLOW,        /* annotations added to a flow metadata mapping */
    LF_META_FLOW_EMPTY,  /* ... to an empty one ({}) */
    LF_META_BLOCK,       /* annotations lines after the metadata's last */
};

/* Item it's local-config annotation: where it goes and in which form. */
static kf_local_mark local_mark(const kf_input *in, const kf_itemlayout *l)
{
    const kf_maplayout *a = &l->ann, *m = &l->meta;
    if (a->present) {
        if (a->type == KF_V_MAP && a->flow)
            return (kf_local_mark){a->start + 1, a->start + 1, 0,
                                   a->empty ? LF_ANN_FLOW_EMPTY : LF_ANN_FLOW};
        if (a->type == KF_V_MAP) {
            uint32_t at = kf_line_start(in->buf, a->first_key);
            return (kf_local_mark){at, at, a->key_col, LF_ANN_BLOCK};
        }
        if (a->type == KF_V_NONSTR) /* annotations: null */
            return a->null_end > a->null_start
                       ? (kf_local_mark){a->null_start, a->null_end, 0, LF_ANN_NULL}
                       : (kf_local_mark){a->colon, a->colon, 0, LF_ANN_NULL_EMPTY};
        return (kf_local_mark){0};
    }
    if (!m->present || m->type != KF_V_MAP)
        return (kf_local_mark){0};
    if (m->flow) {
        uint32_t at = m->empty ? m->start + 1 : m->content_end;
        return (kf_local_mark){at, at, 0, m->empty ? LF_META_FLOW_EMPTY : LF_META_FLOW};
    }
    uint32_t at = kf_line_after(in->buf, in->len, m->content_end);
    return (kf_local_mark){at, at, m->key_col, LF_META_BLOCK};
}

int kf_write_marks(const kf_input *in, kf_local_marks *m)
{
    m->n = 0;
    m->v = malloc((in->nlayouts ? in->nlayouts : 1) * sizeof *m->v);
    if (!m->v)
        return -1;
    for (size_t i = 0; i < in->nlayouts; i++)
        m->v[m->n++] = local_mark(in, &in->layouts[i]);
    return 0;
}

void kf_write_marks_free(kf_local_marks *m)
{
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

/* The text of mark k, in t (cleared first). -1: out of memory. Made as
 * the input is copied (apply(), through next_local()): 20 000 bindings'
 * annotations are neither held as text nor listed as edits. */
static int local_text(const kf_input *in, const kf_local_mark *k, kf_buf *t)
{
    int rc = 0;
    t->len = 0;
    switch ((enum local_form)k->form) {
    case LF_ANN_FLOW:
    case LF_ANN_FLOW_EMPTY:
        rc |= kf_buf_puts(t, LOCAL_JSON);
        if (k->form == LF_ANN_FLOW)
            rc |= kf_buf_puts(t, ", ");
        break;
    case LF_ANN_BLOCK:
        rc |= kf_buf_spaces(t, k->col);
        rc |= kf_buf_puts(t, LOCAL_KEY ": \"true\"\n");
        break;
    case LF_ANN_NULL_EMPTY:
        rc |= kf_buf_puts(t, value_lead(in, k->pos));
        /* fall through */
    case LF_ANN_NULL:
        rc |= kf_buf_puts(t, "{" LOCAL_JSON "}");
        break;
    case LF_META_FLOW:
        rc |= kf_buf_puts(t, flow_comma(in, k->pos));
        /* fall through */
    case LF_META_FLOW_EMPTY:
        rc |= kf_buf_puts(t, "\"annotations\": {" LOCAL_JSON "}");
        break;
    case LF_META_BLOCK:
        if (k->pos > 0 && in->buf[k->pos - 1] != '\n')
            rc |= kf_buf_puts(t, "\n");
        rc |= kf_buf_spaces(t, k->col);
        rc |= kf_buf_puts(t, "annotations:\n");
        rc |= kf_buf_spaces(t, k->col + 2);
        rc |= kf_buf_puts(t, LOCAL_KEY ": \"true\"\n");
        break;
    case LF_NONE:
        break;
    }
    return rc < 0 ? -1 : 0;
}

/* The next local-config annotation at or after item w->next_mark, made
 * in w->local: w->have_mark false when there is none left. -1: out of
 * memory. The marked items are the top-level bindings, in input order:
 * their marks come in the order of their places. */
static int next_local(writer *w)
{
    w->have_mark = false;
    while (w->next_mark < w->in->ntop) {
        size_t i = w->next_mark++;
        uint32_t l = w->in->items[i].layout;
        if (!w->mark_local[i] || !l || l > w->marks->n)
            continue; /* no metadata mapping: nothing recorded, nothing to edit */
        const kf_local_mark *k = &w->marks->v[l - 1];
        if (k->form == LF_NONE)
            continue;
        if (local_text(w->in, k, &w->local) < 0)
            return -1;
        w->mark_pos = k->pos;
        w->mark_end = k->end;
        w->have_mark = true;
        return 0;
    }
    return 0;
}

/* ---- dropped items ------------------------------------------------------ */

static void drop_items(writer *w, const kf_plan *plan, bool *any_kept)
{
    const kf_input *in = w->in;
    bool flow = in->rlist && in->items_pair.flow;
    size_t first_kept = in->ntop;
    for (size_t i = 0; i < in->ntop; i++)
        if (!plan->drop[i]) {
            first_kept = i;
            break;
        }
    *any_kept = first_kept < in->ntop;
    for (size_t i = 0; i < in->ntop; i++) {
        if (!plan->drop[i])
            continue;
        const kf_item *it = &in->items[i];
        if (!flow) {
            edit_begin(w, it->slot_start, it->slot_end);
        } else if (i < first_kept) {
            /* leading run: up to the first kept item, or all of them */
            if (i == 0)
                edit_begin(w, it->start, first_kept < in->ntop
                                             ? in->items[first_kept].start
                                             : in->items[in->ntop - 1].end);
        } else {
            edit_begin(w, in->items[i - 1].end, it->end);
        }
    }
}

/* ---- ResourceList parts --------------------------------------------------- */

/* Add `key: [list...]` at the end of the ResourceList mapping. */
/* `after`: where the content that will precede the insertion ends (the
 * root's end, or the start of a removed last pair). */
static void append_root_list(writer *w, const char *key,
                             const kf_write_list *list, uint32_t after)
{
    const kf_input *in = w->in;
    if (in->root_flow) {
        edit_begin(w, in->root_end, in->root_end);
        puts_(w, flow_comma(in, after));
        puts_(w, "\"");
        puts_(w, key);
        puts_(w, "\": [");
        list_edit(w, in->root_end, list, LIST_JSON, 0, false);
        puts_(w, "]");
        return;
    }
    uint32_t at = kf_line_after(in->buf, in->len, in->root_end);
    edit_begin(w, at, at);
    newline_if_needed(w, at);
    spaces(w, in->root_col);
    puts_(w, key);
    puts_(w, ":\n");
    list_edit(w, at, list, LIST_BLOCK, in->root_col, false);
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

bool kf_write_results_json(const kf_input *in)
{
    return in->json || in->root_flow;
}

static void append_items(writer *w, bool any_kept, const kf_write_list *gen)
{
    const kf_input *in = w->in;
    const kf_pairlayout *p = &in->items_pair;
    if (gen->n == 0)
        return;
    if (p->present && p->value_type == KF_V_SEQ && p->flow) {
        uint32_t at = in->ntop ? in->items[in->ntop - 1].end : p->value_start + 1;
        list_edit(w, at, gen, LIST_JSON, 0, any_kept);
    } else if (p->present && p->value_type == KF_V_SEQ) {
        uint32_t at = kf_line_after(in->buf, in->len, in->items[in->ntop - 1].end);
        edit_begin(w, at, at);
        newline_if_needed(w, at);
        list_edit(w, at, gen, LIST_BLOCK, p->col, false);
    } else if (p->present) { /* items: null, ~ or nothing */
        if (p->value_start && p->value_end > p->value_start)
            edit_begin(w, p->value_start, p->value_end);
        else {
            edit_begin(w, p->colon, p->colon);
            puts_(w, value_lead(in, p->colon));
        }
        puts_(w, "[");
        list_edit(w, p->colon, gen, LIST_JSON, 0, false);
        puts_(w, "]");
    } else {
        append_root_list(w, "items", gen, in->root_end);
    }
}

static void replace_results(writer *w, const kf_write_list *res)
{
    const kf_input *in = w->in;
    const kf_pairlayout *p = &in->results_pair;
    if (p->present) {
        if (!in->root_flow)
            edit_begin(w, kf_line_start(in->buf, p->key_start), kf_line_after(in->buf, in->len, p->value_end));
        else if (p->prev_end)
            edit_begin(w, p->prev_end, p->value_end);
        else if (p->next_start)
            edit_begin(w, p->key_start, p->next_start);
        else
            edit_begin(w, p->key_start, p->value_end);
    }
    /* Old results that were the last pair: what precedes the new ones is
     * what preceded the old. */
    uint32_t after = in->root_end;
    if (p->present && in->root_flow && p->prev_end && p->value_end >= in->root_end)
        after = p->prev_end;
    if (res->n > 0)
        append_root_list(w, "results", res, after);
}

static void append_documents(writer *w, const kf_write_list *gen)
{
    if (gen->n == 0)
        return;
    uint32_t at = (uint32_t)w->in->len;
    edit_begin(w, at, at);
    newline_if_needed(w, at);
    list_edit(w, at, gen, LIST_DOCS, 0, false);
}

/* ---- applying edits ------------------------------------------------------- */

static int cmp_edit(const void *pa, const void *pb)
{
    const edit *a = pa, *b = pb;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The writer's text s[0..n) put out, each '\n' as "\r\n" when the
 * input's lines end so. */
static int emit_text(writer *w, const char *s, size_t n)
{
    kf_buf *t = kf_out_text(&w->out);
    int rc = 0;
    if (!w->crlf)
        rc = kf_buf_append(t, s, n);
    for (size_t i = 0; w->crlf && i < n && rc == 0; i++)
        rc = (s[i] == '\n' ? kf_buf_putc(t, '\r') : 0) | kf_buf_putc(t, s[i]);
    if (rc < 0) {
        w->failed = true; /* out of memory */
        return -1;
    }
    return kf_out_text_done(&w->out);
}

/* Render every mapping of a list edit, one at a time, straight into the
 * output's text (a CRLF input's through w->item): a block sequence's
 * entries rendered in place at their column (kf_emit_open_at()), a flow
 * entry after its comma, a document after its "---". */
static int write_list(writer *w, const edit *e, bool *oom)
{
    const kf_write_list *list = e->list;
    bool entry = e->style == LIST_BLOCK;
    for (size_t i = 0; i < list->n; i++) {
        kf_buf *t = w->crlf ? &w->item : kf_out_text(&w->out);
        if (w->crlf)
            t->len = 0;
        int rc = 0;
        if (e->style == LIST_JSON && i > 0)
            rc = kf_buf_append(t, ", ", 2);
        else if (e->style == LIST_JSON && e->lead_comma)
            rc = kf_buf_puts(t, flow_comma(w->in, e->pos));
        else if (e->style == LIST_DOCS)
            rc = kf_buf_append(t, "---\n", 4);
        if (rc == 0)
            rc = list->render(list->ctx, i, entry ? (long)e->col : KF_EMIT_AS_IS, t);
        if (rc == 0 && e->style != LIST_JSON)
            rc = kf_buf_putc(t, '\n');
        if (rc < 0) {
            *oom = true;
            return -1;
        }
        if ((w->crlf ? emit_text(w, t->data, t->len) : kf_out_text_done(&w->out)) < 0)
            return -1;
    }
    return 0;
}

/* Copy input[from, to). libfyaml reads a '#' right after a value as a
 * comment; once an edit puts something else before it, a '#' must be
 * preceded by a space to stay one. */
static int copy_input(writer *w, size_t from, size_t to)
{
    if (from >= to)
        return 0;
    /* The input read only when it can matter: after the writer's text,
     * which nearly always ends a line, no '#' needs a space (a span handed
     * to writev() is not touched here: /dev/null never pages it in). */
    const kf_out *o = &w->out;
    bool blank = !o->last_is_in && (!o->last_text || strchr(" \t\r\n", o->last_text));
    char last;
    if (!blank && w->in->buf[from] == '#' && (last = kf_out_last(o)) &&
        !strchr(" \t\r\n", last) && emit_text(w, " ", 1) < 0)
        return -1;
    return kf_out_input(&w->out, from, to);
}

/* Does the next local-config annotation go before edit e? At one place,
 * after the dropped items' edits and before every other. */
static bool local_first(const writer *w, const edit *e)
{
    return w->have_mark &&
           (!e || w->mark_pos < e->pos || (w->mark_pos == e->pos && e->seq >= w->ndrop));
}

static int apply(writer *w, bool *oom)
{
    const kf_input *in = w->in;
    if (w->nedits > 1) /* in place: drops can be many */
        kf_sort(w->edits, w->nedits, sizeof *w->edits, cmp_edit);
    size_t cur = 0;
    if (next_local(w) < 0) {
        *oom = true;
        return -1;
    }
    for (size_t i = 0; i < w->nedits || w->have_mark;) {
        if (local_first(w, i < w->nedits ? &w->edits[i] : NULL)) {
            if (w->mark_pos > cur) {
                if (copy_input(w, cur, w->mark_pos) < 0)
                    return -1;
                cur = w->mark_pos;
            }
            if (emit_text(w, w->local.data, w->local.len) < 0)
                return -1;
            if (w->mark_end > cur)
                cur = w->mark_end;
            if (next_local(w) < 0) {
                *oom = true;
                return -1;
            }
            continue;
        }
        const edit *e = &w->edits[i++];
        if (e->pos > cur) {
            if (copy_input(w, cur, e->pos) < 0)
                return -1;
            cur = e->pos;
        }
        if (e->len && emit_text(w, w->text.data + e->off, e->len) < 0)
            return -1;
        if (e->list && write_list(w, e, oom) < 0)
            return -1;
        if (e->end > cur)
            cur = e->end;
    }
    if (copy_input(w, cur, in->len) < 0)
        return -1;
    return kf_out_flush(&w->out);
}

int kf_write(FILE *out, const kf_input *in, const kf_plan *plan,
             const kf_local_marks *marks, const kf_write_list *gen,
             const kf_write_list *res, kf_input_done_fn done,
             bool *oom)
{
    *oom = false;
    writer w;
    memset(&w, 0, sizeof w);
    w.in = in;
    const char *nl = memchr(in->buf, '\n', in->len);
    w.crlf = nl && nl > in->buf && nl[-1] == '\r';

    bool any_kept;
    drop_items(&w, plan, &any_kept);
    w.ndrop = w.nedits;
    w.mark_local = plan->mark_local;
    w.marks = marks;
    if (in->rlist) {
        append_items(&w, any_kept, gen);
        replace_results(&w, res);
    } else {
        append_documents(&w, gen);
    }
    int rc = -1;
    if (w.failed)
        *oom = true;
    else {
        kf_out_open(&w.out, out, in->buf, done);
        rc = apply(&w, oom);
        kf_out_free(&w.out);
        if (w.failed)
            *oom = true;
    }
    free(w.edits);
    kf_buf_free(&w.text);
    kf_buf_free(&w.item);
    kf_buf_free(&w.local);
    return rc;
}
