/* conflicts.c - collisions between bindings, by sorting (kf_conflicts.h).
 *
 * Each kind of conflict sorts the bindings by what must not be shared and
 * walks the runs of equal keys: O(n log n), never all pairs. Every binding
 * of a run fails; its message names its peers (KF_CONFLICT_PEERS_NAMED of
 * them, then how many more) with their SPIFFE ID, and their variant for
 * Kleym 0.12 bindings.
 */
#include "kf_conflicts.h"
#include "kf_sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A binding in one kind of conflict's sorted array. Once it fails, the
 * array is kept by the results and its message is made when written from
 * where its peers are (indexes into the array). */
typedef struct entry {
    kf_binding *b;
    uint32_t selector_class; /* of its pool (kf_pool): a pool index, below
                              * the item count (input offsets are 32-bit) */
    uint32_t self;         /* its own index */
    uint32_t start, end;   /* its run: [start, end) */
    uint32_t own_start, own_end; /* what is not its peer within the run */
} entry;

/* Two PerObjective bindings select the same workloads when their selector
 * sets are equal: k8s:ns, k8s:sa, k8s:container-name and the pool's
 * k8s:pod-label selectors, none of which can be mistaken for another (label
 * keys and values hold no ':'). So: the same namespace, service account,
 * container and pool label set (selector class). */
static int same_workloads(const entry *a, const entry *b)
{
    int c = strcmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = a->selector_class < b->selector_class ? -1
            : a->selector_class > b->selector_class;
    if (!c)
        c = strcmp(a->b->sa, b->b->sa);
    if (!c)
        c = strcmp(a->b->container, b->b->container);
    return c;
}

static int same_spiffe_id(const entry *a, const entry *b)
{
    return strcmp(a->b->spiffe_id, b->b->spiffe_id);
}

/* Kleym 0.12 bindings whose pods the variant label cannot tell apart. */
static int same_variant(const entry *a, const entry *b)
{
    int c = strcmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = strcmp(a->b->sa, b->b->sa);
    if (!c)
        c = strcmp(a->b->variant, b->b->variant);
    return c;
}

/* Entries by key, then by binding, for messages in a stable order: by
 * namespace and name, then where the binding is in the plan (two bindings
 * may share both), so no two entries compare equal. */
static int by_binding(const entry *a, const entry *b)
{
    int c = strcmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = strcmp(a->b->ref.name, b->b->ref.name);
    if (!c)
        c = a->b < b->b ? -1 : a->b > b->b;
    return c;
}

static int cmp_workloads(const void *pa, const void *pb)
{
    int c = same_workloads(pa, pb);
    return c ? c : by_binding(pa, pb);
}

static int cmp_spiffe_id(const void *pa, const void *pb)
{
    int c = same_spiffe_id(pa, pb);
    return c ? c : by_binding(pa, pb);
}

static int cmp_variant(const void *pa, const void *pb)
{
    int c = same_variant(pa, pb);
    if (!c)
        c = same_spiffe_id(pa, pb);
    return c ? c : by_binding(pa, pb);
}

/* The peers of failed entry e, as "ns/a (spiffe://...), ns/b (variant
 * decode, spiffe://...) and 3 more". */
static int peers(const entry *e, kf_buf *out)
{
    const entry *v = e - e->self;
    size_t named = 0, total = (e->end - e->start) - (e->own_end - e->own_start);
    /* before its own run, then after it: never walk the run itself, which
     * may be most of the group */
    const size_t parts[2][2] = {{e->start, e->own_start}, {e->own_end, e->end}};
    for (int part = 0; part < 2; part++) {
        for (size_t k = parts[part][0]; k < parts[part][1] &&
                                        named < KF_CONFLICT_PEERS_NAMED; k++) {
            const kf_binding *p = v[k].b;
            if (kf_buf_printf(out, "%s%s/%s (%s%s%s%s)", named ? ", " : "",
                              p->ref.namespace, p->ref.name,
                              p->variant ? "variant " : "",
                              p->variant ? p->variant : "", p->variant ? ", " : "",
                              p->spiffe_id) < 0)
                return -1;
            named++;
        }
    }
    if (total > named && kf_buf_printf(out, " and %zu more", total - named) < 0)
        return -1;
    return 0;
}

/* The messages, made when written (kf_result_text_fn) from a failed entry. */
static int collision_text(const void *arg, kf_buf *out)
{
    const entry *e = arg;
    return kf_buf_puts(out, "selects exactly the same workloads (namespace, pool "
                       "selector, service account and container) as ") < 0 ||
           peers(e, out) < 0 ||
           kf_buf_printf(out, ", so SPIRE would give those pods two identities; %s "
                         "is not rendered: give each objective its own service "
                         "account or container", e->b->spiffe_id) < 0
               ? -1 : 0;
}

static int duplicate_text(const void *arg, kf_buf *out)
{
    const entry *e = arg;
    return kf_buf_puts(out, "renders the same SPIFFE ID as ") < 0 || peers(e, out) < 0 ||
           kf_buf_printf(out, "; %s is not rendered: each SPIFFE ID must come from "
                         "one binding", e->b->spiffe_id) < 0
               ? -1 : 0;
}

static int variant_text(const void *arg, kf_buf *out)
{
    const entry *e = arg;
    const kf_binding *b = e->b;
    return kf_buf_printf(out, "shares variant %s and service account %s in namespace "
                         "%s with ", b->variant, b->sa, b->ref.namespace) < 0 ||
           peers(e, out) < 0 ||
           kf_buf_printf(out, ", bound to other pools: the Pod label "
                         KF_VARIANT_LABEL ": %s no longer tells their pods apart, so "
                         "SPIRE would give those pods two identities; %s is not "
                         "rendered: give each pool's workloads a variant (or service "
                         "account) of their own", b->variant, b->spiffe_id) < 0
               ? -1 : 0;
}

/* How one kind of conflict is found and told. */
typedef struct conflict {
    enum kf_reason reason;
    int (*cmp)(const void *, const void *);   /* sorts the entries */
    int (*run)(const entry *, const entry *); /* equal within a run */
    /* equal within a run but not conflicting (NULL: every other binding of
     * the run is a peer) */
    int (*harmless)(const entry *, const entry *);
    kf_result_text_fn message; /* of a failed entry */
} conflict;

/* Sort v, then fail every binding of a run that has a peer. The entries
 * were all taken before the first check, so a binding failed by one kind
 * of conflict still counts as a peer in the next. v[0..n) is given to the
 * results when a binding fails (its message reads it), else freed: *pv is
 * NULL after, either way. */
static int find(const conflict *k, entry **pv, size_t n, kf_results *rs)
{
    entry *v = *pv;
    *pv = NULL;
    if (n) {
        /* only what is kept: the array was sized for every binding */
        entry *fit = realloc(v, n * sizeof *v);
        v = fit ? fit : v;
        kf_sort(v, n, sizeof *v, k->cmp);
    }
    size_t failed = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i + 1;
        while (j < n && k->run(&v[j], &v[i]) == 0)
            j++;
        for (size_t s = i; s < j && rc == 0;) {
            /* v[s..t): the binding itself, or those it may share with */
            size_t t = s + 1;
            while (k->harmless && t < j && k->harmless(&v[t], &v[s]) == 0)
                t++;
            for (size_t m = s; m < t && (j - i) > (t - s); m++) {
                v[m].b->ok = false;
                size_t own_start = k->harmless ? s : m, own_end = k->harmless ? t : m + 1;
                v[m].self = (uint32_t)m;
                v[m].start = (uint32_t)i;
                v[m].end = (uint32_t)j;
                v[m].own_start = (uint32_t)own_start;
                v[m].own_end = (uint32_t)own_end;
                failed++;
                if (kf_results_add_text(rs, &v[m].b->ref, KF_SEV_ERROR, k->reason, NULL,
                                        k->message, &v[m]) < 0) {
                    rc = -1;
                    break;
                }
            }
            s = t;
        }
        i = j;
    }
    /* the results' messages read v from now on */
    if (failed && kf_results_keep(rs, v) < 0)
        rc = -1;
    if (!failed)
        free(v);
    return rc;
}

int kf_check_conflicts(kf_plan *plan, kf_results *rs)
{
    static const conflict collision = {KF_R_IDENTITY_COLLISION, cmp_workloads,
                                       same_workloads, NULL, collision_text};
    static const conflict duplicate = {KF_R_DUPLICATE_SPIFFE_ID, cmp_spiffe_id,
                                       same_spiffe_id, NULL, duplicate_text};
    static const conflict variant = {KF_R_VARIANT_CONFLICT, cmp_variant, same_variant,
                                     same_spiffe_id, variant_text};
    size_t n = plan->nbindings ? plan->nbindings : 1;
    entry *coll = malloc(n * sizeof *coll), *ids = malloc(n * sizeof *ids),
          *vars = malloc(n * sizeof *vars);
    int rc = -1;
    if (!coll || !ids || !vars)
        goto out;
    size_t nc = 0, ni = 0, nv = 0;
    for (size_t i = 0; i < plan->nbindings; i++) {
        kf_binding *b = &plan->bindings[i];
        if (!b->ok)
            continue;
        ids[ni++] = (entry){.b = b};
        /* what else must not be shared follows from the match key */
        switch (kf_dialect_of(b)->match) {
        case KF_MATCH_POOL:
            break; /* the SPIFFE ID names the pool: a duplicate at most */
        case KF_MATCH_CONTAINER:
            coll[nc++] = (entry){.b = b, .selector_class = (uint32_t)plan->pools[b->pool].selector_class};
            break;
        case KF_MATCH_VARIANT:
            vars[nv++] = (entry){.b = b};
            break;
        }
    }
    /* A pair with the same SPIFFE ID is a DuplicateSPIFFEID only: the
     * variant check treats equal IDs as harmless. */
    if (find(&collision, &coll, nc, rs) < 0 || find(&duplicate, &ids, ni, rs) < 0 ||
        find(&variant, &vars, nv, rs) < 0)
        goto out;
    rc = 0;
out:
    free(coll);
    free(ids);
    free(vars);
    return rc;
}
