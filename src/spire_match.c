/* spire_match.c - which pod templates each foreign ClusterSPIFFEID selects
 * (spire.h).
 *
 * SCM lists the namespaces a ClusterSPIFFEID's namespaceSelector selects
 * (without one, all), skips the ignored ones, and lists the pods its
 * podSelector selects there. Here the pods are the package's templates,
 * and no pair of (ClusterSPIFFEID, template) is ever tried blindly: each
 * ClusterSPIFFEID is hashed under one anchor that every pod it selects
 * must carry (a label key and value of its podSelector's matchLabels or an
 * In expression, else a label key it requires to exist, else a namespace
 * its namespaceSelector names by kubernetes.io/metadata.name); one that
 * has none (the chart's default, selecting every pod) is global. A
 * template then looks up its own labels and namespace, and only those
 * candidates and the global ones are evaluated in full.
 *
 * SCM applies non-fallback ClusterSPIFFEIDs first; a fallback one skips a
 * pod that already received a non-fallback entry (a rendered binding's
 * identity counts). Such a grant is kept, masked: it is what
 * FallbackReplaced reports.
 */
#include <stdlib.h>
#include <string.h>

#include "kf_identity.h"
#include "spire.h"

/* ---- evaluating a selector ------------------------------------------------ */

/* Foreign ClusterSPIFFEID f's pod requirements, then its namespace ones
 * (NULL when no selector in the input has any). */
static const kf_req *pod_reqs(const kf_spire_state *st, const kf_foreign *f)
{
    return st->reqs ? st->reqs + f->first_req : NULL;
}

static const kf_req *ns_reqs(const kf_spire_state *st, const kf_foreign *f)
{
    return st->reqs ? st->reqs + f->first_req + f->npod : NULL;
}

/* Template t's labels, sorted by key (NULL when no template has any). */
static const kf_label *tpl_labels(const kf_workloads *w, const kf_template *t)
{
    return w->labels ? w->labels + t->first_label : NULL;
}

static const kf_label *label_of(const kf_label *labels, size_t n, const char *key)
{
    kf_label k = {key, ""};
    return n ? bsearch(&k, labels, n, sizeof *labels, kf_label_cmp) : NULL;
}

static bool in_values(const kf_spire_state *st, const kf_req *q, const char *v)
{
    for (uint32_t i = 0; i < q->nvalues; i++)
        if (strcmp(st->values[q->first_value + i], v) == 0)
            return true;
    return false;
}

bool kf_selector_matches(const kf_spire_state *st, const kf_req *reqs, size_t n,
                         const kf_label *labels, size_t nlabels)
{
    for (size_t i = 0; i < n; i++) {
        const kf_req *q = &reqs[i];
        const kf_label *l = label_of(labels, nlabels, q->key);
        bool ok;
        switch ((enum kf_op)q->op) {
        case KF_OP_IN:
            ok = l && in_values(st, q, l->value);
            break;
        case KF_OP_NOT_IN:
            ok = !l || !in_values(st, q, l->value);
            break;
        case KF_OP_EXISTS:
            ok = l != NULL;
            break;
        default:
            ok = l == NULL;
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Whether foreign f's namespaceSelector selects namespace ns; *assumed
 * when the input has no such Namespace and the selector reads a label
 * other than its name. */
static bool selects_namespace(const kf_spire *sp, const kf_foreign *f, const char *ns,
                              bool *assumed)
{
    const kf_spire_state *st = sp->st;
    const kf_req *reqs = ns_reqs(st, f);
    *assumed = false;
    if (!f->nns)
        return true;
    const kf_ns *n = kf_spire_ns(st, ns);
    if (n)
        return kf_selector_matches(st, reqs, f->nns,
                                   st->ns_labels ? st->ns_labels + n->first_label : NULL,
                                   n->nlabels);
    for (uint32_t i = 0; i < f->nns; i++)
        *assumed |= strcmp(reqs[i].key, NS_NAME_LABEL) != 0;
    kf_label only = {NS_NAME_LABEL, ns};
    return kf_selector_matches(st, reqs, f->nns, &only, 1);
}

/* Whether foreign f's namespaceSelector, which does not select namespace
 * ns, might with the labels of its Namespace: the input holds none, the
 * requirements on the name hold, so one on another label fails. */
static bool unseen_namespace(const kf_spire *sp, const kf_foreign *f, const char *ns)
{
    const kf_spire_state *st = sp->st;
    const kf_req *reqs = ns_reqs(st, f);
    if (kf_spire_ns(st, ns))
        return false;
    kf_label only = {NS_NAME_LABEL, ns};
    for (uint32_t i = 0; i < f->nns; i++)
        if (strcmp(reqs[i].key, NS_NAME_LABEL) == 0 &&
            !kf_selector_matches(st, &reqs[i], 1, &only, 1))
            return false;
    return true;
}

/* ---- the anchors ------------------------------------------------------------ */

/* One anchor: a label (key, value), a label key (value NULL), or a
 * namespace (key NULL). */
typedef struct anchor {
    const char *key, *value;
    uint32_t foreign, next;
} anchor;

typedef struct anchors {
    anchor *v;
    size_t n, cap;
    uint32_t *head;       /* buckets: first anchor, or UINT32_MAX */
    size_t nbuckets;
    uint32_t *global;     /* foreign ClusterSPIFFEIDs without an anchor */
    size_t nglobal;
} anchors;

static size_t bucket(const anchors *a, const char *key, const char *value)
{
    uint64_t h = kf_hash_str(KF_HASH_BASIS, key ? key : "\x01");
    h = kf_hash_str(h, value ? value : "\x02");
    return (size_t)(h & (a->nbuckets - 1));
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int add_anchor(anchors *a, const char *key, const char *value, uint32_t f)
{
    if (kf_array_grow((void **)&a->v, &a->cap, a->n + 1, sizeof *a->v) < 0)
        return -1;
    a->v[a->n++] = (anchor){key, value, f, UINT32_MAX};
    return 0;
}

/* Each reconciled, readable foreign ClusterSPIFFEID under its anchor. */
static int build_anchors(anchors *a, const kf_spire *sp)
{
    const kf_spire_state *st = sp->st;
    a->global = malloc((sp->nforeign ? sp->nforeign : 1) * sizeof *a->global);
    if (!a->global)
        return -1;
    for (size_t i = 0; i < sp->nforeign; i++) {
        const kf_foreign *f = &sp->foreign[i];
        if (!f->readable || !f->reconciled)
            continue;
        const kf_req *pod = pod_reqs(st, f), *ns = ns_reqs(st, f);
        const kf_req *in = NULL, *exists = NULL, *named = NULL;
        for (uint32_t k = 0; k < f->npod; k++) {
            if (!in && pod[k].op == KF_OP_IN)
                in = &pod[k];
            if (!exists && pod[k].op == KF_OP_EXISTS)
                exists = &pod[k];
        }
        for (uint32_t k = 0; k < f->nns && !named; k++)
            if (ns[k].op == KF_OP_IN && strcmp(ns[k].key, NS_NAME_LABEL) == 0)
                named = &ns[k];
        const kf_req *q = in ? in : exists ? exists : named;
        if (!q) {
            a->global[a->nglobal++] = (uint32_t)i;
            continue;
        }
        if (q == exists && add_anchor(a, q->key, NULL, (uint32_t)i) < 0)
            return -1;
        for (uint32_t k = 0; q != exists && k < q->nvalues; k++)
            if (add_anchor(a, q == named ? NULL : q->key, st->values[q->first_value + k],
                           (uint32_t)i) < 0)
                return -1;
    }
    a->nbuckets = 16;
    while (a->nbuckets < 2 * a->n)
        a->nbuckets *= 2;
    a->head = malloc(a->nbuckets * sizeof *a->head);
    if (!a->head)
        return -1;
    memset(a->head, 0xff, a->nbuckets * sizeof *a->head);
    for (size_t i = 0; i < a->n; i++) {
        size_t b = bucket(a, a->v[i].key, a->v[i].value);
        a->v[i].next = a->head[b];
        a->head[b] = (uint32_t)i;
    }
    return 0;
}

static void anchors_free(anchors *a)
{
    free(a->v);
    free(a->head);
    free(a->global);
}

/* Append the foreign ClusterSPIFFEIDs anchored at (key, value) to out. */
static int lookup(const anchors *a, const char *key, const char *value, uint32_t **out,
                  size_t *n, size_t *cap)
{
    for (uint32_t i = a->head[bucket(a, key, value)]; i != UINT32_MAX; i = a->v[i].next) {
        const anchor *x = &a->v[i];
        if (!same(x->key, key) || !same(x->value, value))
            continue;
        if (kf_array_grow((void **)out, cap, *n + 1, sizeof **out) < 0)
            return -1;
        (*out)[(*n)++] = x->foreign;
    }
    return 0;
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* ---- the grants ------------------------------------------------------------- */

static int add_grant(kf_spire *sp, kf_grant g)
{
    if (kf_array_grow((void **)&sp->grants, &sp->grants_cap, sp->ngrants + 1,
                      sizeof *sp->grants) < 0)
        return -1;
    sp->grants[sp->ngrants++] = g;
    return 0;
}

/* Template t's candidates: the foreign ClusterSPIFFEIDs anchored at one
 * of its labels or its namespace, and the global ones; sorted. */
static int candidates(const anchors *a, const kf_workloads *w, const kf_template *t,
                      uint32_t **out, size_t *n, size_t *cap)
{
    *n = 0;
    const kf_label *labels = tpl_labels(w, t);
    for (uint16_t l = 0; l < t->nlabels; l++)
        if (lookup(a, labels[l].key, labels[l].value, out, n, cap) < 0 ||
            lookup(a, labels[l].key, NULL, out, n, cap) < 0)
            return -1;
    if (lookup(a, NULL, t->ref.namespace, out, n, cap) < 0 ||
        kf_array_grow((void **)out, cap, *n + a->nglobal + 1, sizeof **out) < 0)
        return -1;
    memcpy(*out + *n, a->global, a->nglobal * sizeof **out);
    *n += a->nglobal;
    qsort(*out, *n, sizeof **out, cmp_u32);
    return 0;
}

int kf_spire_match(kf_spire *sp, const kf_workloads *w, const uint32_t *kleym_tpl)
{
    anchors a;
    memset(&a, 0, sizeof a);
    uint32_t *cand = NULL;
    size_t ncand = 0, cand_cap = 0;
    int rc = -1;
    if (build_anchors(&a, sp) < 0)
        goto out;
    for (size_t t = 0; t < w->ntpls; t++) {
        const kf_template *tp = &w->tpls[t];
        if (!tp->readable || !tp->ref.namespace[0] ||
            kf_spire_ignoring(sp->st, tp->ref.namespace) >= 0)
            continue;
        if (candidates(&a, w, tp, &cand, &ncand, &cand_cap) < 0)
            goto out;
        size_t first = sp->ngrants;
        bool reached = kleym_tpl && kleym_tpl[t];
        for (size_t k = 0; k < ncand; k++) {
            kf_foreign *f = &sp->foreign[cand[k]];
            bool assumed;
            if (!kf_selector_matches(sp->st, pod_reqs(sp->st, f), f->npod,
                                     tpl_labels(w, tp), tp->nlabels))
                continue;
            if (!selects_namespace(sp, f, tp->ref.namespace, &assumed)) {
                /* not checked for want of a Namespace: said once (spire_check.c) */
                if (kleym_tpl && kleym_tpl[t] && unseen_namespace(sp, f, tp->ref.namespace) &&
                    !f->nunseen++)
                    f->unseen_tpl = (uint32_t)t;
                continue;
            }
            reached |= !f->fallback;
            if (add_grant(sp, (kf_grant){(uint32_t)t, cand[k], false, assumed}) < 0)
                goto out;
        }
        for (size_t g = first; g < sp->ngrants; g++)
            sp->grants[g].masked = reached && sp->foreign[sp->grants[g].foreign].fallback;
    }
    rc = 0;
out:
    anchors_free(&a);
    free(cand);
    return rc;
}

size_t kf_spire_grants_of(const kf_spire *sp, uint32_t tpl, size_t *first)
{
    return kf_u32_run(sp->grants, sp->ngrants, sizeof *sp->grants, tpl, first);
}
