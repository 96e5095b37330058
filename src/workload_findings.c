/* workload_findings.c - the workload check said to people (workload.h).
 *
 * Every finding names the workloads as `kind namespace/name` with their
 * file:index, the field to change, and how. Lists stop after
 * KF_WORKLOADS_NAMED entries and say how many more there are.
 */
#include "workload.h"

#include <stdio.h>
#include <string.h>

#include "kf_scalar.h"
#include "kf_view.h"

/* Which of its workload's templates t is, as said after the workload:
 * "" (the one), " leader", " workers", " leader and workers". */
static const char *template_part(const kf_template *t)
{
    /* without a leaderTemplate the leader pod runs the worker template */
    return !t->two_templates ? ""
           : t->slot == 1    ? " leader"
           : t->has_leader   ? " workers"
                             : " leader and workers";
}

/* "Deployment llm-d/qwen3", "LeaderWorkerSet llm-d/ds leader". */
static int template_text(const char *kind, const char *ns, const char *name,
                         const char *part, kf_buf *out)
{
    return kf_buf_cat(out, kind, " ", ns, ns[0] ? "/" : "", name, part, NULL);
}

/* The same, then " (<file>:<index>)" from where (its path, index,
 * position and List place). */
static int template_where(const char *kind, const char *ns, const char *name,
                          const char *part, const kf_ref *where, kf_buf *out)
{
    char at[512];
    kf_ref_where(where, at, sizeof at);
    if (template_text(kind, ns, name, part, out) < 0)
        return -1;
    return kf_buf_printf(out, " (%s)", at);
}

int kf_template_text(const kf_template *t, kf_buf *out)
{
    return template_text(t->ref.kind, t->ref.namespace, t->ref.name, template_part(t), out);
}

int kf_template_where(const kf_template *t, kf_buf *out)
{
    return template_where(t->ref.kind, t->ref.namespace, t->ref.name, template_part(t),
                          &t->ref, out);
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
        char pods[64];
        kf_ctrl_pods_text(&rv->pods, pods, sizeof pods);
        if (pods[0] && kf_buf_printf(out, ", %s only", pods) < 0)
            return -1;
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

/* An UnreadableTemplate finding: its result borrows the template's ref
 * and makes its message from the template when written (its path from
 * its kind and slot, why it cannot be read kept in it): no record of its
 * own (88 bytes before, a ref's copy among them). */
static int unreadable_text(const void *arg, kf_buf *out)
{
    const kf_template *t = arg;
    const kf_ref *r = &t->ref;
    const char *path = kf_template_path(kf_kind_class(r->kind), t->slot);
    if (template_where(r->kind, r->namespace, r->name, template_part(t), r, out) < 0)
        return -1;
    return kf_buf_cat(out, ": its pod template", path[0] ? " at " : "", path,
                      " is left out of the workload check (labels, the service account "
                      "and container names must be plain strings): ", t->why, NULL);
}

int kf_workloads_unreadable(const kf_workloads *w, kf_results *rs)
{
    for (size_t i = 0; i < w->ntpls; i++) {
        const kf_template *t = &w->tpls[i];
        if (t->readable)
            continue;
        const char *path = kf_template_path(kf_kind_class(t->ref.kind), t->slot);
        if (kf_results_add_text(rs, &t->ref, KF_SEV_WARNING, KF_R_UNREADABLE_TEMPLATE,
                                path[0] ? path : NULL, unreadable_text, t) < 0)
            return -1;
    }
    return 0;
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
static int list_templates(const kf_finding_ctx *fc, const kf_binding *b, const kf_miss *m,
                          kf_buf *out)
{
    const kf_workloads *w = fc->w;
    for (size_t k = 0; k < m->n; k++) {
        const kf_template *t = &w->tpls[m->tpls[k]];
        if ((k && kf_buf_puts(out, ", ") < 0) || kf_template_where(t, out) < 0)
            return -1;
        int rc = 0;
        if (m->reason == KF_R_CONTAINER_NOT_FOUND ||
            (m->reason == KF_R_SERVICE_ACCOUNT_MISMATCH && !m->intended &&
             kf_dialect_of(b)->match == KF_MATCH_CONTAINER))
            rc = kf_buf_printf(out, "%s%s%s",
                               m->reason == KF_R_CONTAINER_NOT_FOUND ? "" : " runs as ",
                               m->reason == KF_R_CONTAINER_NOT_FOUND ? "" : t->sa,
                               m->reason == KF_R_CONTAINER_NOT_FOUND ? " has " : " with ") < 0 ||
                         container_names(w, t, out) < 0
                     ? -1 : 0;
        else if (m->reason == KF_R_VARIANT_LABEL_MISSING && t->variant)
            rc = kf_buf_printf(out, " has " KF_VARIANT_LABEL ": %s", t->variant);
        else if (m->reason == KF_R_VARIANT_LABEL_MISSING)
            rc = kf_buf_puts(out, " has no variant label");
        else if (m->reason == KF_R_SERVICE_ACCOUNT_MISMATCH) {
            const char *detail = sa_mismatch_detail(b, t);
            rc = kf_buf_printf(out, " runs as %s%s%s%s", t->sa,
                               detail ? " (variant " : "", detail ? detail : "",
                               detail ? ")" : "");
        }
        if (rc < 0)
            return -1;
    }
    if (m->total > m->n && kf_buf_printf(out, " and %zu more", m->total - m->n) < 0)
        return -1;
    return 0;
}

/* A label as YAML needs it to be pasted into a template: the value quoted
 * unless every YAML reader takes it back as the same string. */
static int label_text(kf_buf *out, const kf_label *l)
{
    if (kf_plain_is_safe(l->value, strlen(l->value)))
        return kf_buf_printf(out, "%s: %s", l->key, l->value);
    return kf_buf_printf(out, "%s: \"%s\"", l->key, l->value);
}

/* ", and namespace-less Deployment x (f:0), ... would match once it is set" */
static int nsless_text(const kf_finding_ctx *fc, const kf_nsless_carriers *c, kf_buf *out)
{
    if (!c || !c->total)
        return 0;
    if (kf_buf_puts(out, "; without metadata.namespace and with no namespace "
                         "configured, ") < 0)
        return -1;
    for (size_t k = 0; k < c->n; k++)
        if ((k && kf_buf_puts(out, ", ") < 0) ||
            kf_template_where(&fc->w->tpls[c->tpls[k]], out) < 0)
            return -1;
    if (c->total > c->n && kf_buf_printf(out, " and %zu more", c->total - c->n) < 0)
        return -1;
    return kf_buf_printf(out, " carr%s the pool's labels and would match once the "
                         "functionConfig namespace (where the package is applied) "
                         "is set", c->total > 1 ? "y" : "ies");
}

/* NoMatchingWorkload: the workloads of the namespace with their template
 * labels, so the user sees which label is off: ": Deployment ns/a (f:0)
 * has app: x, tier: y, ... and N more". */
static int namespace_templates(const kf_finding_ctx *fc, const char *ns, kf_buf *out)
{
    size_t lo = 0, hi = fc->nby_ns;
    while (lo < hi) { /* the first of ns */
        size_t m = lo + (hi - lo) / 2;
        if (strcmp(fc->w->tpls[fc->by_ns[m]].ref.namespace, ns) < 0)
            lo = m + 1;
        else
            hi = m;
    }
    size_t n = 0, k = lo;
    for (; k < fc->nby_ns && strcmp(fc->w->tpls[fc->by_ns[k]].ref.namespace, ns) == 0; k++) {
        if (n == KF_WORKLOADS_NAMED)
            continue;
        const kf_template *t = &fc->w->tpls[fc->by_ns[k]];
        if (kf_buf_puts(out, n++ ? ", " : ": ") < 0 || kf_template_where(t, out) < 0 ||
            kf_buf_puts(out, t->nlabels ? " has " : " has no labels") < 0)
            return -1;
        for (uint16_t l = 0; l < t->nlabels; l++)
            if ((l && kf_buf_puts(out, ", ") < 0) ||
                label_text(out, &fc->w->labels[t->first_label + l]) < 0)
                return -1;
    }
    if (k - lo > n && kf_buf_printf(out, " and %zu more", k - lo - n) < 0)
        return -1;
    return 0;
}

int kf_finding_miss(const kf_finding_ctx *fc, const kf_binding *b, const kf_miss *m)
{
    const kf_pool *p = &fc->plan->pools[b->pool];
    enum kf_reason reason = m->reason;
    kf_buf list = {0}, labels = {0}, own = {0}, tail = {0}, marker = {0};
    int rc = -1;
    /* the binding's own marker, as YAML needs it in a template */
    kf_label vl = {KF_VARIANT_LABEL, b->variant ? b->variant : ""};
    enum kf_match match = kf_dialect_of(b)->match;
    if (match == KF_MATCH_VARIANT ? label_text(&marker, &vl) < 0
        : match == KF_MATCH_CONTAINER
            ? kf_buf_printf(&marker, "a container named %s", b->container) < 0
            : kf_buf_puts(&marker, "") < 0)
        goto out;
    /* the labels a template can be given: not those its controller sets */
    size_t nown = 0;
    for (size_t i = 0; i < p->nlabels; i++) {
        if ((i && kf_buf_puts(&labels, ", ") < 0) || label_text(&labels, &p->labels[i]) < 0)
            goto out;
        if (kf_ctrl_is_key(p->labels[i].key))
            continue;
        if ((nown++ && kf_buf_puts(&own, ", ") < 0) || label_text(&own, &p->labels[i]) < 0)
            goto out;
    }
    if (nsless_text(fc, m->nsless, &tail) < 0 || kf_buf_puts(&tail, "") < 0 ||
        kf_buf_puts(&own, "") < 0)
        goto out;
    if (reason == KF_R_NO_MATCHING_WORKLOAD &&
        namespace_templates(fc, b->ref.namespace, &list) < 0)
        goto out;
    if (list_templates(fc, b, m, &list) < 0 || kf_buf_puts(&list, "") < 0)
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
        if (m->intended && match != KF_MATCH_POOL)
            rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason, "spec.serviceAccountName",
                                "the workloads of pool %s/%s with %s run as another "
                                "service account than %s, so no pod receives %s: %s; "
                                "set serviceAccountName: %s in their pod template, or "
                                "bind the service account they run as", p->ns, p->name,
                                marker.data, b->sa, b->spiffe_id, list.data, b->sa);
        else if (match != KF_MATCH_POOL)
            rc = kf_results_add(fc->rs, &b->ref, fc->sev, reason, "spec.serviceAccountName",
                                "no workload of pool %s/%s runs as service account %s "
                                "or has %s, so no pod receives %s: %s; in the pod "
                                "template meant for this identity set both "
                                "serviceAccountName: %s and %s, or bind the service "
                                "account and %s it has", p->ns, p->name, b->sa,
                                marker.data, b->spiffe_id, list.data, b->sa, marker.data,
                                match == KF_MATCH_VARIANT ? "variant" : "container");
        else
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
                            "%s/%s (%s)%s, so no pod receives %s; %s%s%sfix the pool's "
                            "selector%s%s", b->ref.namespace, p->ns, p->name, labels.data,
                            list.data, b->spiffe_id,
                            nown ? "label the model server's pod template with " : "",
                            nown == p->nlabels ? "them" : own.data, nown ? ", or " : "",
                            kf_namespaces_has(fc->nss->unreadable, fc->nss->nunreadable,
                                              b->ref.namespace)
                                ? " (the namespace also has pod templates left out of "
                                  "the check as unreadable: see UnreadableTemplate)"
                                : "",
                            tail.data);
        break;
    }
out:
    kf_buf_free(&list);
    kf_buf_free(&labels);
    kf_buf_free(&own);
    kf_buf_free(&tail);
    kf_buf_free(&marker);
    return rc;
}

int kf_finding_namespace_unset(const kf_finding_ctx *fc)
{
    const kf_namespaces *nss = fc->nss;
    bool renders = false;
    for (size_t i = 0; i < fc->plan->nbindings && !renders; i++)
        renders = fc->plan->bindings[i].ok;
    if (!renders || !nss->nnsless)
        return 0;
    kf_buf list = {0};
    int rc = -1;
    size_t shown = nss->nnsless < KF_WORKLOADS_NAMED ? nss->nnsless : KF_WORKLOADS_NAMED;
    kf_ref first;
    for (size_t k = 0; k < shown; k++) {
        kf_view v;
        kf_view_item(&v, fc->in, nss->nsless[k]);
        kf_ref ref = kf_view_ref(&v, nss->nsless[k]);
        char where[512];
        kf_ref_where(&ref, where, sizeof where);
        if (!k)
            first = ref;
        if (kf_buf_printf(&list, "%s%s %s (%s)", k ? ", " : "", ref.kind, ref.name,
                          where) < 0)
            goto out;
    }
    if (nss->nnsless > shown &&
        kf_buf_printf(&list, " and %zu more", nss->nnsless - shown) < 0)
        goto out;
    rc = kf_results_add(fc->rs, &first, fc->sev, KF_R_WORKLOAD_NAMESPACE_UNSET,
                        "metadata.namespace",
                        "%zu workload%s %s no metadata.namespace and no namespace is "
                        "configured, so no identity is checked against %s: %s; set "
                        "namespace in the functionConfig to where the package is "
                        "applied (kubectl apply -n, kustomize namespace:), or "
                        "metadata.namespace", nss->nnsless, nss->nnsless > 1 ? "s" : "",
                        nss->nnsless > 1 ? "have" : "has",
                        nss->nnsless > 1 ? "them" : "it", list.data);
out:
    kf_buf_free(&list);
    return rc;
}

static int multiple_text(const void *arg, kf_buf *out)
{
    const kf_multiple *m = arg;
    const kf_binding *b = &m->plan->bindings[m->binding];
    const kf_template *t = &m->w->tpls[m->tpl];
    if (kf_buf_printf(out, "container %s of ", m->w->names[t->first_name + m->container]) < 0 ||
        kf_template_where(t, out) < 0 ||
        kf_buf_printf(out, " receives %zu identities: %s (this binding)",
                      (size_t)m->total + 1, b->spiffe_id) < 0)
        return -1;
    for (size_t k = 0; k < m->nothers; k++) {
        const kf_binding *o = &m->plan->bindings[m->others[k]];
        bool last = k + 1 == m->nothers && m->total == m->nothers;
        if (kf_buf_printf(out, "%s%s (%s/%s)", last ? " and " : ", ", o->spiffe_id,
                          o->ref.namespace, o->ref.name) < 0)
            return -1;
    }
    if (m->total > m->nothers &&
        kf_buf_printf(out, " and %zu more", (size_t)(m->total - m->nothers)) < 0)
        return -1;
    if (kf_buf_puts(out, "; SPIRE gives such a container several SVIDs, and a peer may "
                         "authorize it as any of them: keep one binding for it") < 0)
        return -1;
    if (m->more && kf_buf_printf(out, " (%zu more container%s receive%s this and "
                                      "another identity)", (size_t)m->more,
                                 m->more > 1 ? "s" : "", m->more > 1 ? "" : "s") < 0)
        return -1;
    return 0;
}

int kf_finding_multiple(const kf_finding_ctx *fc, const kf_multiple *m)
{
    return kf_results_add_text(fc->rs, &fc->plan->bindings[m->binding].ref, fc->sev,
                               KF_R_MULTIPLE_IDENTITIES, NULL, multiple_text, m);
}
