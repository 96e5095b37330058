/* inspect_json.c - the identity map as one JSON document (inspect.h).
 *
 * The shape is documented in docs/inspect.md and docs/inspect.schema.json
 * (the suite validates every JSON output against it) and kept stable for
 * CI dashboards: fields are added, never renamed or removed. Absent values
 * are left out rather than null.
 */
#include "inspect.h"

#include <stdio.h>
#include <string.h>

#include "kf_emit.h"
#include "kf_render.h"
#include "kleym.h"

static void number(kf_emit *e, const char *key, size_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    kf_emit_str(e, key);
    kf_emit_number(e, buf);
}

/* {"what": n, ...} */
static void counts(kf_emit *e, const char *key, const kf_counts *c)
{
    kf_emit_str(e, key);
    kf_emit_map_begin(e);
    for (size_t i = 0; i < c->n; i++)
        number(e, c->v[i].what, c->v[i].n);
    kf_emit_map_end(e);
}

static void file(kf_emit *e, const kf_ref *ref)
{
    if (!ref->path[0])
        return;
    kf_emit_str(e, "file");
    kf_emit_map_begin(e);
    kf_emit_kv(e, "path", ref->path);
    if (ref->index[0]) {
        kf_emit_str(e, "index");
        kf_emit_number(e, ref->index);
    }
    kf_emit_map_end(e);
}

/* scratch: the caller's buffer, for a message made when written */
static void result(kf_emit *e, const kf_result *r, bool resource, kf_buf *scratch)
{
    kf_emit_map_begin(e);
    kf_emit_kv(e, "severity", kf_severity_name(r->severity));
    kf_emit_kv(e, "condition", kf_reason_condition(r->reason));
    kf_emit_kv(e, "reason", kf_reason_name(r->reason));
    const char *msg = kf_result_message(r, scratch);
    e->failed |= !msg;
    kf_emit_kv(e, "message", msg ? msg : "");
    if (r->field)
        kf_emit_kv(e, "field", r->field);
    if (resource) {
        kf_emit_str(e, "resource");
        kf_emit_map_begin(e);
        kf_emit_kv(e, "apiVersion", r->ref->api_version);
        kf_emit_kv(e, "kind", r->ref->kind);
        kf_emit_kv(e, "name", r->ref->name);
        if (r->ref->namespace[0])
            kf_emit_kv(e, "namespace", r->ref->namespace);
        kf_emit_map_end(e);
    }
    char where[512];
    kf_ref_where(r->ref, where, sizeof where);
    kf_emit_kv(e, "location", where);
    kf_emit_map_end(e);
}

static void receivers(kf_emit *e, const kf_workloads *w, size_t i)
{
    kf_emit_str(e, "receivedBy");
    kf_emit_seq_begin(e);
    for (uint32_t r = 0; !w->off && r < w->recv_count[i]; r++) {
        const kf_receiver *rv = &w->recv[w->recv_first[i] + r];
        const kf_template *t = &w->tpls[rv->tpl];
        kf_emit_map_begin(e);
        kf_emit_kv(e, "kind", t->ref.kind);
        kf_emit_kv(e, "namespace", t->ref.namespace);
        kf_emit_kv(e, "name", t->ref.name);
        if (t->two_templates)
            kf_emit_kv(e, "template", t->slot ? "leader" : "workers");
        kf_emit_str(e, "containers");
        kf_emit_seq_begin(e);
        for (uint16_t c = 0; c < t->ncontainers; c++)
            if (rv->container == KF_ALL_CONTAINERS || rv->container == c)
                kf_emit_str(e, w->names[t->first_name + c]);
        kf_emit_seq_end(e);
        kf_emit_map_end(e);
    }
    kf_emit_seq_end(e);
}

static void binding(kf_emit *e, const kf_inspection *x, const kf_bview *bv, kf_buf *scratch)
{
    const kf_pipeline *p = x->p;
    const kf_binding *b = bv->b;
    char buf[160];
    kf_emit_map_begin(e);
    kf_emit_kv(e, "namespace", b->ref.namespace);
    kf_emit_kv(e, "name", b->ref.name);
    kf_emit_kv(e, "dialect", kf_binding_dialect(b));
    if (kf_dialect_of(b)->mode)
        kf_emit_kv(e, "mode", kf_dialect_of(b)->mode);
    else if (b->variant)
        kf_emit_kv(e, "variant", b->variant);
    kf_emit_kv(e, "status", kf_bview_status(bv, buf, sizeof buf));
    kf_emit_str(e, "ready");
    kf_emit_bool(e, b->ok);
    if (b->ok) {
        kf_emit_kv(e, "spiffeID", b->spiffe_id);
        kf_emit_kv(e, "clusterSPIFFEID", b->csid_name);
        kf_emit_kv(e, "pool", b->pool_name);
        kf_emit_kv(e, "serviceAccount", b->sa);
        /* whatever the dialect requires: a PoolOnly binding's objectiveRef
         * is resolved and checked too */
        if (b->objective_name)
            kf_emit_kv(e, "objective", b->objective_name);
        if (b->container)
            kf_emit_kv(e, "container", b->container);
        kf_buf sels = {0};
        kf_binding_selectors(b, &p->plan.pools[b->pool], &sels);
        kf_emit_str(e, "selectors");
        kf_emit_seq_begin(e);
        for (const char *s = sels.data, *nl; s && (nl = strchr(s, '\n')); s = nl + 1)
            kf_emit_strn(e, s, (size_t)(nl - s));
        kf_emit_seq_end(e);
        kf_buf_free(&sels);
        receivers(e, &p->w, bv->index);
    }
    file(e, &b->ref);
    kf_emit_str(e, "findings");
    kf_emit_seq_begin(e);
    for (size_t r = bv->first; r < bv->first + bv->n; r++)
        result(e, x->results[r], false, scratch);
    kf_emit_seq_end(e);
    kf_emit_map_end(e);
}

int kf_inspect_json(const kf_inspect_view *v, FILE *out)
{
    const kf_inspection *x = v->x;
    const kf_config *cfg = &x->p->cfg;
    kf_emit e;
    kf_buf text = {0}, scratch = {0};
    if (kf_emit_open(&e, true) < 0)
        return -1;
    kf_emit_map_begin(&e);
    kf_emit_str(&e, "schemaVersion");
    kf_emit_number(&e, KF_INSPECT_SCHEMA_VERSION);
    kf_emit_kv(&e, "kleymFn", KLEYM_VERSION);
    kf_emit_kv(&e, "source", v->source);
    kf_emit_str(&e, "summary");
    kf_emit_map_begin(&e);
    if (cfg->trust_domain[0])
        kf_emit_kv(&e, "trustDomain", cfg->trust_domain);
    if (cfg->class_name[0])
        kf_emit_kv(&e, "className", cfg->class_name);
    if (kf_config_has_svid_options(cfg)) {
        kf_emit_str(&e, "svidOptions");
        kf_emit_map_begin(&e);
        kf_render_svid_options(&e, cfg);
        kf_emit_map_end(&e);
    }
    kf_emit_str(&e, "found");
    kf_emit_map_begin(&e);
    counts(&e, "InferencePool", &x->pools);
    counts(&e, "InferenceObjective", &x->objectives);
    counts(&e, "InferenceIdentityBinding", &x->dialects);
    counts(&e, "workloads", &x->workloads);
    kf_emit_map_end(&e);
    kf_emit_str(&e, "bindings");
    kf_emit_map_begin(&e);
    number(&e, "total", x->nbindings);
    for (size_t k = 0; k < x->statuses.n; k++)
        number(&e, x->statuses.v[k].what, x->statuses.v[k].n);
    kf_emit_map_end(&e);
    counts(&e, "workloadFindings", &x->findings);
    counts(&e, "spireFindings", &x->spire_findings);
    number(&e, "errors", x->errors);
    number(&e, "warnings", x->warnings);
    kf_emit_map_end(&e); /* summary */
    kf_emit_str(&e, "bindings");
    kf_emit_seq_begin(&e);
    for (size_t i = 0; i < x->nbindings; i++)
        if (!v->only || v->only == &x->bindings[i])
            binding(&e, x, &x->bindings[i], &scratch);
    kf_emit_seq_end(&e);
    kf_emit_str(&e, "otherFindings");
    kf_emit_seq_begin(&e);
    for (size_t r = x->first_other; r < x->nresults; r++)
        if (kf_other_shown(x, v->only, r))
            result(&e, x->results[r], true, &scratch);
    kf_emit_seq_end(&e);
    kf_emit_map_end(&e);
    int rc = kf_emit_close(&e, &text);
    if (rc == 0 && (fwrite(text.data, 1, text.len, out) != text.len || fputc('\n', out) == EOF))
        rc = -1;
    kf_buf_free(&text);
    kf_buf_free(&scratch);
    return rc;
}
