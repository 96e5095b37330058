/* inspect_workloads.c - `kleym-fn inspect --by workload` (inspect.h).
 *
 * The other way round from the per-binding report: every workload (every
 * pod template) of the input, sorted by namespace, name and kind, and per
 * container every identity its pods will receive: the rendered bindings'
 * (section 11), with a note when SPIRE Controller Manager will not issue
 * one (the SpireCheck finding that says why), and the foreign
 * ClusterSPIFFEIDs that select the template (section 15), a fallback one
 * noted as replaced where a non-fallback identity reaches the pods. Also
 * the SPIRE findings that a pull-request comment shows first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_emit.h"
#include "inspect.h"
#include "kleym.h"

/* A rendered binding's identity on a template: all its containers, or one. */
typedef struct hit {
    uint32_t tpl, binding;
    uint16_t container; /* KF_ALL_CONTAINERS: all */
} hit;

static int cmp_hit(const void *pa, const void *pb)
{
    const hit *a = pa, *b = pb;
    if (a->tpl != b->tpl)
        return a->tpl < b->tpl ? -1 : 1;
    return a->binding < b->binding ? -1 : a->binding > b->binding;
}

typedef struct wview {
    const kf_inspection *x;
    const kf_workloads *w;
    const kf_spire *sp;
    hit *hits;            /* sorted by template */
    size_t nhits;
    uint32_t *order;      /* templates, sorted for people */
} wview;

static int cmp_tpl(const void *pa, const void *pb, const kf_workloads *w)
{
    const kf_template *a = &w->tpls[*(const uint32_t *)pa], *b = &w->tpls[*(const uint32_t *)pb];
    int c = strcmp(a->ref.namespace, b->ref.namespace);
    if (!c)
        c = strcmp(a->ref.name, b->ref.name);
    if (!c)
        c = strcmp(a->ref.kind, b->ref.kind);
    if (!c)
        c = a->slot - b->slot;
    return c;
}

/* qsort() passes no context: each key carries the workloads it indexes. */
typedef struct keyed {
    const kf_workloads *w;
    uint32_t tpl;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    return cmp_tpl(&a->tpl, &b->tpl, a->w);
}

static int wview_build(wview *v, const kf_inspection *x)
{
    const kf_pipeline *p = x->p;
    memset(v, 0, sizeof *v);
    v->x = x;
    v->w = &p->w;
    v->sp = &p->spire;
    size_t n = 0;
    for (size_t i = 0; i < p->plan.nbindings; i++)
        n += p->plan.bindings[i].ok && v->w->recv_count ? v->w->recv_count[i] : 0;
    v->hits = malloc((n ? n : 1) * sizeof *v->hits);
    v->order = malloc((v->w->ntpls ? v->w->ntpls : 1) * sizeof *v->order);
    keyed *k = malloc((v->w->ntpls ? v->w->ntpls : 1) * sizeof *k);
    if (!v->hits || !v->order || !k) {
        free(k);
        return -1;
    }
    for (size_t i = 0; i < p->plan.nbindings; i++)
        for (uint32_t r = 0; p->plan.bindings[i].ok && r < v->w->recv_count[i]; r++) {
            const kf_receiver *rv = &v->w->recv[v->w->recv_first[i] + r];
            v->hits[v->nhits++] = (hit){rv->tpl, (uint32_t)i, rv->container};
        }
    qsort(v->hits, v->nhits, sizeof *v->hits, cmp_hit);
    for (size_t t = 0; t < v->w->ntpls; t++)
        k[t] = (keyed){v->w, (uint32_t)t};
    qsort(k, v->w->ntpls, sizeof *k, cmp_keyed);
    for (size_t t = 0; t < v->w->ntpls; t++)
        v->order[t] = k[t].tpl;
    free(k);
    return 0;
}

static void wview_free(wview *v)
{
    free(v->hits);
    free(v->order);
}

/* The hits of template t: [*lo, *hi). */
static void hits_of(const wview *v, uint32_t t, size_t *lo, size_t *hi)
{
    size_t n = kf_u32_run(v->hits, v->nhits, sizeof *v->hits, t, lo);
    *hi = *lo + n;
}

/* One identity of a container, for every format. */
typedef struct ident {
    const char *spiffe_id, *csid, *source; /* source: "kleym-fn" or "foreign" */
    const char *note;                      /* NULL, or why it is not issued */
    bool issued;
} ident;

/* Container c's identities (c: the container's index), into out. */
static size_t identities(const wview *v, uint32_t t, uint16_t c, ident *out, size_t cap)
{
    const kf_plan *plan = &v->x->p->plan;
    size_t n = 0, lo, hi;
    hits_of(v, t, &lo, &hi);
    for (size_t h = lo; h < hi && n < cap; h++) {
        if (v->hits[h].container != KF_ALL_CONTAINERS && v->hits[h].container != c)
            continue;
        const kf_binding *b = &plan->bindings[v->hits[h].binding];
        enum kf_reason refusal = kf_spire_refusal(v->sp, v->hits[h].binding);
        const char *why = refusal == KF_R_COUNT ? NULL : kf_reason_name(refusal);
        out[n++] = (ident){b->spiffe_id, b->csid_name, "kleym-fn", why, !why};
    }
    size_t g0, ng = v->sp->checked ? kf_spire_grants_of(v->sp, t, &g0) : 0;
    for (size_t g = 0; g < ng && n < cap; g++) {
        const kf_grant *gr = &v->sp->grants[g0 + g];
        const kf_foreign *f = &v->sp->foreign[gr->foreign];
        out[n++] = (ident){f->spiffe_id, f->ref.name, "foreign",
                           gr->masked ? "fallback, replaced by a non-fallback identity"
                                      : NULL,
                           !gr->masked};
    }
    return n;
}

#define MAX_IDENTS 64

static const char *container_name(const kf_workloads *w, const kf_template *t, uint16_t c)
{
    return w->names[t->first_name + c];
}

/* ---- text --------------------------------------------------------------------- */

static void text(const wview *v, const char *source, FILE *out, kf_buf *b)
{
    const kf_workloads *w = v->w;
    fprintf(out, "kleym-fn inspect: %s, by workload\n", source);
    if (w->off) {
        kf_inspect_field(out, "workloads", "not read (workloadCheck: off)");
        return;
    }
    if (!w->ntpls)
        kf_inspect_field(out, "workloads", "none in the input");
    ident ids[MAX_IDENTS];
    for (size_t k = 0; k < w->ntpls; k++) {
        const kf_template *t = &w->tpls[v->order[k]];
        kf_buf_clear(b);
        kf_template_where(t, b);
        fprintf(out, "\n%s\n", b->data ? b->data : "");
        if (!t->readable) {
            kf_inspect_field(out, "identities", "not matched (UnreadableTemplate)");
            continue;
        }
        kf_inspect_field(out, "service account", t->sa);
        if (!t->ncontainers)
            kf_inspect_field(out, "containers", "none");
        for (uint16_t c = 0; c < t->ncontainers; c++) {
            size_t n = identities(v, v->order[k], c, ids, MAX_IDENTS);
            char label[96];
            snprintf(label, sizeof label, "%s%s", container_name(w, t, c),
                     c >= t->ncontainers - t->ninit ? " (init)" : "");
            if (!n)
                kf_inspect_field(out, label, "no identity");
            for (size_t i = 0; i < n; i++) {
                kf_buf_clear(b);
                kf_buf_printf(b, "%s (%s ClusterSPIFFEID %s%s%s)", ids[i].spiffe_id,
                              ids[i].source, ids[i].csid, ids[i].note ? "; " : "",
                              ids[i].note ? ids[i].note : "");
                kf_inspect_field(out, i ? "" : label, b->data);
            }
        }
    }
}

/* ---- markdown ----------------------------------------------------------------- */

static void markdown(const wview *v, const char *source, FILE *out, kf_buf *b)
{
    const kf_workloads *w = v->w;
    fputs("### kleym-fn inspect: ", out);
    kf_md(out, source);
    fputs(", by workload\n\n", out);
    if (w->off) {
        fputs("Workloads not read (workloadCheck: off).\n", out);
        return;
    }
    fputs("| Workload | Container | SPIFFE ID | ClusterSPIFFEID | Source | Note |\n"
          "| --- | --- | --- | --- | --- | --- |\n", out);
    ident ids[MAX_IDENTS];
    for (size_t k = 0; k < w->ntpls; k++) {
        const kf_template *t = &w->tpls[v->order[k]];
        kf_buf_clear(b);
        kf_template_where(t, b);
        for (uint16_t c = 0; c < t->ncontainers || c == 0; c++) {
            size_t n = t->readable && c < t->ncontainers
                           ? identities(v, v->order[k], c, ids, MAX_IDENTS) : 0;
            for (size_t i = 0; i < n || i == 0; i++) {
                fputs("| ", out);
                kf_md(out, b->data);
                fputs(" | ", out);
                kf_md(out, c < t->ncontainers ? container_name(w, t, c) : "-");
                fputs(" | ", out);
                kf_md(out, i < n ? ids[i].spiffe_id : "-");
                fputs(" | ", out);
                kf_md(out, i < n ? ids[i].csid : "-");
                fputs(" | ", out);
                kf_md(out, i < n ? ids[i].source : "-");
                fputs(" | ", out);
                kf_md(out, i < n ? ids[i].note ? ids[i].note : ""
                                 : !t->readable ? "not matched (UnreadableTemplate)"
                                                : "no identity");
                fputs(" |\n", out);
            }
        }
    }
}

void kf_inspect_markdown_spire(const kf_inspect_view *v, FILE *out)
{
    const kf_inspection *x = v->x;
    kf_buf scratch = {0};
    bool header = false;
    for (size_t i = 0; i < x->nbindings; i++) {
        const kf_bview *bv = &x->bindings[i];
        if (v->only && v->only != bv)
            continue;
        for (size_t r = bv->first; r < bv->first + bv->n; r++) {
            const kf_result *res = x->results[r];
            if (kf_reason_cond(res->reason) != KF_C_SPIRE_CHECK)
                continue;
            if (!header)
                fputs("\n#### SPIRE: will it be issued, and is it the only SVID?\n\n"
                      "| Binding | Finding |\n| --- | --- |\n", out);
            header = true;
            fputs("| ", out);
            kf_md(out, bv->b->ref.namespace);
            fputc('/', out);
            kf_md(out, bv->b->ref.name);
            fputs(" | ", out);
            kf_md_result(out, res, &scratch);
            fputs(" |\n", out);
        }
    }
    kf_buf_free(&scratch);
}

/* ---- JSON --------------------------------------------------------------------- */

static void json(const wview *v, kf_emit *e, kf_buf *b)
{
    const kf_workloads *w = v->w;
    kf_emit_str(e, "workloadsRead");
    kf_emit_bool(e, !w->off);
    kf_emit_str(e, "workloads");
    kf_emit_seq_begin(e);
    ident ids[MAX_IDENTS];
    for (size_t k = 0; k < w->ntpls; k++) {
        const kf_template *t = &w->tpls[v->order[k]];
        kf_emit_map_begin(e);
        kf_emit_kv(e, "kind", t->ref.kind);
        kf_emit_kv(e, "namespace", t->ref.namespace);
        kf_emit_kv(e, "name", t->ref.name);
        if (t->two_templates)
            kf_emit_kv(e, "template", t->slot == 1 ? "leader" : "workers");
        kf_buf_clear(b);
        kf_template_where(t, b);
        kf_emit_kv(e, "workload", b->data ? b->data : "");
        kf_emit_str(e, "readable");
        kf_emit_bool(e, t->readable);
        kf_emit_kv(e, "serviceAccount", t->sa);
        kf_emit_str(e, "containers");
        kf_emit_seq_begin(e);
        for (uint16_t c = 0; c < t->ncontainers; c++) {
            kf_emit_map_begin(e);
            kf_emit_kv(e, "name", container_name(w, t, c));
            kf_emit_str(e, "init");
            kf_emit_bool(e, c >= t->ncontainers - t->ninit);
            kf_emit_str(e, "identities");
            kf_emit_seq_begin(e);
            size_t n = t->readable ? identities(v, v->order[k], c, ids, MAX_IDENTS) : 0;
            for (size_t i = 0; i < n; i++) {
                kf_emit_map_begin(e);
                kf_emit_kv(e, "spiffeID", ids[i].spiffe_id);
                kf_emit_kv(e, "clusterSPIFFEID", ids[i].csid);
                kf_emit_kv(e, "source", ids[i].source);
                kf_emit_str(e, "issued");
                kf_emit_bool(e, ids[i].issued);
                if (ids[i].note)
                    kf_emit_kv(e, "note", ids[i].note);
                kf_emit_map_end(e);
            }
            kf_emit_seq_end(e);
            kf_emit_map_end(e);
        }
        kf_emit_seq_end(e);
        kf_emit_map_end(e);
    }
    kf_emit_seq_end(e);
}

int kf_inspect_workloads(const kf_inspect_view *iv, enum kf_inspect_format format,
                         FILE *out)
{
    wview v;
    kf_buf b = {0}, doc = {0};
    int rc = -1;
    if (wview_build(&v, iv->x) < 0)
        goto done;
    if (format == KF_FORMAT_JSON) {
        kf_emit e;
        if (kf_emit_open(&e, true) < 0)
            goto done;
        kf_emit_map_begin(&e);
        kf_emit_str(&e, "schemaVersion");
        kf_emit_number(&e, KF_INSPECT_SCHEMA_VERSION);
        kf_emit_kv(&e, "kleymFn", KLEYM_VERSION);
        kf_emit_kv(&e, "source", iv->source);
        json(&v, &e, &b);
        kf_emit_map_end(&e);
        if (kf_emit_close(&e, &doc) < 0 ||
            fwrite(doc.data, 1, doc.len, out) != doc.len || fputc('\n', out) == EOF)
            goto done;
    } else if (format == KF_FORMAT_MARKDOWN) {
        markdown(&v, iv->source, out, &b);
    } else {
        text(&v, iv->source, out, &b);
    }
    rc = b.failed || ferror(out) ? -1 : 0;
done:
    wview_free(&v);
    kf_buf_free(&b);
    kf_buf_free(&doc);
    return rc;
}
