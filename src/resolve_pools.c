/* resolve_pools.c - InferencePool selectors (resolve.h).
 *
 * A pool's selector becomes a sorted list of labels, or is refused with
 * the reason (InvalidPoolSelector). A pool is unsafe when another pool of
 * the same namespace selects pods that carry all of its labels: found by
 * hashing label subsets and sorting, never by comparing pools in pairs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

static void pool_error(kf_pool *p, const char *why, const char *detail)
{
    if (p->error)
        return;
    p->error = why;
    p->error_detail = detail;
}

int kf_pool_read_selector(const kf_view *v, kf_pool *p)
{
    const kf_input *in = v->in;
    enum kf_vtype sel = kf_view_type(v, KF_F_SELECTOR);
    bool v1 = p->group == 0;
    if (kf_view_type(v, KF_F_SPEC) != KF_V_MAP || sel == KF_V_ABSENT) {
        pool_error(p, "spec.selector is missing", NULL);
        return 0;
    }
    if (sel != KF_V_MAP || v->dup[KF_F_SELECTOR] || v->dup[KF_F_SPEC]) {
        pool_error(p, "spec.selector must be a mapping given once", NULL);
        return 0;
    }
    if (kf_view_type(v, KF_F_MATCHEXPR) != KF_V_ABSENT) {
        pool_error(p, "spec.selector.matchExpressions is not supported: a "
                      "ClusterSPIFFEID needs an exact label match", NULL);
        return 0;
    }
    enum kf_vtype ml = kf_view_type(v, KF_F_MATCHLABELS);
    size_t nflat = 0, nml = 0;
    for (size_t i = 0; i < v->nfields; i++) {
        nflat += v->fields[i].id == KF_F_SEL_ENTRY;
        nml += v->fields[i].id == KF_F_ML_ENTRY;
    }
    if (ml != KF_V_ABSENT && (ml != KF_V_MAP || v->dup[KF_F_MATCHLABELS])) {
        pool_error(p, "spec.selector.matchLabels must be a mapping given once", NULL);
        return 0;
    }
    if (ml != KF_V_ABSENT && nflat) {
        pool_error(p, "spec.selector mixes matchLabels with other keys", NULL);
        return 0;
    }
    if (ml == KF_V_ABSENT && v1) {
        pool_error(p, "spec.selector.matchLabels is missing", NULL);
        return 0;
    }
    enum kf_fid id = ml != KF_V_ABSENT ? KF_F_ML_ENTRY : KF_F_SEL_ENTRY;
    size_t n = ml != KF_V_ABSENT ? nml : nflat;
    if (n == 0) {
        pool_error(p, ml != KF_V_ABSENT ? "spec.selector.matchLabels is empty"
                                         : "spec.selector is empty",
                   NULL);
        return 0;
    }
    p->labels = malloc(n * sizeof *p->labels);
    if (!p->labels)
        return -1;
    for (size_t i = 0; i < v->nfields; i++) {
        const kf_field *f = &v->fields[i];
        if (f->id != id)
            continue;
        const char *k = kf_field_key(in, f), *val = kf_field_text(in, f);
        if (!kf_is_qualified_name(k, strlen(k)))
            pool_error(p, "a selector key is not a valid label key", k);
        else if (f->type == KF_V_NUL)
            pool_error(p, "a selector value holds a NUL character (\\0)", k);
        else if (f->type != KF_V_STR)
            pool_error(p, "a selector value is not a string: quote it (aliases "
                          "and tags are refused)", k);
        else if (!kf_is_label_value(val, strlen(val)))
            pool_error(p, "a selector value is not a valid label value", k);
        p->labels[p->nlabels++] = (kf_label){k, val};
    }
    qsort(p->labels, p->nlabels, sizeof *p->labels, kf_label_cmp);
    for (size_t i = 1; i < p->nlabels; i++)
        if (strcmp(p->labels[i].key, p->labels[i - 1].key) == 0)
            pool_error(p, "a selector key is given twice", p->labels[i].key);
    return 0;
}

/* Pools and objectives are looked up by namespace, name, then the rank of
 * their apiVersion. */
static int cmp_named(const char *ans, const char *aname, int agroup, const char *bns,
                     const char *bname, int bgroup)
{
    int c = strcmp(ans, bns);
    if (!c)
        c = strcmp(aname, bname);
    return c ? c : agroup - bgroup;
}

int kf_cmp_pool(const void *pa, const void *pb)
{
    const kf_pool *a = pa, *b = pb;
    return cmp_named(a->ns, a->name, a->group, b->ns, b->name, b->group);
}

int kf_cmp_objective(const void *pa, const void *pb)
{
    const kf_objective *a = pa, *b = pb;
    return cmp_named(a->ns, a->name, a->group, b->ns, b->name, b->group);
}

/* ---- unsafe selectors: another pool whose pods carry our labels --------- */

typedef struct subset {
    const char *ns;
    char *labels; /* "k=v\n..." of a subset of one pool's labels (owned) */
    size_t pool;
    bool full;    /* all of the pool's labels */
} subset;

static int cmp_subset(const void *pa, const void *pb)
{
    const subset *a = pa, *b = pb;
    int c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->labels, b->labels);
    if (!c)
        c = a->pool < b->pool ? -1 : a->pool > b->pool;
    return c;
}

/* Pools with more labels than this contribute only their full set and the
 * sets that drop one label; the full enumeration is 2^n. */
#define SUBSET_LABELS_MAX 8

/* Append a subset of pool p's labels: with
 * few labels, the bits of mask; with many, every label but skip. */
static int add_subset(subset **v, size_t *n, size_t *cap, const kf_pool *p,
                      size_t pool, unsigned mask, size_t skip, bool full)
{
    kf_buf b = {0};
    for (size_t i = 0; i < p->nlabels; i++) {
        bool keep = p->nlabels <= SUBSET_LABELS_MAX ? (mask >> i) & 1u : i != skip;
        if (keep && kf_buf_printf(&b, "%s=%s\n", p->labels[i].key,
                                  p->labels[i].value) < 0)
            goto fail;
    }
    if ((!b.data && kf_buf_puts(&b, "") < 0) ||
        kf_array_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
        goto fail;
    (*v)[(*n)++] = (subset){p->ns, b.data, pool, full};
    return 0;
fail:
    kf_buf_free(&b);
    return -1;
}

/* A pool is unsafe when another pool of the same namespace (not the same
 * pool in the other API version) has a selector that contains all of its
 * labels: SPIRE would register the pool's identity for that pool's pods. */
int kf_pools_find_unsafe(kf_plan *plan)
{
    subset *v = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    for (size_t i = 0; i < plan->npools; i++) {
        const kf_pool *p = &plan->pools[i];
        if (p->error || p->nlabels == 0)
            continue;
        if (p->nlabels <= SUBSET_LABELS_MAX) {
            unsigned all = (1u << p->nlabels) - 1;
            for (unsigned mask = all; mask; mask = (mask - 1) & all)
                if (add_subset(&v, &n, &cap, p, i, mask, 0, mask == all) < 0)
                    goto out;
        } else {
            if (add_subset(&v, &n, &cap, p, i, 0, SIZE_MAX, true) < 0)
                goto out;
            for (size_t skip = 0; skip < p->nlabels; skip++)
                if (add_subset(&v, &n, &cap, p, i, 0, skip, false) < 0)
                    goto out;
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_subset);
    for (size_t i = 0; i < plan->npools; i++)
        plan->pools[i].selector_class = i;
    /* For each pool, look at the run holding its own full label set. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(v[j].ns, v[i].ns) == 0 &&
               strcmp(v[j].labels, v[i].labels) == 0)
            j++;
        /* The run's first pool name, and its first other name: a pool's
         * peer is the first of the run named otherwise (not the same pool
         * in the other API version, nor a copy of it). */
        const char *first = plan->pools[v[i].pool].name, *other = NULL;
        for (size_t m = i + 1; m < j && !other; m++)
            if (strcmp(plan->pools[v[m].pool].name, first) != 0)
                other = plan->pools[v[m].pool].name;
        size_t cls = SIZE_MAX;
        for (size_t k = i; k < j; k++) {
            if (!v[k].full)
                continue;
            kf_pool *p = &plan->pools[v[k].pool];
            if (cls == SIZE_MAX)
                cls = v[k].pool;
            p->selector_class = cls;
            const char *peer = strcmp(p->name, first) != 0 ? first : other;
            if (peer) {
                p->unsafe = true;
                p->unsafe_peer = peer;
            }
        }
        i = j;
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(v[i].labels);
    free(v);
    return rc;
}
