/* conflicts_shared.c - rendered identities whose selectors nest
 * (kf_conflicts.h).
 *
 * When one rendered binding's workloadSelectorTemplates contain another's
 * (or equal them) and their SPIFFE IDs differ, every pod that attests with
 * the larger set matches the smaller one too, and SPIRE issues it both
 * SVIDs. Kleym renders both; so does kleym-fn, with a warning
 * Conflict/SharedSelectors on each, naming its peers (SPEC section 6).
 *
 * A binding's set is one k8s:ns, one k8s:sa and its elements: its pod
 * labels (the pool's, plus a 0.12 binding's variant label) and, in
 * PerObjective mode, its container. So A's set is within B's when both
 * have the same namespace and service account and each element of A is
 * one of B's. Each binding adds an entry for its whole set (marked full),
 * keyed by a hash of namespace, service account and the set's elements;
 * sorted, these keys say which subsets matter: then each binding adds one
 * entry per other non-empty subset of its elements whose key is some full
 * set's (a binary search; a subset that is nobody's set finds no peer).
 * Sorted by key, a run holds the bindings whose set is that subset (full)
 * and those whose set contains it: O(n 2^e log n) for e elements a
 * binding, never all pairs.
 * A run's entries are confirmed element by element against its first full
 * one, so a hash collision can only hide a pair, never invent one. A set
 * of more than SUBSET_ELEMENTS_MAX elements adds only itself and the sets
 * one element short of it (docs/design.md says so).
 */
#include "kf_conflicts.h"
#include "kf_dialect.h"
#include "kf_sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sets with more elements add their whole set and the sets that lack one
 * element; the full enumeration is 2^n entries. */
#define SUBSET_ELEMENTS_MAX 8

/* How a peer's set relates to the binding's own. */
enum relation { SAME, CONTAINS_OWN, WITHIN_OWN };

/* One rendered binding: its elements and the peers found so far. Once
 * warned, the nodes are kept by the results and its message is made from
 * it when written. */
typedef struct node {
    const kf_binding *b;
    uint32_t self;          /* its own index in nodes */
    uint32_t first, n;      /* its elements: elems[first .. first + n) */
    size_t npeers;          /* how many, all told */
    uint32_t peer[KF_CONFLICT_PEERS_NAMED]; /* the first by (namespace, name) */
    uint8_t rel[KF_CONFLICT_PEERS_NAMED];   /* enum relation, each */
    uint8_t named;
} node;

/* A subset of one node's elements. sel: with at most SUBSET_ELEMENTS_MAX
 * elements, the bits of those taken; with more, the one left out, or
 * UINT32_MAX for none. */
typedef struct entry {
    uint64_t key;
    uint32_t node, sel;
} entry;

/* The elements: pod labels (key, value) and a container (key NULL). */
typedef struct state {
    kf_label *elems;
    size_t nelems, cap_elems;
    node *nodes;
    size_t nnodes;
    entry *entries;
    size_t nentries, cap_entries;
} state;

static uint64_t mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

static uint64_t elem_hash(const kf_label *e)
{
    return mix(e->key ? kf_hash_str(kf_hash_str(KF_HASH_BASIS, e->key), e->value)
                      : kf_hash_str(KF_HASH_BASIS ^ 1, e->value));
}

/* The hash of node nd's namespace and service account (returned), of
 * each of its first 64 elements (h) and of all of them (*all): a subset's
 * key is mix(base + the sum of its elements' hashes). */
static uint64_t set_hashes(const state *st, const node *nd, uint64_t h[64], uint64_t *all)
{
    *all = 0;
    for (uint32_t i = 0; i < nd->n; i++) {
        uint64_t hi = elem_hash(&st->elems[nd->first + i]);
        *all += hi;
        if (i < 64)
            h[i] = hi;
    }
    return kf_hash_str(kf_hash_str(KF_HASH_BASIS, nd->b->ref.namespace), nd->b->sa);
}

static bool taken(const node *nd, uint32_t sel, uint32_t i)
{
    return nd->n <= SUBSET_ELEMENTS_MAX ? (sel >> i) & 1u : i != sel;
}

static bool is_full(const node *nd, uint32_t sel)
{
    return nd->n <= SUBSET_ELEMENTS_MAX ? sel == (1u << nd->n) - 1 : sel == UINT32_MAX;
}

static int add_entry(state *st, uint64_t key, uint32_t nd, uint32_t sel)
{
    if (kf_array_grow((void **)&st->entries, &st->cap_entries, st->nentries + 1,
                      sizeof *st->entries) < 0)
        return -1;
    st->entries[st->nentries++] = (entry){key, nd, sel};
    return 0;
}

/* The node of binding b, its elements, and the entry of its whole set. */
static int add_binding(state *st, const kf_plan *plan, const kf_binding *b)
{
    const kf_pool *p = &plan->pools[b->pool];
    size_t most = p->nlabels + 2;
    if (kf_array_grow((void **)&st->elems, &st->cap_elems, st->nelems + most,
                      sizeof *st->elems) < 0)
        return -1;
    kf_label *own = &st->elems[st->nelems];
    size_t n = kf_binding_pod_labels(b, p, own);
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_VARIANT: /* the variant is a pod label, among the labels */
        break;
    case KF_MATCH_CONTAINER:
        if (b->container)
            own[n++] = (kf_label){NULL, b->container};
        break;
    }
    uint32_t id = (uint32_t)st->nnodes;
    node *nd = &st->nodes[st->nnodes++];
    *nd = (node){.b = b, .self = id, .first = (uint32_t)st->nelems, .n = (uint32_t)n};
    st->nelems += n;
    if (n == 0) /* no element: no subset, no entry */
        return 0;
    uint64_t h[64], all;
    uint64_t base = set_hashes(st, nd, h, &all);
    uint32_t full = n <= SUBSET_ELEMENTS_MAX ? (1u << n) - 1 : UINT32_MAX;
    return add_entry(st, mix(base + all), id, full);
}

/* Whether key is the key of a full entry, among the sorted v[0..n): a
 * binary search without a branch on the comparison (a subset's key is as
 * likely to sort either way: a mispredicted branch a step). */
static bool has_key(const entry *v, size_t n, uint64_t key)
{
    if (n == 0)
        return false;
    while (n > 1) { /* the last entry <= key, if any, is in v[0..n) */
        size_t half = n / 2;
        v = v[half].key <= key ? v + half : v;
        n -= half;
    }
    return v->key == key;
}

/* An entry for each other subset of node id's elements whose key is that
 * of one of the sorted full entries entries[0..nfull). */
static int add_subsets(state *st, uint32_t id, size_t nfull)
{
    const node *nd = &st->nodes[id];
    uint32_t n = nd->n;
    if (n > 64) /* more labels than anyone writes: its whole set only */
        return 0;
    uint64_t h[64], all;
    uint64_t base = set_hashes(st, nd, h, &all);
    if (n <= SUBSET_ELEMENTS_MAX) {
        uint32_t full = (1u << n) - 1;
        for (uint32_t sel = (full - 1) & full; sel; sel = (sel - 1) & full) {
            uint64_t sum = 0;
            for (uint32_t i = 0; i < n; i++)
                if ((sel >> i) & 1u)
                    sum += h[i];
            uint64_t key = mix(base + sum);
            if (has_key(st->entries, nfull, key) && add_entry(st, key, id, sel) < 0)
                return -1;
        }
        return 0;
    }
    for (uint32_t skip = 0; skip < n; skip++) {
        uint64_t key = mix(base + all - h[skip]);
        if (has_key(st->entries, nfull, key) && add_entry(st, key, id, skip) < 0)
            return -1;
    }
    return 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return a->sel < b->sel ? -1 : a->sel > b->sel;
}

static int cmp_elem(const kf_label *a, const kf_label *b)
{
    if (!a->key || !b->key)
        return !a->key - !b->key;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->value, b->value);
}

/* Whether entry e's subset is exactly the set of full entry f. */
static bool same_set(const state *st, const entry *e, const entry *f)
{
    const node *ne = &st->nodes[e->node], *nf = &st->nodes[f->node];
    if (strcmp(ne->b->ref.namespace, nf->b->ref.namespace) != 0 ||
        strcmp(ne->b->sa, nf->b->sa) != 0)
        return false;
    uint32_t j = 0;
    for (uint32_t i = 0; i < ne->n; i++) {
        if (!taken(ne, e->sel, i))
            continue;
        if (j == nf->n ||
            cmp_elem(&st->elems[ne->first + i], &st->elems[nf->first + j]) != 0)
            return false;
        j++;
    }
    return j == nf->n;
}

/* Count peer of node nd, and name it when it is among the first. */
static void add_peer(node *nd, uint32_t peer, enum relation rel)
{
    nd->npeers++;
    uint8_t k = nd->named;
    if (k == KF_CONFLICT_PEERS_NAMED && peer > nd->peer[k - 1])
        return;
    if (k == KF_CONFLICT_PEERS_NAMED)
        k--;
    else
        nd->named++;
    for (; k > 0 && nd->peer[k - 1] > peer; k--) {
        nd->peer[k] = nd->peer[k - 1];
        nd->rel[k] = nd->rel[k - 1];
    }
    nd->peer[k] = peer;
    nd->rel[k] = (uint8_t)rel;
}

/* One run of equal keys, v[0..n): the members that hold the set of its
 * first full entry. A full member's peers are all other members; another
 * member's, the full ones. The first few of each, in binding order. */
static void walk_run(state *st, const entry *v, size_t n)
{
    if (n < 2) /* one member: no peer */
        return;
    const entry *f = NULL;
    for (size_t i = 0; i < n && !f; i++)
        if (is_full(&st->nodes[v[i].node], v[i].sel))
            f = &v[i];
    if (!f)
        return;
    /* the first members, and the first full members: names enough */
    uint32_t first[KF_CONFLICT_PEERS_NAMED + 1], first_full[KF_CONFLICT_PEERS_NAMED + 1];
    bool first_is_full[KF_CONFLICT_PEERS_NAMED + 1];
    size_t nfirst = 0, nfirst_full = 0, members = 0, fulls = 0;
    for (size_t i = 0; i < n; i++) {
        if (!same_set(st, &v[i], f))
            continue;
        bool full = is_full(&st->nodes[v[i].node], v[i].sel);
        members++;
        fulls += full;
        if (nfirst <= KF_CONFLICT_PEERS_NAMED) {
            first_is_full[nfirst] = full;
            first[nfirst++] = v[i].node;
        }
        if (full && nfirst_full <= KF_CONFLICT_PEERS_NAMED)
            first_full[nfirst_full++] = v[i].node;
    }
    if (members < 2)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!same_set(st, &v[i], f))
            continue;
        node *nd = &st->nodes[v[i].node];
        bool full = is_full(nd, v[i].sel);
        size_t named = nd->npeers;
        if (full) {
            for (size_t k = 0; k < nfirst; k++)
                if (first[k] != v[i].node)
                    add_peer(nd, first[k], first_is_full[k] ? SAME : CONTAINS_OWN);
            nd->npeers = named + members - 1;
        } else {
            for (size_t k = 0; k < nfirst_full; k++)
                add_peer(nd, first_full[k], WITHIN_OWN);
            nd->npeers = named + fulls;
        }
    }
}

/* The warning of node arg (kf_result_text_fn), made when written. */
static int warn_text(const void *arg, kf_buf *out)
{
    static const char *const how[] = {
        [SAME] = "the same selectors",
        [CONTAINS_OWN] = "a superset of these selectors",
        [WITHIN_OWN] = "a subset of these selectors",
    };
    const node *nd = arg, *nodes = nd - nd->self;
    if (kf_buf_printf(out, "the workload selectors of %s nest with those of ",
                      nd->b->spiffe_id) < 0)
        return -1;
    for (uint8_t k = 0; k < nd->named; k++) {
        const kf_binding *p = nodes[nd->peer[k]].b;
        if (kf_buf_printf(out, "%s%s/%s (%s%s%s%s; %s)", k ? ", " : "",
                          p->ref.namespace, p->ref.name, p->variant ? "variant " : "",
                          p->variant ? p->variant : "", p->variant ? ", " : "",
                          p->spiffe_id, how[nd->rel[k]]) < 0)
            return -1;
    }
    if (nd->npeers > nd->named &&
        kf_buf_printf(out, " and %zu more", nd->npeers - nd->named) < 0)
        return -1;
    return kf_buf_puts(out, ": a pod that attests with the larger set also matches "
                       "the smaller one, so SPIRE issues it both SVIDs; both still "
                       "render (Kleym renders them too): give each identity a service "
                       "account, container or variant of its own if each pod should "
                       "hold one");
}

int kf_check_shared_selectors(const kf_plan *plan, kf_results *rs)
{
    state st = {0};
    int rc = -1;
    /* a node for each binding that renders, none for the others (an
     * input of bindings that all fail holds no node) */
    size_t nok = 0;
    for (size_t i = 0; i < plan->nbindings; i++)
        nok += plan->bindings[i].ok;
    st.nodes = malloc((nok ? nok : 1) * sizeof *st.nodes);
    if (!st.nodes)
        goto out;
    for (size_t i = 0; i < plan->nbindings; i++)
        if (plan->bindings[i].ok && add_binding(&st, plan, &plan->bindings[i]) < 0)
            goto out;
    /* Only a subset that is some binding's whole set can find a peer (a
     * run without a full entry has none): the others are never stored.
     * On the benchmark list that is 1 entry a binding, not 2^e - 1. */
    size_t nfull = st.nentries;
    if (nfull > 1)
        kf_sort(st.entries, nfull, sizeof *st.entries, cmp_entry);
    for (uint32_t id = 0; id < st.nnodes; id++)
        if (add_subsets(&st, id, nfull) < 0)
            goto out;
    if (st.nentries > nfull)
        kf_sort(st.entries, st.nentries, sizeof *st.entries, cmp_entry);
    for (size_t i = 0; i < st.nentries;) {
        size_t j = i + 1;
        while (j < st.nentries && st.entries[j].key == st.entries[i].key)
            j++;
        walk_run(&st, &st.entries[i], j - i);
        i = j;
    }
    /* the peers are found: what found them goes before the results grow */
    free(st.entries);
    free(st.elems);
    st.entries = NULL;
    st.elems = NULL;
    bool warned = false, failed = false;
    for (size_t i = 0; i < st.nnodes && !failed; i++) {
        if (!st.nodes[i].npeers)
            continue;
        warned = true;
        failed = kf_results_add_text(rs, &st.nodes[i].b->ref, KF_SEV_WARNING,
                                     KF_R_SHARED_SELECTORS, NULL, warn_text,
                                     &st.nodes[i]) < 0;
    }
    /* the warnings' messages read the nodes from now on */
    if (warned) {
        node *nodes = st.nodes;
        st.nodes = NULL;
        failed |= kf_results_keep(rs, nodes) < 0;
    }
    if (failed)
        goto out;
    rc = 0;
out:
    free(st.elems);
    free(st.nodes);
    free(st.entries);
    return rc;
}
