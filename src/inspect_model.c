/* inspect_model.c - one run seen per binding (inspect.h).
 *
 * The pipeline's results are what the function writes; inspect groups them
 * by the binding they are about (a binding's results carry its item), and
 * counts what the summary shows: the API kinds and versions found, the
 * bindings by status, the workload findings by reason.
 */
#include "inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count(kf_counts *c, const char *what)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].what, what) == 0) {
            c->v[i].n++;
            return 0;
        }
    if (kf_array_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v) < 0)
        return -1;
    c->v[c->n++] = (kf_count){what, 1};
    return 0;
}

static int cmp_count(const void *pa, const void *pb)
{
    return strcmp(((const kf_count *)pa)->what, ((const kf_count *)pb)->what);
}

void kf_inspection_counts(const kf_inspection *x, const kf_bview *only, size_t *errors,
                          size_t *warnings)
{
    if (!only) {
        *errors = x->errors;
        *warnings = x->warnings;
        return;
    }
    *errors = only->errors + (!only->b->ok && !only->status);
    *warnings = only->warnings;
    for (size_t r = x->first_other; r < x->nresults; r++) {
        if (!kf_other_shown(x, only, r))
            continue;
        *errors += x->results[r]->severity == KF_SEV_ERROR;
        *warnings += x->results[r]->severity == KF_SEV_WARNING;
    }
}

bool kf_other_shown(const kf_inspection *x, const kf_bview *only, size_t r)
{
    return r >= x->first_other && r < x->nresults &&
           (!only || kf_reason_cond(x->results[r]->reason) == KF_C_INVALID_CONFIG);
}

/* The statuses the summary always shows, as `kleym status` does, first
 * and in this order, 0 included: Ready, then the conditions a binding
 * fails with. */
static int seed_statuses(kf_counts *c)
{
    static const enum kf_condition failed[] = {KF_C_INVALID_REF, KF_C_UNSAFE_SELECTOR,
                                               KF_C_RENDER_FAILURE, KF_C_CONFLICT};
    size_t n = 1 + sizeof failed / sizeof *failed;
    if (kf_array_grow((void **)&c->v, &c->cap, n, sizeof *c->v) < 0)
        return -1;
    c->v[c->n++] = (kf_count){"Ready", 0};
    for (size_t i = 0; i < n - 1; i++)
        c->v[c->n++] = (kf_count){kf_condition_name(failed[i]), 0};
    return 0;
}

const char *kf_bview_status(const kf_bview *bv, char *buf, size_t cap)
{
    if (bv->b->ok)
        return "Ready";
    if (!bv->status)
        return "NotRendered";
    snprintf(buf, cap, "%s/%s", kf_reason_condition(bv->status->reason),
             kf_reason_name(bv->status->reason));
    return buf;
}

const char *kf_bview_mode(const kf_bview *bv, char *buf, size_t cap)
{
    const kf_binding *b = bv->b;
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_CONTAINER:
        break;
    case KF_MATCH_VARIANT:
        snprintf(buf, cap, "variant %s", b->variant ? b->variant : "(invalid)");
        return buf;
    }
    return kf_dialect_of(b)->mode;
}

int kf_inspection_build(kf_inspection *x, const kf_pipeline *p)
{
    memset(x, 0, sizeof *x);
    x->p = p;
    const kf_plan *plan = &p->plan;
    const kf_results *rs = &p->rs;
    size_t nitems = p->in.nitems ? p->in.nitems : 1;
    /* which binding an item is (+1), so results find theirs */
    uint32_t *binding_of = calloc(nitems, sizeof *binding_of);
    size_t *per = calloc(plan->nbindings + 1, sizeof *per);
    x->bindings = calloc(plan->nbindings ? plan->nbindings : 1, sizeof *x->bindings);
    x->results = malloc((rs->n ? rs->n : 1) * sizeof *x->results);
    int rc = -1;
    if (!binding_of || !per || !x->bindings || !x->results)
        goto out;
    x->nbindings = plan->nbindings;
    for (size_t i = 0; i < plan->nbindings; i++) {
        binding_of[plan->bindings[i].item] = (uint32_t)i + 1;
        x->bindings[i].b = &plan->bindings[i];
        x->bindings[i].index = i;
    }
    /* results about binding i, in report order, then every other result */
    size_t *owner = malloc((rs->n ? rs->n : 1) * sizeof *owner);
    if (!owner)
        goto out;
    for (size_t r = 0; r < rs->n; r++) {
        const kf_result *res = &rs->v[r];
        size_t pos = res->ref->position;
        uint32_t bi = pos < p->in.nitems && kf_kind_class(res->ref->kind) == KF_KC_BINDING
                          ? binding_of[pos]
                          : 0;
        owner[r] = bi ? bi - 1 : plan->nbindings;
        per[owner[r]]++;
    }
    size_t at = 0;
    for (size_t i = 0; i <= plan->nbindings; i++) {
        if (i < plan->nbindings)
            x->bindings[i].first = at;
        else
            x->first_other = at;
        at += per[i];
        per[i] = i < plan->nbindings ? x->bindings[i].first : x->first_other;
    }
    for (size_t r = 0; r < rs->n; r++) {
        const kf_result *res = &rs->v[r];
        x->results[per[owner[r]]++] = res;
        if (owner[r] < plan->nbindings) {
            kf_bview *bv = &x->bindings[owner[r]];
            bv->n++;
            if (res->severity == KF_SEV_ERROR && !bv->status)
                bv->status = res;
            bv->errors += res->severity == KF_SEV_ERROR;
            bv->warnings += res->severity == KF_SEV_WARNING;
        }
        x->errors += res->severity == KF_SEV_ERROR;
        x->warnings += res->severity == KF_SEV_WARNING;
        kf_counts *by = kf_reason_cond(res->reason) == KF_C_WORKLOAD_CHECK ? &x->findings
                        : kf_reason_cond(res->reason) == KF_C_SPIRE_CHECK ? &x->spire_findings
                                                                          : NULL;
        if (by && count(by, kf_reason_name(res->reason)) < 0) {
            free(owner);
            goto out;
        }
    }
    x->nresults = rs->n;
    free(owner);
    if (seed_statuses(&x->statuses) < 0)
        goto out;
    size_t nseeded = x->statuses.n;
    for (size_t i = 0; i < plan->nbindings; i++) {
        const kf_bview *bv = &x->bindings[i];
        const char *status = bv->b->ok    ? "Ready"
                             : bv->status ? kf_reason_condition(bv->status->reason)
                                          : "NotRendered";
        if (count(&x->statuses, status) < 0 ||
            count(&x->dialects, kf_binding_dialect(bv->b)) < 0)
            goto out;
    }
    /* counted strings live as long as the run: the input's or static */
    for (size_t i = 0; i < plan->npools; i++)
        if (count(&x->pools, plan->pools[i].api_version) < 0)
            goto out;
    for (size_t i = 0; i < plan->nobjectives; i++)
        if (count(&x->objectives, plan->objectives[i].api_version) < 0)
            goto out;
    for (size_t t = 0; t < p->w.ntpls; t++)
        if ((t == 0 || p->w.tpls[t].ref.position != p->w.tpls[t - 1].ref.position) &&
            count(&x->workloads, p->w.tpls[t].ref.kind) < 0)
            goto out;
    kf_counts *all[] = {&x->pools, &x->objectives, &x->dialects, &x->workloads,
                        &x->findings, &x->spire_findings};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (all[i]->n > 1)
            qsort(all[i]->v, all[i]->n, sizeof *all[i]->v, cmp_count);
    x->spire_side = p->spire.has_config || p->spire.nforeign || x->spire_findings.n;
    if (x->statuses.n > nseeded + 1) /* the others after the seeded ones */
        qsort(x->statuses.v + nseeded, x->statuses.n - nseeded, sizeof *x->statuses.v,
              cmp_count);
    rc = 0;
out:
    free(binding_of);
    free(per);
    return rc;
}

void kf_inspection_free(kf_inspection *x)
{
    free(x->bindings);
    free(x->results);
    free(x->pools.v);
    free(x->objectives.v);
    free(x->dialects.v);
    free(x->workloads.v);
    free(x->statuses.v);
    free(x->findings.v);
    free(x->spire_findings.v);
    memset(x, 0, sizeof *x);
}
