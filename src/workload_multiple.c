/* workload_multiple.c - a container that receives two identities
 * (MultipleIdentities, SPEC section 11), from the receivers workloads.c
 * found: per template, the bindings that receive all its containers and
 * those that receive one, sorted once; never bindings x templates.
 */
#include <stdlib.h>

#include "kf_results.h"
#include "kf_sort.h"

#include "kf_workloads.h"
#include "workload.h"
/* A receiver, for the check: all containers (KF_ALL_CONTAINERS sorts
 * last: "one" is 0, "all" 1) or one. */
typedef struct got {
    uint32_t tpl;
    uint8_t all;
    uint16_t container;
    uint32_t binding;
} got;

static int cmp_got(const void *pa, const void *pb)
{
    const got *a = pa, *b = pb;
    if (a->tpl != b->tpl)
        return a->tpl < b->tpl ? -1 : 1;
    if (a->all != b->all)
        return a->all < b->all ? -1 : 1;
    if (a->container != b->container)
        return a->container < b->container ? -1 : 1;
    return a->binding < b->binding ? -1 : a->binding > b->binding;
}

/* A binding's first clash: a container of a template and who else receives
 * it (runs of the sorted receivers: the ones with all containers, the ones
 * with that container), and how many clashes it has in all. */
typedef struct clash {
    uint32_t all_lo, all_hi, one_lo, one_hi, count; /* receivers and
                                                     * containers: 32-bit */
    uint32_t tpl;
    uint16_t container;
} clash; /* 28 bytes a binding */

static void note_clash(clash *c, uint32_t tpl, uint16_t container, size_t all_lo,
                       size_t all_hi, size_t one_lo, size_t one_hi, size_t count)
{
    if (!c->count)
        *c = (clash){(uint32_t)all_lo, (uint32_t)all_hi, (uint32_t)one_lo,
                     (uint32_t)one_hi, 0, tpl, container};
    c->count += (uint32_t)count;
}

/* One template's receivers v[i..j): those of all its containers first
 * (sorted last by all: so after the single ones), then per container. */
static void template_clashes(const kf_workloads *w, const got *v, size_t i, size_t j,
                             clash *by_binding)
{
    size_t all_lo = i;
    while (all_lo < j && !v[all_lo].all)
        all_lo++;
    size_t nall = j - all_lo;
    const kf_template *t = &w->tpls[v[i].tpl];
    /* the runs of receivers of one container each: [i, all_lo) */
    size_t runs = 0;
    for (size_t s = i; s < all_lo; s++)
        runs += s == i || v[s].container != v[s - 1].container;
    if (nall >= 2 && t->ncontainers) {
        /* every container clashes: container 0 first (with its own run) */
        size_t e = i;
        while (e < all_lo && v[e].container == 0)
            e++;
        for (size_t k = all_lo; k < j; k++)
            note_clash(&by_binding[v[k].binding], v[i].tpl, 0, all_lo, j, i, e,
                       t->ncontainers);
    } else if (nall == 1 && runs) {
        /* the one binding of all containers clashes where anyone else is */
        size_t e = i;
        while (e < all_lo && v[e].container == v[i].container)
            e++;
        note_clash(&by_binding[v[all_lo].binding], v[i].tpl, v[i].container, all_lo, j,
                   i, e, runs);
    }
    for (size_t s = i; s < all_lo;) {
        size_t e = s + 1;
        while (e < all_lo && v[e].container == v[s].container)
            e++;
        if (nall + (e - s) >= 2)
            for (size_t k = s; k < e; k++)
                note_clash(&by_binding[v[k].binding], v[s].tpl, v[s].container, all_lo,
                           j, s, e, 1);
        s = e;
    }
}

int kf_multiple_identities(const kf_workloads *w, const kf_plan *plan,
                               const kf_finding_ctx *fc)
{
    got *v = malloc((w->nrecv ? w->nrecv : 1) * sizeof *v);
    clash *by_binding = calloc(plan->nbindings ? plan->nbindings : 1, sizeof *by_binding);
    int rc = -1;
    if (!v || !by_binding)
        goto out;
    size_t n = 0;
    for (size_t b = 0; b < plan->nbindings; b++)
        for (uint32_t r = 0; plan->bindings[b].ok && r < w->recv_count[b]; r++) {
            const kf_receiver *rv = &w->recv[w->recv_first[b] + r];
            bool all = rv->container == KF_ALL_CONTAINERS;
            v[n++] = (got){rv->tpl, all, all ? 0 : rv->container, (uint32_t)b};
        }
    if (n > 1) /* in place */
        kf_sort(v, n, sizeof *v, cmp_got);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j].tpl == v[i].tpl)
            j++;
        if (j - i > 1)
            template_clashes(w, v, i, j, by_binding);
        i = j;
    }
    /* the findings, kept by the results: their messages are made from
     * them when written; the receivers go before the results grow */
    size_t nfound = 0;
    for (size_t b = 0; b < plan->nbindings; b++)
        nfound += by_binding[b].count != 0;
    kf_multiple *found = nfound ? malloc(nfound * sizeof *found) : NULL;
    if (nfound && (!found || kf_results_keep(fc->rs, found) < 0))
        goto out;
    nfound = 0;
    for (size_t b = 0; b < plan->nbindings; b++) {
        const clash *c = &by_binding[b];
        if (!c->count)
            continue;
        /* its peers: the others of the two runs, the first few named */
        kf_multiple *m = &found[nfound++];
        *m = (kf_multiple){.w = w, .plan = plan, .binding = (uint32_t)b, .tpl = c->tpl,
                           .container = c->container};
        const size_t parts[2][2] = {{c->one_lo, c->one_hi}, {c->all_lo, c->all_hi}};
        for (int part = 0; part < 2; part++)
            for (size_t k = parts[part][0];
                 k < parts[part][1] && m->nothers < KF_WORKLOADS_NAMED; k++)
                if (v[k].binding != b)
                    m->others[m->nothers++] = v[k].binding;
        /* below 2^32: receivers are counted in 32 bits */
        m->total = (uint32_t)((c->one_hi - c->one_lo) + (c->all_hi - c->all_lo) - 1);
        m->more = c->count - 1;
    }
    free(v);
    free(by_binding);
    v = NULL;
    by_binding = NULL;
    for (size_t k = 0; k < nfound; k++)
        if (kf_finding_multiple(fc, &found[k]) < 0)
            goto out;
    rc = 0;
out:
    free(v);
    free(by_binding);
    return rc;
}
