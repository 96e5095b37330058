/* read.c - the input reader: one pass of libfyaml events (kf_read.h).
 *
 * Checks the encoding, runs libfyaml's event parser once over the input,
 * and handles documents: the first decides whether the input is a
 * ResourceList or a stream of items. Inside a document the walk
 * (read_walk.c) follows what the capture schema reads; every event also
 * goes through the strictness rules (read_strict.h).
 */
#include "kf_read.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_results.h"
#include "read.h"

/* ---- small helpers ------------------------------------------------------ */

int kf_reader_fail(kf_reader *r, int line, int col, const char *fmt, const char *arg)
{
    if (!r->failed) {
        r->failed = true;
        r->fatal->line = line;
        r->fatal->col = col;
        snprintf(r->fatal->msg, sizeof r->fatal->msg, fmt, arg ? arg : "");
    }
    return -1;
}

int kf_reader_oom(kf_reader *r)
{
    return kf_reader_fail(r, 0, 0, "out of memory%s", "");
}

/* ---- documents ------------------------------------------------------------ */

static int doc_begin(kf_reader *r, struct fy_event *e)
{
    uint32_t start = 0;
    if (!e->document_start.implicit)
        start = kf_event_start(&r->ends, e);
    else if (r->doc_index > 0)
        start = r->ends.last; /* refined at the root node */
    if (r->doc_index > 0 && !r->in->rlist && r->in->nitems > 0 &&
        !e->document_start.implicit)
        r->in->items[r->in->nitems - 1].slot_end = start;
    r->doc_start = start;
    r->doc_implicit = e->document_start.implicit;
    r->doc_has_root = false;
    r->doc_is_empty = false;
    r->root_dup[0] = '\0';
    r->ndoc_fields = 0;
    /* The first document is read both as a ResourceList and as an item of
     * a stream; its end decides, and the other reading is discarded. */
    kf_sink_begin(r, S_DOC, r->doc_index == 0 ? KF_KC_RLIST | KF_KC_ITEMS : KF_KC_ITEMS);
    if (r->as_list) { /* a List: read as the ResourceList of its items */
        kf_sink_begin(r, S_DOC, KF_KC_RLIST);
        r->sinks[S_DOC].kind_known = true;
    }
    memset(&r->doc_item, 0, sizeof r->doc_item);
    return 0;
}

static int doc_root(kf_reader *r, struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    int line = m ? kf_mark_line(&r->ends, m) + 1 : 1, col = m ? m->column + 1 : 1;
    if (r->doc_index > 0 && r->in->rlist)
        return kf_reader_fail(r, line, col,
                    "a ResourceList must be the only document in the input%s", "");
    if (e->type == FYET_SCALAR) {
        size_t n = 0;
        kf_scalar_text(&r->ends, e, &n);
        if (n == 0 && !e->scalar.tag &&
            fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN) {
            r->doc_is_empty = true; /* a document holding only comments */
            return 0;
        }
    }
    if (e->type != FYET_MAPPING_START) {
        char what[32];
        snprintf(what, sizeof what, "%zu", r->doc_index + 1);
        return kf_reader_fail(r, line, col, "document %s is not a mapping", what);
    }
    uint32_t start = kf_mark_pos(&r->ends, m);
    kf_item *it = &r->doc_item;
    it->start = start;
    r->doc_line = line;
    r->doc_col = col;
    if (r->doc_implicit && r->doc_index > 0 && r->doc_start == 0)
        r->doc_start = kf_line_start(r->ends.buf, start);
    it->slot_start = r->doc_start;
    r->in->root_col = (uint32_t)kf_event_col(e);
    r->doc_has_root = true;
    if (r->as_config) { /* the document is a functionConfig */
        if (r->doc_index > 0)
            return kf_reader_fail(r, line, col, "a functionConfig must be the only "
                                  "document of its file%s", "");
        r->in->rlist = r->in->has_fc = true;
        r->in->fc_type = KF_V_MAP;
        r->in->fc.start = start;
        kf_sink_begin(r, S_FC, KF_KC_CONFIG);
        r->sinks[S_FC].kind_known = true;
        return kf_walk_push(r, 0, S_FC, R_FC, true, r->ends.buf[start] == '{');
    }
    return kf_walk_push(r, 0, S_DOC, R_DOC, true, r->ends.buf[start] == '{');
}

static const kf_field *doc_field(kf_reader *r, uint8_t id)
{
    for (size_t i = 0; i < r->ndoc_fields; i++)
        if (r->doc_fields[i].id == id)
            return &r->doc_fields[i];
    return NULL;
}

static const char *doc_str(kf_reader *r, uint8_t id)
{
    const kf_field *f = doc_field(r, id);
    return f && f->type == KF_V_STR ? kf_field_text(r->in, f) : "";
}

/* The first document was a ResourceList: check what makes it one. */
static int rlist_end(kf_reader *r)
{
    if (kf_kind_api_rank(KF_KC_RLIST, doc_str(r, KF_F_APIVERSION)) < 0)
        return kf_reader_fail(r, r->doc_line, r->doc_col,
                    "ResourceList apiVersion must be config.kubernetes.io/v1 "
                    "or config.kubernetes.io/v1beta1%s", "");
    if (r->root_dup[0])
        return kf_reader_fail(r, r->root_dup_line, r->root_dup_col,
                    "invalid YAML: duplicate key \"%s\" in the ResourceList",
                    r->root_dup);
    if (r->items_not_seq)
        return kf_reader_fail(r, r->doc_line, r->doc_col,
                    "ResourceList.items must be a sequence%s", "");
    if (r->nonmap_line)
        return kf_reader_fail(r, r->nonmap_line, r->nonmap_col,
                    "an item of ResourceList.items is not a mapping%s", "");
    r->in->rlist = true;
    r->doc_index++;
    return 0;
}

static int doc_end(kf_reader *r)
{
    kf_input *in = r->in;
    if (!r->doc_has_root || r->as_config) {
        r->doc_index++;
        return 0;
    }
    if (r->as_list) {
        if (r->nonmap_line)
            return kf_reader_fail(r, r->nonmap_line, r->nonmap_col,
                        "an entry of a List's items is not a mapping%s", "");
        r->doc_index++;
        return 0;
    }
    if (r->doc_index == 0 &&
        kf_kind_class(doc_str(r, KF_F_KIND)) == KF_KC_RLIST)
        return rlist_end(r);
    /* Files joined without a "---" between them (cat *.yaml) make one
     * document with two apiVersions: its second half would be lost. */
    if (strcmp(r->root_dup, "apiVersion") == 0 || strcmp(r->root_dup, "kind") == 0)
        return kf_reader_fail(r, r->root_dup_line, r->root_dup_col,
                    "invalid YAML: duplicate key \"%s\" at the top of a document: "
                    "two documents run together; a \"---\" line is missing before "
                    "this one (files joined with cat? start each file with ---)",
                    r->root_dup);
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
        return kf_reader_oom(r);
    if (kf_sink_release(r, S_DOC, &r->doc_item))
        r->ndoc_fields = 0;
    kf_item *it = &in->items[in->nitems++];
    *it = r->doc_item;
    it->first_field = (uint32_t)in->nfields;
    it->nfields = (uint32_t)r->ndoc_fields;
    it->slot_end = (uint32_t)r->ends.len;
    if (r->ndoc_fields)
        memcpy(in->fields + in->nfields, r->doc_fields,
               r->ndoc_fields * sizeof *r->doc_fields);
    in->nfields += r->ndoc_fields;
    r->doc_index++;
    return 0;
}

/* ---- the event loop ------------------------------------------------------- */

static int skip_event(kf_reader *r, struct fy_event *e)
{
    switch (e->type) {
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START:
        if (++r->skip_depth + r->depth > KF_MAX_DEPTH)
            return kf_reader_fail(r, kf_event_line(&r->ends, e) + 1, kf_event_col(e) + 1,
                        "nesting deeper than %s levels", "1000");
        return 0;
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        if (kf_event_is_flow_end(&r->ends, e))
            kf_ends_note(&r->ends, kf_mark_pos(&r->ends, fy_event_end_mark(e)));
        if (--r->skip_depth == 0 && r->depth > 0)
            kf_walk_value_done(r, &r->stack[r->depth - 1]);
        return 0;
    case FYET_SCALAR:
        kf_ends_scalar(&r->ends, e);
        return 0;
    case FYET_ALIAS:
        kf_ends_note(&r->ends, kf_mark_pos(&r->ends, fy_event_end_mark(e)));
        return 0;
    default:
        return 0;
    }
}

static int read_event(kf_reader *r, struct fy_event *e)
{
    if (r->skip_depth > 0)
        return skip_event(r, e);
    switch (e->type) {
    case FYET_DOCUMENT_START:
        return doc_begin(r, e);
    case FYET_DOCUMENT_END:
        return doc_end(r);
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        return kf_walk_end(r, e);
    case FYET_SCALAR:
    case FYET_ALIAS:
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        if (e->type == FYET_SCALAR)
            kf_ends_scalar(&r->ends, e);
        else if (e->type == FYET_ALIAS)
            kf_ends_note(&r->ends, kf_mark_pos(&r->ends, fy_event_end_mark(e)));
        if (r->depth == 0) {
            if (r->doc_is_empty || r->doc_has_root)
                return 0;
            return doc_root(r, e);
        }
        return kf_walk_node(r, &r->stack[r->depth - 1], e);
    }
    default:
        return 0;
    }
}

int kf_reader_event(kf_reader *r, struct fy_event *e)
{
    kf_ends_event_begin(&r->ends, e);
    int rc = read_event(r, e);
    if (rc < 0) {
        kf_ends_event_done(&r->ends); /* e's memory is libfyaml's next event's */
        return -1;
    }
    /* read_event() has noted every scalar's end (both modes). */
    uint32_t end = 0;
    if (e->type == FYET_SCALAR)
        end = r->ends.scalar;
    else if (e->type == FYET_ALIAS)
        end = kf_mark_pos(&r->ends, fy_event_end_mark(e));
    int line = 0, col = 0;
    const char *why = NULL;
    rc = kf_strict_event(&r->strict, &r->ends, e, end,
                         &line, &col, &why);
    kf_ends_event_done(&r->ends);
    if (rc == KF_STRICT_OOM)
        return kf_reader_oom(r);
    if (rc < 0)
        return kf_reader_fail(r, line, col, "%s", why);
    return 0;
}

/* Report the parser's first error. Returns whether the parser may be
 * destroyed: after "cannot use tab for indentation of block entry",
 * libfyaml 0.7.12 (Debian 12) leaves a freed entry on its indent or simple
 * key list and fy_parser_destroy() crashes (upstream libfyaml issue #57,
 * fixed after 0.7.12). That parser is deliberately leaked: fatal input ends
 * the run anyway, and a leak is better than a crash. */
static bool parser_error(kf_reader *r, bool report)
{
    struct fy_diag *diag = fy_parser_get_diag(r->parser);
    void *iter = NULL;
    struct fy_diag_error *err = diag ? fy_diag_errors_iterate(diag, &iter) : NULL;
    if (!err) {
        if (report)
            kf_reader_fail(r, 0, 0, "invalid YAML%s", "");
        return true;
    }
    if (report)
        kf_reader_fail(r, r->ends.line_base + err->line, err->column, "invalid YAML: %s",
                       err->msg); /* 1-based */
    return !strstr(err->msg, "cannot use tab for indentation");
}

/* Free the batch's events that are still the reader's. */
static void events_free(kf_reader *r)
{
    kf_events *q = &r->events;
    for (uint32_t i = 0; i < q->n; i++)
        if (q->ev[i])
            fy_parser_event_free(r->parser, q->ev[i]);
    q->n = q->next = 0;
}

struct fy_event *kf_reader_refill(kf_reader *r)
{
    kf_events *q = &r->events;
    /* Each old event is freed just before its slot's next one is parsed,
     * so libfyaml's recycling hands its memory straight back. */
    uint32_t old = q->n, i = 0;
    q->n = q->next = 0;
    for (; i < KF_EVENT_BATCH && !q->ended; i++) {
        if (i < old && q->ev[i])
            fy_parser_event_free(r->parser, q->ev[i]);
        q->ev[i] = fy_parser_parse(r->parser);
        if (q->ev[i])
            q->n++;
        else
            q->ended = true;
    }
    for (; i < old; i++) /* the old events no slot reached */
        if (q->ev[i])
            fy_parser_event_free(r->parser, q->ev[i]);
    return q->n ? q->ev[q->next++] : NULL;
}

struct fy_event *kf_reader_take(kf_reader *r)
{
    kf_events *q = &r->events;
    struct fy_event *e = q->ev[q->next - 1];
    q->ev[q->next - 1] = NULL;
    return e;
}

int kf_reader_open(kf_reader *r, uint32_t base, size_t n, int line_base)
{
    /* Diagnostics are collected, never printed: we print one line. */
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.colorize = false;
    r->diag = fy_diag_create(&dcfg);
    if (!r->diag)
        return kf_reader_oom(r);
    fy_diag_set_collect_errors(r->diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    cfg.diag = r->diag;
    r->ends.base = base;
    r->ends.line_base = line_base;
    r->parser = fy_parser_create(&cfg);
    if (!r->parser || fy_parser_set_string(r->parser, r->ends.buf + base, n) != 0) {
        if (r->parser)
            fy_parser_destroy(r->parser);
        r->parser = NULL;
        fy_diag_unref(r->diag);
        r->diag = NULL;
        return kf_reader_oom(r);
    }
    return 0;
}

int kf_reader_close(kf_reader *r, int rc)
{
    if (!r->parser)
        return rc;
    events_free(r);
    r->events.ended = false;
    /* The parser may have stopped at an error in events parsed ahead of
     * a failure of the reader's own: that failure is the one reported, but
     * the error still decides whether the parser may be destroyed. */
    bool destroy = true;
    if (fy_parser_get_stream_error(r->parser)) {
        destroy = parser_error(r, rc == 0);
        rc = -1;
    }
    if (destroy)
        fy_parser_destroy(r->parser);
    r->parser = NULL;
    /* After a parse error libfyaml keeps a reference of its own on the
     * diag; destroy releases it whatever the count. */
    fy_diag_destroy(r->diag);
    r->diag = NULL;
    return rc;
}

int kf_reader_drain(kf_reader *r)
{
    struct fy_event *e;
    int rc = 0;
    while (rc == 0 && (e = kf_reader_next(r)) != NULL)
        rc = kf_reader_event(r, e);
    return rc;
}

/* Run the parser over the whole input, every event through
 * kf_reader_event(). */
static int parse(kf_reader *r)
{
    if (kf_reader_open(r, 0, r->ends.len, 0) < 0)
        return -1;
    return kf_reader_close(r, kf_reader_drain(r));
}

int kf_reader_begin(kf_reader *r, const char *buf, size_t len, kf_input *in,
                    kf_fatal *fatal, enum kf_read_as as)
{
    memset(r, 0, sizeof *r);
    r->as_config = as == KF_AS_CONFIG;
    r->as_list = as == KF_AS_LIST;
    r->strict.aliases_checked = r->as_list; /* by the input's own read */
    memset(in, 0, sizeof *in);
    memset(fatal, 0, sizeof *fatal);
    r->ends.buf = buf;
    r->ends.len = len;
    r->in = in;
    r->fatal = fatal;
    in->buf = buf;
    in->len = len;
    if (kf_textpool_init(&r->pool, &in->pool) < 0)
        return kf_reader_oom(r);
    if (kf_schema_compile(&r->schema) < 0)
        return kf_reader_fail(r, 0, 0, "out of memory (capture schema)%s", "");
    return 0;
}

void kf_reader_end(kf_reader *r)
{
    kf_schema_free(&r->schema);
    free(r->stack);
    free(r->doc_fields);
    for (int s = 0; s < S_COUNT; s++)
        free(r->sinks[s].masks);
    kf_buf_free(&r->entry_key);
    kf_strict_free(&r->strict);
    memset(r, 0, sizeof *r);
}

const char *kf_read_precheck(const char *buf, size_t len, int *line, int *col)
{
    *line = *col = 0;
    if (len >= KF_MAX_INPUT)
        return "input larger than 1 GiB is not supported";
    return kf_strict_encoding(buf, len, line, col);
}

bool kf_read_is_json(const char *buf, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && strchr(" \t\r\n", buf[i]))
        i++;
    return i < len && buf[i] == '{';
}

int kf_read_serial(const char *buf, size_t len, kf_input *in, kf_fatal *fatal,
                   enum kf_read_as as, bool checked)
{
    kf_reader r;
    int rc = kf_reader_begin(&r, buf, len, in, fatal, as);
    if (rc == 0 && !checked) {
        int line, col;
        const char *why = kf_read_precheck(buf, len, &line, &col);
        if (why)
            rc = kf_reader_fail(&r, line, col, "%s", why);
    }
    in->json = kf_read_is_json(buf, len);
    if (rc == 0)
        rc = parse(&r);
    kf_reader_end(&r);
    return rc;
}

int kf_read(const char *buf, size_t len, const kf_read_opts *opts, kf_input *in,
            kf_fatal *fatal)
{
    if (kf_read_input(buf, len, opts, KF_AS_INPUT, in, fatal) < 0)
        return -1;
    /* The entries of Lists, nested ones included: appended as they are
     * read, so this loop reaches them too. */
    in->ntop = in->nitems;
    for (size_t i = 0; i < in->nitems; i++)
        if (kf_read_list(in, i, opts, fatal) < 0)
            return -1;
    return 0;
}

int kf_read_config(const char *buf, size_t len, kf_input *in, kf_fatal *fatal)
{
    return kf_read_serial(buf, len, in, fatal, KF_AS_CONFIG, false);
}

int kf_read_list_text(const char *buf, size_t len, const kf_read_opts *opts,
                      kf_input *in, kf_fatal *fatal)
{
    return kf_read_input(buf, len, opts, KF_AS_LIST, in, fatal);
}

void kf_print_fatal(const kf_fatal *fatal, const char *where, FILE *err)
{
    fputs("kleym-fn: fatal: ", err);
    if (fatal->line) {
        kf_puts_escaped(where, err);
        fprintf(err, ":%d:%d: ", fatal->line, fatal->col);
    }
    kf_puts_escaped(fatal->msg, err);
    fputc('\n', err);
}
