/* workload_findings.c - the workload check said to people (workload.h).
 *
 * Every finding names the workloads as `kind namespace/name` with their
 * file:index, the field to change, and how. Lists stop after
 * KF_WORKLOADS_NAMED entries and say how many more there are.
 */
#include "workload.h"

#include <stdio.h>
#include <string.h>

/* "Deployment llm-d/qwen3", "LeaderWorkerSet llm-d/ds leader". */
int kf_template_text(const kf_template *t, kf_buf *out)
{
    return kf_buf_cat(out, t->kind, " ", t->ns, "/", t->name,
                      !t->two_templates ? "" : t->slot == 1 ? " leader" : " workers", NULL);
}

int kf_template_where(const kf_template *t, kf_buf *out)
{
    kf_ref ref = {.path = t->path, .index = t->index, .position = t->item};
    char where[512];
    kf_ref_where(&ref, where, sizeof where);
    if (kf_template_text(t, out) < 0)
        return -1;
    return kf_buf_printf(out, " (%s)", where);
}

/* A template's container names, the first few: "vllm, proxy (init)". */
static int container_names(const kf_workloads *w, const kf_template *t, kf_buf *out)
{
    if (t->ncontainers == 0)
        return kf_buf_puts(out, "no containers");
    uint16_t shown = t->ncontainers <= KF_WORKLOADS_NAMED + 1 ? t->ncontainers
                                                               : KF_WORKLOADS_NAMED;
    for (uint16_t c = 0; c < shown; c++)
        if (kf_buf_cat(out, c ? ", " : "", w->names[t->first_name + c],
                       c >= t->ncontainers - t->ninit ? " (init)" : "", NULL) < 0)
            return -1;
    if (shown < t->ncontainers &&
        kf_buf_printf(out, " and %u more", (unsigned)(t->ncontainers - shown)) < 0)
        return -1;
    return 0;
}

int kf_receivers_text(const kf_workloads *w, size_t i, size_t max, kf_buf *out)
{
    uint32_t n = w->recv_count ? w->recv_count[i] : 0;
    size_t shown = 0, workloads = 0;
    for (uint32_t r = 0; r < n; r++) {
        const kf_receiver *rv = &w->recv[w->recv_first[i] + r];
        const kf_template *t = &w->tpls[rv->tpl];
        workloads++;
        if (max && shown == max)
            continue;
        shown++;
        if ((r && kf_buf_puts(out, ", ") < 0) || kf_template_text(t, out) < 0)
            return -1;
        int rc;
        if (rv->container != KF_ALL_CONTAINERS)
            rc = kf_buf_cat(out, " (container ", w->names[t->first_name + rv->container], ")",
                            NULL);
        else if (t->ncontainers == 0)
            rc = kf_buf_puts(out, " (no containers)");
        else if (kf_buf_printf(out, " (container%s ", t->ncontainers > 1 ? "s" : "") < 0 ||
                 container_names(w, t, out) < 0)
            rc = -1;
        else
            rc = kf_buf_puts(out, ")");
        if (rc < 0)
            return -1;
    }
    if (workloads > shown && kf_buf_printf(out, " and %zu more", workloads - shown) < 0)
        return -1;
    return out->data || kf_buf_puts(out, "") == 0 ? 0 : -1;
}

int kf_finding_unreadable(kf_results *rs, const kf_ref *ref, const kf_template *t,
                          const char *path, const char *why)
{
    kf_buf who = {0};
    int rc = -1;
    if (kf_template_where(t, &who) < 0)
        goto out;
    rc = kf_results_add(rs, ref, KF_SEV_WARNING, KF_R_UNREADABLE_TEMPLATE,
                        path[0] ? path : NULL,
                        "%s: its pod template%s%s is left out of the workload check "
                        "(labels, the service account and container names must be "
                        "plain strings): %s", who.data, path[0] ? " at " : "", path, why);
out:
    kf_buf_free(&who);
    return rc;
}

/* What a ServiceAccountMismatch says of template t besides its service
 * account: the variant it carries, for a binding matched by variant. */
static const char *sa_mismatch_detail(const kf_binding *b, const kf_template *t)
{
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_CONTAINER:
        return NULL;
    case KF_MATCH_VARIANT:
        return t->variant ? t->variant : "none";
    }
    return NULL;
}

/* "Deployment ns/a (f:0) <detail>, ... and N more". */
static int list_templates(const kf_finding_ctx *fc, const kf_binding *b,
                          enum kf_reason reason, const uint32_t *tpls, size_t n,
                          size_t total, kf_buf *out)
{
    const kf_workloads *w = fc->w;
    for (size_t k = 0; k < n; k++) {
        const kf_template *t = &w->tpls[tpls[k]];
        if ((k && kf_buf_puts(out, ", ") < 0) || kf_template_where(t, out) < 0)
            return -1;
        int rc = 0;
        if (reason == KF_R_CONTAINER_NOT_FOUND)
            rc = kf_buf_puts(out, " has ") < 0 || container_names(w, t, out) < 0 ? -1 : 0;
        else if (reason == KF_R_VARIANT_LABEL_MISSING && t->variant)
            rc = kf_buf_printf(out, " has " KF_VARIANT_LABEL ": %s", t->variant);
        else if (reason == KF_R_VARIANT_LABEL_MISSING)
            rc = kf_buf_puts(out, " has no variant label");
        else if (reason == KF_R_SERVICE_ACCOUNT_MISMATCH) {
            const char *detail = sa_mismatch_detail(b, t);
            rc = kf_buf_printf(out, " runs as %s%s%s%s", t->sa,
                               detail ? " (variant " : "", detail ? detail : "",
                               detail ? ")" : "");
        }
        if (rc < 0)
            return -1;
    }
    if (total > n && kf_buf_printf(out, " and %zu more", total - n) < 0)
        return -1;
    return 0;
}

int kf_finding_miss(const kf_finding_ctx *fc, const kf_binding *b,
                    enum kf_reason reason, const uint32_t *tpls, size_t n,
                    size_t total)
{
    const kf_pool *p = &fc->plan->pools[b->pool];
    kf_buf list = {0}, labels = {0};
    int rc = -1;
    for (size_t i = 0; i < p->nlabels; i++)
        if (kf_buf_printf(&labels, "%s%s: %s", i ? ", " : "", p->labels[i].key,
                          p->labels[i].value) < 0)
            goto out;
    if (list_templates(fc, b, reason, tpls, n, total, &list) < 0 ||
        kf_buf_puts(&list, "") < 0)
        goto out;
    switch ((int)reason) { /* the misses, of all reasons (-Wswitch-enum) */
    case KF_R_CONTAINER_NOT_FOUND:
        rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason, "spec.containerName",
                            "no container of pool %s/%s running as service account "
                            "%s is named %s, so no container receives %s: %s; name "
                            "the model server's container %s, or set "
                            "spec.containerName to its name", p->ns, p->name, b->sa,
                            b->container, b->spiffe_id, list.data, b->container);
        break;
    case KF_R_VARIANT_LABEL_MISSING:
        rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason,
                            "spec.identityBoundary.variant",
                            "no pod of pool %s/%s running as service account %s "
                            "carries " KF_VARIANT_LABEL ": %s, so no pod receives %s: "
                            "%s; set the label on the pod template of the %s "
                            "workload, or bind the variant it carries", p->ns, p->name,
                            b->sa, b->variant, b->spiffe_id, list.data, b->variant);
        break;
    case KF_R_SERVICE_ACCOUNT_MISMATCH:
        rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason, "spec.serviceAccountName",
                            "the workloads of pool %s/%s run as another service "
                            "account than %s, so no pod receives %s: %s; set "
                            "serviceAccountName: %s in their pod template, or bind "
                            "the service account they run as", p->ns, p->name, b->sa,
                            b->spiffe_id, list.data, b->sa);
        break;
    default:
        rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason, "spec.poolRef.name",
                            "no workload in namespace %s carries the labels of pool "
                            "%s/%s (%s), so no pod receives %s; label the model "
                            "server's pod template with them, or fix the pool's "
                            "selector%s", b->ref.namespace, p->ns, p->name, labels.data,
                            b->spiffe_id,
                            kf_namespaces_has(fc->nss->unreadable, fc->nss->nunreadable,
                                              b->ref.namespace)
                                ? " (the namespace also has pod templates left out of "
                                  "the check as unreadable: see UnreadableTemplate)"
                                : "");
        break;
    }
out:
    kf_buf_free(&list);
    kf_buf_free(&labels);
    return rc;
}

int kf_finding_multiple(const kf_finding_ctx *fc, const kf_binding *b, uint32_t tpl,
                        uint16_t container, const uint32_t *others, size_t nothers,
                        size_t total, size_t more)
{
    const kf_template *t = &fc->w->tpls[tpl];
    kf_buf where = {0}, ids = {0};
    int rc = -1;
    if (kf_template_where(t, &where) < 0)
        goto out;
    for (size_t k = 0; k < nothers; k++) {
        const kf_binding *o = &fc->plan->bindings[others[k]];
        bool last = k + 1 == nothers && total == nothers;
        if (kf_buf_printf(&ids, "%s%s (%s/%s)", last ? " and " : ", ", o->spiffe_id,
                          o->ref.namespace, o->ref.name) < 0)
            goto out;
    }
    if (total > nothers && kf_buf_printf(&ids, " and %zu more", total - nothers) < 0)
        goto out;
    char tail[96] = "";
    if (more)
        snprintf(tail, sizeof tail, " (%zu more container%s receive%s this and "
                 "another identity)", more, more > 1 ? "s" : "", more > 1 ? "" : "s");
    rc = kf_results_add(fc->rs, &b->ref, fc->sev, KF_R_MULTIPLE_IDENTITIES, NULL,
                        "container %s of %s receives %zu identities: %s (this "
                        "binding)%s; SPIRE gives such a container several SVIDs, and "
                        "a peer may authorize it as any of them: keep one binding "
                        "for it%s",
                        fc->w->names[t->first_name + container], where.data,
                        total + 1, b->spiffe_id, ids.data ? ids.data : "", tail);
out:
    kf_buf_free(&where);
    kf_buf_free(&ids);
    return rc;
}
