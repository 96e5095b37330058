/* inspect_text.c - the identity map as text and as markdown (inspect.h).
 *
 * Text: a summary like `kleym status`, then one block per binding like
 * `kleym inspect binding`, wrapped to 80 columns. Markdown: the summary as a
 * table, then one table per namespace, for a pull-request comment. Both
 * show only what the run's model says (inspect_model.c).
 */
#include "inspect.h"

#include <string.h>

#define WIDTH 80
#define LABEL 22 /* column where values start */

/* ---- text ------------------------------------------------------------------ */

/* Write s from column `col`, wrapping at spaces to WIDTH, continuation lines
 * indented to `indent`. A word longer than a line stays whole. */
static void wrap(FILE *out, const char *s, size_t col, size_t indent)
{
    bool first = true;
    for (;;) {
        s += strspn(s, " ");
        if (!*s)
            break;
        size_t word = strcspn(s, " ");
        if (!first && col + 1 + word > WIDTH) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', out);
            col++;
        }
        kf_fputs_escaped(s, word, out);
        col += word;
        s += word;
        first = false;
    }
    fputc('\n', out);
}

/* "  label          value", the value wrapped under itself. */
void kf_inspect_field(FILE *out, const char *label, const char *value)
{
    fprintf(out, "  %-*s", LABEL - 2, label);
    wrap(out, value ? value : "-", LABEL, LABEL);
}

/* "a (1), b (2)" of counts, or "none". */
static int counts_text(const kf_counts *c, kf_buf *out)
{
    kf_buf_clear(out);
    for (size_t i = 0; i < c->n; i++)
        if (kf_buf_printf(out, "%s%s (%zu)", i ? ", " : "", c->v[i].what, c->v[i].n) < 0)
            return -1;
    return c->n ? 0 : kf_buf_puts(out, "none");
}

/* "3 total: 2 Ready, 0 InvalidRef, ..." */
static int statuses_text(const kf_inspection *x, kf_buf *out)
{
    kf_buf_clear(out);
    if (kf_buf_printf(out, "%zu total", x->nbindings) < 0)
        return -1;
    for (size_t i = 0; i < x->statuses.n; i++)
        if (kf_buf_printf(out, "%s%zu %s", i ? ", " : ": ", x->statuses.v[i].n,
                          x->statuses.v[i].what) < 0)
            return -1;
    return 0;
}

/* A result: its severity, condition/reason, field and file, then its
 * message wrapped under it; head is the caller's scratch buffer. */
static void text_result(FILE *out, const kf_result *r, size_t indent, bool name_it,
                        kf_buf *head)
{
    char where[512];
    kf_ref_where(r->ref, where, sizeof where);
    kf_buf_clear(head);
    kf_buf_printf(head, "%s %s/%s", kf_severity_name(r->severity),
                  kf_reason_condition(r->reason), kf_reason_name(r->reason));
    if (name_it)
        kf_buf_printf(head, " %s %s%s%s", r->ref->kind, r->ref->namespace,
                      r->ref->namespace[0] ? "/" : "", r->ref->name);
    if (r->field)
        kf_buf_printf(head, " %s", r->field);
    kf_buf_printf(head, " (%s)", where);
    fprintf(out, "%*s", (int)indent, "");
    wrap(out, head->data ? head->data : "", indent, indent + 2);
    fprintf(out, "%*s", (int)indent + 2, "");
    const char *msg = kf_result_message(r, head); /* head is written */
    wrap(out, msg ? msg : "", indent + 2, indent + 2);
}

/* The SVID options every ClusterSPIFFEID carries, as people read them
 * ("ttl 1h, federatesWith a.example b.example"); empty when none is given. */
static int svid_options_text(const kf_config *cfg, kf_buf *out)
{
    kf_buf_clear(out);
    if (kf_buf_puts(out, "") < 0 ||
        (cfg->ttl && kf_buf_printf(out, "ttl %s", cfg->ttl) < 0) ||
        (cfg->jwt_ttl &&
         kf_buf_printf(out, "%sjwtTtl %s", out->len ? ", " : "", cfg->jwt_ttl) < 0))
        return -1;
    if (cfg->federates_with) {
        if (kf_buf_printf(out, "%sfederatesWith", out->len ? ", " : "") < 0)
            return -1;
        for (const char *td = cfg->federates_with, *nl; (nl = strchr(td, '\n'));
             td = nl + 1)
            if (kf_buf_printf(out, " %.*s", (int)(nl - td), td) < 0)
                return -1;
    }
    if (cfg->auto_populate_dns_names >= 0 &&
        kf_buf_printf(out, "%sautoPopulateDNSNames %s", out->len ? ", " : "",
                      cfg->auto_populate_dns_names ? "true" : "false") < 0)
        return -1;
    return 0;
}

static void text_summary(const kf_inspect_view *v, FILE *out, kf_buf *b)
{
    const kf_inspection *x = v->x;
    const kf_config *cfg = &x->p->cfg;
    fprintf(out, "kleym-fn inspect: %s\n", v->source);
    kf_inspect_field(out, "trust domain", cfg->trust_domain[0] ? cfg->trust_domain : "(none)");
    kf_inspect_field(out, "class", cfg->class_name[0] ? cfg->class_name : "(classless)");
    if (svid_options_text(cfg, b) == 0 && b->len)
        kf_inspect_field(out, "SVID options", b->data);
    counts_text(&x->pools, b);
    kf_inspect_field(out, "InferencePool", b->data);
    counts_text(&x->objectives, b);
    kf_inspect_field(out, "InferenceObjective", b->data);
    counts_text(&x->dialects, b);
    kf_inspect_field(out, "bindings", b->data);
    counts_text(&x->workloads, b);
    kf_inspect_field(out, "workloads", b->data);
    statuses_text(x, b);
    kf_inspect_field(out, "status", b->data);
    counts_text(&x->findings, b);
    kf_inspect_field(out, "findings", b->data);
    if (x->spire_side) {
        counts_text(&x->spire_findings, b);
        kf_inspect_field(out, "SPIRE findings", b->data);
    }
    kf_buf_clear(b);
    kf_buf_printf(b, "%zu errors, %zu warnings", x->errors, x->warnings);
    kf_inspect_field(out, "results", b->data);
}

static void text_binding(const kf_inspect_view *v, const kf_bview *bv, FILE *out,
                         kf_buf *b)
{
    const kf_inspection *x = v->x;
    const kf_pipeline *p = x->p;
    const kf_binding *bn = bv->b;
    char buf[160], mode[96];
    fprintf(out, "\n%s/%s\n", bn->ref.namespace, bn->ref.name);
    kf_buf_clear(b);
    kf_buf_printf(b, "%s, %s", kf_binding_dialect(bn), kf_bview_mode(bv, mode, sizeof mode));
    kf_inspect_field(out, "dialect", b->data);
    kf_inspect_field(out, "status", kf_bview_status(bv, buf, sizeof buf));
    if (bn->ok) {
        kf_inspect_field(out, "SPIFFE ID", bn->spiffe_id);
        kf_inspect_field(out, "ClusterSPIFFEID", bn->csid_name);
        if (bn->objective_name) /* a PoolOnly binding's too: it was checked */
            kf_inspect_field(out, "objective", bn->objective_name);
        kf_buf_clear(b);
        kf_binding_selectors(bn, &p->plan.pools[bn->pool], b);
        for (char *s = b->len ? b->data : NULL, *nl; s && (nl = strchr(s, '\n')); s = nl + 1) {
            *nl = '\0';
            kf_inspect_field(out, s == b->data ? "selectors" : "", s);
        }
        kf_buf_clear(b);
        if (p->w.off)
            kf_buf_puts(b, "(workloadCheck: off)");
        else if (p->w.recv_count[bv->index])
            kf_receivers_text(&p->w, bv->index, 0, b);
        else
            kf_buf_puts(b, "none");
        kf_inspect_field(out, "received by", b->data);
    }
    char where[512];
    kf_ref_where(&bn->ref, where, sizeof where);
    kf_inspect_field(out, "file", where);
    if (bv->n == 0)
        kf_inspect_field(out, "findings", "none");
    else
        fputs("  findings\n", out);
    for (size_t r = bv->first; r < bv->first + bv->n; r++)
        text_result(out, x->results[r], 4, false, b);
}

int kf_inspect_text(const kf_inspect_view *v, FILE *out)
{
    const kf_inspection *x = v->x;
    kf_buf b = {0};
    text_summary(v, out, &b);
    for (size_t i = 0; i < x->nbindings; i++)
        if (!v->only || v->only == &x->bindings[i])
            text_binding(v, &x->bindings[i], out, &b);
    bool header = false;
    for (size_t r = x->first_other; r < x->nresults; r++) {
        if (!kf_other_shown(x, v->only, r))
            continue;
        if (!header)
            fprintf(out, "\nother findings\n");
        header = true;
        text_result(out, x->results[r], 2, true, &b);
    }
    bool failed = b.failed; /* out of memory: the report is not whole */
    kf_buf_free(&b);
    return failed || ferror(out) ? -1 : 0;
}

/* ---- markdown ----------------------------------------------------------- */

/* Text made safe for a table cell: markdown's special characters escaped,
 * line breaks as spaces. */
void kf_md(FILE *out, const char *s)
{
    if (!s)
        s = "-";
    for (; *s; s++) {
        if (strchr("\\`*_[]|#~", *s))
            fprintf(out, "\\%c", *s);
        else if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void md_row(FILE *out, const char *label, const char *value)
{
    fputs("| ", out);
    fputs(label, out);
    fputs(" | ", out);
    kf_md(out, value);
    fputs(" |\n", out);
}

/* scratch: the caller's buffer, for a message made when written */
void kf_md_result(FILE *out, const kf_result *r, kf_buf *scratch)
{
    char where[512];
    kf_ref_where(r->ref, where, sizeof where);
    fprintf(out, "**%s** ", kf_severity_name(r->severity));
    kf_md(out, kf_reason_condition(r->reason));
    fputc('/', out);
    kf_md(out, kf_reason_name(r->reason));
    fputs(": ", out);
    const char *msg = kf_result_message(r, scratch);
    kf_md(out, msg ? msg : "");
    fputs(" (", out);
    kf_md(out, where);
    fputc(')', out);
}

static void md_binding(const kf_inspect_view *v, const kf_bview *bv, FILE *out,
                       kf_buf *b)
{
    const kf_pipeline *p = v->x->p;
    const kf_binding *bn = bv->b;
    char buf[160], mode[96];
    fputs("| ", out);
    kf_md(out, bn->ref.name);
    fputs(" | ", out);
    kf_buf_clear(b);
    kf_buf_printf(b, "%s, %s", kf_binding_dialect(bn), kf_bview_mode(bv, mode, sizeof mode));
    if (bn->ok && bn->objective_name)
        kf_buf_printf(b, ", objective %s", bn->objective_name);
    kf_md(out, b->data);
    fputs(" | ", out);
    kf_md(out, kf_bview_status(bv, buf, sizeof buf));
    fputs(" | ", out);
    if (bn->ok)
        kf_md(out, bn->spiffe_id);
    fputs(" | ", out);
    kf_buf_clear(b);
    if (bn->ok && !p->w.off && p->w.recv_count[bv->index])
        kf_receivers_text(&p->w, bv->index, 0, b);
    kf_md(out, b->len ? b->data : "");
    fputs(" | ", out);
    for (size_t r = bv->first; r < bv->first + bv->n; r++) {
        if (r > bv->first)
            fputs("<br>", out);
        kf_md_result(out, v->x->results[r], b);
    }
    fputs(" |\n", out);
}

int kf_inspect_markdown(const kf_inspect_view *v, FILE *out)
{
    const kf_inspection *x = v->x;
    const kf_config *cfg = &x->p->cfg;
    kf_buf b = {0};
    fputs("### kleym-fn inspect: ", out);
    kf_md(out, v->source);
    fputs("\n\n| | |\n| --- | --- |\n", out);
    md_row(out, "Trust domain", cfg->trust_domain[0] ? cfg->trust_domain : "(none)");
    md_row(out, "Class", cfg->class_name[0] ? cfg->class_name : "(classless)");
    if (svid_options_text(cfg, &b) == 0 && b.len)
        md_row(out, "SVID options", b.data);
    const struct {
        const char *label;
        const kf_counts *c;
    } rows[] = {{"InferencePool", &x->pools}, {"InferenceObjective", &x->objectives},
                {"Bindings", &x->dialects}, {"Workloads", &x->workloads},
                {"Workload findings", &x->findings}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        counts_text(rows[i].c, &b);
        md_row(out, rows[i].label, b.data);
        if (i == 3) {
            statuses_text(x, &b);
            md_row(out, "Status", b.data);
        }
    }
    if (x->spire_side) {
        counts_text(&x->spire_findings, &b);
        md_row(out, "SPIRE findings", b.data);
    }
    kf_buf_clear(&b);
    kf_buf_printf(&b, "%zu errors, %zu warnings", x->errors, x->warnings);
    md_row(out, "Results", b.data);
    kf_inspect_markdown_spire(v, out);
    const char *ns = NULL;
    for (size_t i = 0; i < x->nbindings; i++) {
        const kf_bview *bv = &x->bindings[i];
        if (v->only && v->only != bv)
            continue;
        if (!ns || strcmp(ns, bv->b->ref.namespace) != 0) {
            ns = bv->b->ref.namespace;
            fputs("\n#### Namespace ", out);
            kf_md(out, ns[0] ? ns : "(none)");
            fputs("\n\n| Binding | Dialect | Status | SPIFFE ID | Received by | Findings |\n"
                  "| --- | --- | --- | --- | --- | --- |\n", out);
        }
        md_binding(v, bv, out, &b);
    }
    bool header = false;
    for (size_t r = x->first_other; r < x->nresults; r++) {
        if (!kf_other_shown(x, v->only, r))
            continue;
        if (!header)
            fputs("\n#### Other findings\n\n| Resource | Finding |\n| --- | --- |\n", out);
        header = true;
        const kf_result *res = x->results[r];
        fputs("| ", out);
        kf_buf_clear(&b);
        kf_buf_printf(&b, "%s %s%s%s", res->ref->kind, res->ref->namespace,
                      res->ref->namespace[0] ? "/" : "", res->ref->name);
        kf_md(out, b.data);
        fputs(" | ", out);
        kf_md_result(out, res, &b);
        fputs(" |\n", out);
    }
    bool failed = b.failed; /* out of memory: the report is not whole */
    kf_buf_free(&b);
    return failed || ferror(out) ? -1 : 0;
}
