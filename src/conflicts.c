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

/* A binding in one kind of conflict's sorted array, v[HEAD..HEAD+n);
 * v[0..HEAD) is the array's head: how many entries there are, and the
 * bounds last found (below). Once a binding fails, the array is kept by
 * the results and its message is made when written: its run and the part
 * of it that is not its peer are found again then, by binary search (16
 * bytes a binding, not 32 with the bounds held), or taken from the head
 * when the message made before was about the same run, as it mostly is
 * (messages are written in binding order, each twice: output and
 * stderr). */
typedef struct entry {
    kf_binding *b;
    uint32_t self;           /* its own index */
    uint32_t selector_class; /* of its pool (kf_pool): a pool index, below
                              * the item count (input offsets are 32-bit) */
} entry;

_Static_assert(sizeof(entry) <= 16, "a conflict entry is 16 bytes");

/* The head's entries: v[0].self is n; v[0].selector_class and v[1].self
 * the run last found, v[1].selector_class and v[2].self its own part (0
 * when none was). */
#define HEAD 3

/* Texts compared, the same pointer first: a SPIFFE ID is stored once for
 * all its bindings (resolve_refs.c) and the reader shares repeated short
 * strings, so equal texts are often one, and the searches that find a
 * message's peers compare many (conflict-heavy inputs). */
static int text_cmp(const char *a, const char *b)
{
    return a == b ? 0 : strcmp(a, b);
}

/* Two PerObjective bindings select the same workloads when their selector
 * sets are equal: k8s:ns, k8s:sa, k8s:container-name and the pool's
 * k8s:pod-label selectors, none of which can be mistaken for another (label
 * keys and values hold no ':'). So: the same namespace, service account,
 * container and pool label set (selector class). */
static int same_workloads(const entry *a, const entry *b)
{
    int c = text_cmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = a->selector_class < b->selector_class ? -1
            : a->selector_class > b->selector_class;
    if (!c)
        c = text_cmp(a->b->sa, b->b->sa);
    if (!c)
        c = text_cmp(a->b->container, b->b->container);
    return c;
}

static int same_spiffe_id(const entry *a, const entry *b)
{
    return text_cmp(a->b->spiffe_id, b->b->spiffe_id);
}

/* Kleym 0.12 bindings whose pods the variant label cannot tell apart. */
static int same_variant(const entry *a, const entry *b)
{
    int c = text_cmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = text_cmp(a->b->sa, b->b->sa);
    if (!c)
        c = text_cmp(a->b->variant, b->b->variant);
    return c;
}

/* Entries by key, then by binding, for messages in a stable order: by
 * namespace and name, then where the binding is in the plan (two bindings
 * may share both), so no two entries compare equal. */
static int by_binding(const entry *a, const entry *b)
{
    int c = text_cmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = text_cmp(a->b->ref.name, b->b->ref.name);
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

/* Where e's run (own false) or the part of it that is not its peer (own,
 * a kind with harmless peers) compares with v: the leading keys of the
 * sort order. */
static int key_cmp(const conflict *k, const entry *v, const entry *e, bool own)
{
    int c = k->run(v, e);
    if (!c && own)
        c = k->harmless(v, e);
    return c;
}

/* The first index of v[lo..hi) (sorted) whose key compares above e's
 * (above: true) or not below it. */
static size_t bound(const conflict *k, const entry *v, size_t lo, size_t hi,
                    const entry *e, bool own, bool above)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(k, &v[mid], e, own);
        if (above ? c <= 0 : c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The peers of failed entry e of kind k, as "ns/a (spiffe://...), ns/b
 * (variant decode, spiffe://...) and 3 more". */
static int peers(const conflict *k, const entry *e, kf_buf *out)
{
    /* the array is the results' (kf_results_keep()), not const: its head
     * remembers the bounds found last */
    entry *v = (entry *)(e - e->self);
    size_t n = HEAD + v[0].self, self = e->self;
    size_t start = v[0].selector_class, end = v[1].self;
    if (!(start <= self && self < end)) {
        start = bound(k, v, HEAD, self, e, false, false);
        end = bound(k, v, self + 1, n, e, false, true);
        v[0].selector_class = (uint32_t)start;
        v[1].self = (uint32_t)end;
    }
    size_t own_start = self, own_end = self + 1; /* without harmless peers */
    if (k->harmless) {
        own_start = v[1].selector_class;
        own_end = v[2].self;
        if (!(own_start <= self && self < own_end)) {
            own_start = bound(k, v, start, self, e, true, false);
            own_end = bound(k, v, self + 1, end, e, true, true);
            v[1].selector_class = (uint32_t)own_start;
            v[2].self = (uint32_t)own_end;
        }
    }
    size_t named = 0, total = (end - start) - (own_end - own_start);
    /* before its own run, then after it: never walk the run itself, which
     * may be most of the group */
    const size_t parts[2][2] = {{start, own_start}, {own_end, end}};
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

static const conflict collision, duplicate, variant;

/* The messages, made when written (kf_result_text_fn) from a failed entry. */
static int collision_text(const void *arg, kf_buf *out)
{
    const entry *e = arg;
    return kf_buf_puts(out, "selects exactly the same workloads (namespace, pool "
                       "selector, service account and container) as ") < 0 ||
           peers(&collision, e, out) < 0 ||
           kf_buf_printf(out, ", so SPIRE would give those pods two identities; %s "
                         "is not rendered: give each objective its own service "
                         "account or container", e->b->spiffe_id) < 0
               ? -1 : 0;
}

static int duplicate_text(const void *arg, kf_buf *out)
{
    const entry *e = arg;
    return kf_buf_puts(out, "renders the same SPIFFE ID as ") < 0 ||
           peers(&duplicate, e, out) < 0 ||
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
           peers(&variant, e, out) < 0 ||
           kf_buf_printf(out, ", bound to other pools: the Pod label "
                         KF_VARIANT_LABEL ": %s no longer tells their pods apart, so "
                         "SPIRE would give those pods two identities; %s is not "
                         "rendered: give each pool's workloads a variant (or service "
                         "account) of their own", b->variant, b->spiffe_id) < 0
               ? -1 : 0;
}

static const conflict collision = {KF_R_IDENTITY_COLLISION, cmp_workloads,
                                   same_workloads, NULL, collision_text};
static const conflict duplicate = {KF_R_DUPLICATE_SPIFFE_ID, cmp_spiffe_id,
                                   same_spiffe_id, NULL, duplicate_text};
/* A pair with the same SPIFFE ID is a DuplicateSPIFFEID only: the variant
 * check treats equal IDs as harmless. */
static const conflict variant = {KF_R_VARIANT_CONFLICT, cmp_variant, same_variant,
                                 same_spiffe_id, variant_text};

/* Sort v, then fail every binding of a run that has a peer. The entries
 * were all taken before the first check, so a binding failed by one kind
 * of conflict still counts as a peer in the next. v (its head and n
 * entries) is given to the results when a binding fails (its message
 * reads it), else freed: *pv is NULL after, either way. */
static int find(const conflict *k, entry **pv, size_t n, kf_results *rs)
{
    entry *v = *pv;
    *pv = NULL;
    /* only what is kept: the array was sized for every binding */
    entry *fit = realloc(v, (HEAD + n) * sizeof *v);
    v = fit ? fit : v;
    kf_sort(v + HEAD, n, sizeof *v, k->cmp);
    for (size_t h = 0; h < HEAD; h++)
        v[h] = (entry){.b = NULL};
    v[0].self = (uint32_t)n;
    for (size_t m = HEAD; m < HEAD + n; m++)
        v[m].self = (uint32_t)m;
    size_t failed = 0;
    int rc = 0;
    for (size_t i = HEAD; i < HEAD + n && rc == 0;) {
        size_t j = i + 1;
        while (j < HEAD + n && k->run(&v[j], &v[i]) == 0)
            j++;
        for (size_t s = i; s < j && rc == 0;) {
            /* v[s..t): the binding itself, or those it may share with */
            size_t t = s + 1;
            while (k->harmless && t < j && k->harmless(&v[t], &v[s]) == 0)
                t++;
            for (size_t m = s; m < t && (j - i) > (t - s); m++) {
                v[m].b->ok = false;
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
    size_t n = HEAD + plan->nbindings; /* a head, then the entries */
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
        ids[HEAD + ni++] = (entry){.b = b};
        /* what else must not be shared follows from the match key */
        switch (kf_dialect_of(b)->match) {
        case KF_MATCH_POOL:
            break; /* the SPIFFE ID names the pool: a duplicate at most */
        case KF_MATCH_CONTAINER:
            coll[HEAD + nc++] = (entry){.b = b, .selector_class = plan->pools[b->pool].selector_class};
            break;
        case KF_MATCH_VARIANT:
            vars[HEAD + nv++] = (entry){.b = b};
            break;
        }
    }
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
