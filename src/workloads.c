/* workloads.c - who receives each identity (kf_workloads.h).
 *
 * The pod templates read (workload_templates.c), then three steps, each by
 * sorting:
 *   1. a sorted (namespace, label) index of the readable templates;
 *   2. for each pool that a rendered binding uses, the templates of its
 *      namespace that carry all its labels: the smallest index run among
 *      the pool's labels, each candidate checked against the rest; sorted
 *      by (service account, variant), and, when a binding matched by
 *      container (PerObjective) uses the pool, their containers by
 *      (service account, container);
 *   3. for each binding, binary searches there on what its match key
 *      (kf_dialect.h) adds to the service account: its receivers, or the
 *      closest near miss.
 * Then MultipleIdentities (workload_multiple.c).
 */
#include "kf_workloads.h"

#include <stdlib.h>
#include <string.h>

#include "kf_view.h"
#include "kf_sort.h"
#include "workload.h"

/* ---- 2. candidates: the templates that carry a pool's labels ------------- */

/* An entry of the (namespace, label) index. hash: of the three texts,
 * compared first: the index is sorted and searched by it, so a step of a
 * binary search rarely reads a text (each a cache miss wherever the pool
 * holds it). Equal labels have equal hashes, so a label's entries are
 * still one run, by template. In the struct's padding: no larger. */
typedef struct labelkey {
    const char *ns, *key, *value;
    uint32_t tpl, hash;
} labelkey;

static labelkey label_key(const char *ns, const char *key, const char *value, uint32_t tpl)
{
    uint64_t hns = kf_hash_str(KF_HASH_BASIS, ns),
             h = kf_hash_str(kf_hash_str(hns, key), value);
    return (labelkey){ns, key, value, tpl,
                      ((uint32_t)(hns >> 32) & 0xffff0000u) | ((uint32_t)h & 0xffffu)};
}

/* The run [*lo, *hi) of the sorted v[0..n) (elements of size bytes) that
 * key matches: match(key, element) is < 0, 0 or > 0 as key sorts before
 * the element, with it or after it. */
static void equal_range(const void *v, size_t n, size_t size, const void *key,
                        int (*match)(const void *key, const void *element), size_t *lo,
                        size_t *hi)
{
    const char *base = v;
    size_t a = 0, b = n;
    while (a < b) { /* the first element key does not sort after */
        size_t m = a + (b - a) / 2;
        if (match(key, base + m * size) > 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    for (b = n; a < b;) { /* the first element key sorts before */
        size_t m = a + (b - a) / 2;
        if (match(key, base + m * size) >= 0)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

/* A labelkey by its label: its hash, then (ns, key, value), whatever the
 * template. */
static int match_label(const void *pk, const void *pe)
{
    const labelkey *k = pk, *e = pe;
    if (k->hash != e->hash)
        return k->hash < e->hash ? -1 : 1;
    int c = strcmp(k->ns, e->ns);
    if (!c)
        c = strcmp(k->key, e->key);
    if (!c)
        c = strcmp(k->value, e->value);
    return c;
}

static int cmp_labelkey(const void *pa, const void *pb)
{
    const labelkey *a = pa, *b = pb;
    int c = match_label(a, b);
    if (!c)
        c = a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
    return c;
}

/* Template t's own label of l's key, or NULL. */
static const kf_label *label_of(const kf_workloads *w, const kf_template *t,
                                const kf_label *l)
{
    if (!t->nlabels)
        return NULL;
    const kf_label *labels = w->labels + t->first_label;
    return bsearch(l, labels, t->nlabels, sizeof *labels, kf_label_cmp);
}

/* The value in the index of a controller-set label whose value is not one
 * known one (a hash, an index): no label value holds \x01. */
static const char CTRL_VALUE[] = "\x01";

static kf_ctrl_workload ctrl_workload(const kf_template *t)
{
    return (kf_ctrl_workload){t->ref.kind, t->ref.name, t->slot, t->has_leader, t->replicas,
                              t->size};
}

/* Whether the pods of t carry label l: the template's own labels, or the
 * controller's (SPEC section 11), which may narrow the pods (*pods). */
static bool carries(const kf_workloads *w, const kf_template *t, const kf_label *l,
                    kf_ctrl_pods *pods)
{
    const kf_label *own = label_of(w, t, l);
    if (own) /* its own value, even of a key a controller sets */
        return strcmp(own->value, l->value) == 0;
    const kf_ctrl_label *row = kf_ctrl_find(t->ref.kind, l->key);
    if (!row)
        return false;
    kf_ctrl_workload wl = ctrl_workload(t);
    return kf_ctrl_matches(row, &wl, l->value, pods);
}

/* A template of a pool's candidates, by service account and variant; or
 * one of its containers, by service account and container name. */
typedef struct cand {
    const char *sa, *second;  /* its variant ("" when none), or a container */
    uint32_t tpl;
    uint16_t container;
    kf_ctrl_pods pods;        /* the pods of the template that carry the
                               * pool's labels */
} cand;

/* A cand by its service account and, unless the key's is NULL, its
 * second. */
static int match_cand(const void *pk, const void *pe)
{
    const cand *k = pk, *e = pe;
    int c = strcmp(k->sa, e->sa);
    if (!c && k->second)
        c = strcmp(k->second, e->second);
    return c;
}

static int cmp_cand(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    int c = match_cand(a, b);
    if (!c)
        c = a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
    if (!c)
        c = a->container < b->container ? -1 : a->container > b->container;
    return c;
}

/* The run of v[0..n) whose sa (and second, unless NULL) equal these. */
static void cand_run(const cand *v, size_t n, const char *sa, const char *second,
                     size_t *lo, size_t *hi)
{
    cand key = {sa, second, 0, 0, {0, 0, 0}};
    equal_range(v, n, sizeof *v, &key, match_cand, lo, hi);
}

/* A candidate by its marker first (its variant, or a container's name),
 * then its service account: the templates a binding was meant for,
 * whatever they run as (SPEC section 11's intended templates). Kept in the
 * shape of a cand's first two fields, so cand_run() finds a marker's run. */
typedef struct mark {
    const char *marker, *sa;
    uint32_t tpl;
} mark;

static int cmp_mark(const void *pa, const void *pb)
{
    const mark *a = pa, *b = pb;
    int c = strcmp(a->marker, b->marker);
    if (!c)
        c = strcmp(a->sa, b->sa);
    return c ? c : a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
}

/* A mark by its marker alone. */
static int match_mark(const void *pk, const void *pe)
{
    const mark *k = pk, *e = pe;
    return strcmp(k->marker, e->marker);
}

static void mark_run(const mark *v, size_t n, const char *marker, size_t *lo, size_t *hi)
{
    mark key = {marker, "", 0};
    equal_range(v, n, sizeof *v, &key, match_mark, lo, hi);
}

/* Per pool that a rendered binding uses: its candidate templates (by
 * service account and variant) and their containers (by service account
 * and name), as runs of two arrays; and, made for a pool when a binding of
 * it first misses, the same by marker (tmarks, cmarks: runs parallel to
 * tpls' and conts'), so a package where every identity lands pays nothing
 * for them. */
typedef struct pools_index {
    cand *tpls, *conts;
    mark *tmarks, *cmarks;     /* allocated at the first miss */
    size_t ntpls, nconts, tpls_cap, conts_cap;
    uint32_t *tpl_first, *tpl_n, *cont_first, *cont_n; /* per pool */
    uint8_t *marked;           /* per pool: MARKED_* made */
} pools_index;

/* What bindings use a pool: */
enum { USE_ANY = 1, USE_CONTAINERS = 2 };
enum { MARKED_TPLS = 1, MARKED_CONTS = 2 };

/* Pool p's runs by marker: its templates by variant (conts: its
 * containers by name), made once. */
static int pool_marks(pools_index *pi, size_t pool, bool conts)
{
    uint8_t bit = conts ? MARKED_CONTS : MARKED_TPLS;
    size_t n = conts ? pi->cont_n[pool] : pi->tpl_n[pool];
    if ((pi->marked[pool] & bit) || n == 0) /* no candidate: no run */
        return 0;
    mark **v = conts ? &pi->cmarks : &pi->tmarks;
    size_t total = conts ? pi->nconts : pi->ntpls;
    if (!*v && !(*v = malloc((total ? total : 1) * sizeof **v)))
        return -1;
    const cand *from = conts ? pi->conts + pi->cont_first[pool] : pi->tpls + pi->tpl_first[pool];
    mark *to = *v + (conts ? pi->cont_first[pool] : pi->tpl_first[pool]);
    for (size_t k = 0; k < n; k++)
        to[k] = (mark){from[k].second, from[k].sa, from[k].tpl};
    if (n > 1)
        qsort(to, n, sizeof *to, cmp_mark);
    pi->marked[pool] |= bit;
    return 0;
}

/* The templates of namespace ns that carry all of p's labels, each once,
 * with the pods that do: each() is called for every one. Taken from the
 * smallest index run among the pool's labels (the label itself, and the
 * templates whose controller sets that key), each checked for the rest. */
typedef int (*each_fn)(void *ctx, uint32_t tpl, const kf_ctrl_pods *pods);
static int carriers(const kf_workloads *w, const labelkey *idx, size_t nidx,
                    const char *ns, const kf_pool *p, each_fn each, void *ctx)
{
    size_t lo[2] = {0, 0}, hi[2] = {0, 0}, best = SIZE_MAX;
    for (size_t i = 0; i < p->nlabels; i++) {
        size_t a[2], b[2];
        labelkey key = label_key(ns, p->labels[i].key, p->labels[i].value, 0);
        equal_range(idx, nidx, sizeof *idx, &key, match_label, &a[0], &b[0]);
        key = label_key(ns, p->labels[i].key, CTRL_VALUE, 0);
        equal_range(idx, nidx, sizeof *idx, &key, match_label, &a[1], &b[1]);
        if ((b[0] - a[0]) + (b[1] - a[1]) < best) {
            best = (b[0] - a[0]) + (b[1] - a[1]);
            memcpy(lo, a, sizeof lo);
            memcpy(hi, b, sizeof hi);
        }
    }
    for (int run = 0; run < 2; run++)
        for (size_t k = lo[run]; k < hi[run]; k++) {
            const kf_template *t = &w->tpls[idx[k].tpl];
            kf_ctrl_pods pods = {.some = KF_PODS_ALL};
            bool all = true;
            for (size_t i = 0; i < p->nlabels && all; i++)
                all = carries(w, t, &p->labels[i], &pods);
            if (all && each(ctx, idx[k].tpl, &pods) < 0)
                return -1;
        }
    return 0;
}

typedef struct pool_ctx {
    pools_index *pi;
    const kf_workloads *w;
    unsigned use;             /* USE_* */
} pool_ctx;

static int add_candidate(void *vc, uint32_t tpl, const kf_ctrl_pods *pods)
{
    pool_ctx *c = vc;
    pools_index *pi = c->pi;
    const kf_template *t = &c->w->tpls[tpl];
    bool conts = c->use & USE_CONTAINERS;
    if (kf_array_grow((void **)&pi->tpls, &pi->tpls_cap, pi->ntpls + 1,
                      sizeof *pi->tpls) < 0 ||
        (conts && kf_array_grow((void **)&pi->conts, &pi->conts_cap,
                                pi->nconts + t->ncontainers, sizeof *pi->conts) < 0))
        return -1;
    pi->tpls[pi->ntpls++] = (cand){t->sa, t->variant ? t->variant : "", tpl, 0, *pods};
    for (uint16_t k = 0; conts && k < t->ncontainers; k++)
        pi->conts[pi->nconts++] = (cand){t->sa, c->w->names[t->first_name + k], tpl, k, *pods};
    return 0;
}

/* Pool p's candidates; use: the bindings that use it (USE_CONTAINERS: a
 * PerObjective one, so its candidates' containers are indexed too). */
static int index_pool(pools_index *pi, const kf_workloads *w, const labelkey *idx,
                      size_t nidx, const kf_pool *p, size_t pool, unsigned use)
{
    pi->tpl_first[pool] = (uint32_t)pi->ntpls;
    pi->cont_first[pool] = (uint32_t)pi->nconts;
    pool_ctx ctx = {pi, w, use};
    if (carriers(w, idx, nidx, p->ns, p, add_candidate, &ctx) < 0)
        return -1;
    pi->tpl_n[pool] = (uint32_t)(pi->ntpls - pi->tpl_first[pool]);
    pi->cont_n[pool] = (uint32_t)(pi->nconts - pi->cont_first[pool]);
    if (pi->tpl_n[pool] > 1)
        qsort(pi->tpls + pi->tpl_first[pool], pi->tpl_n[pool], sizeof *pi->tpls, cmp_cand);
    if (pi->cont_n[pool] > 1)
        qsort(pi->conts + pi->cont_first[pool], pi->cont_n[pool], sizeof *pi->conts,
              cmp_cand);
    return 0;
}

/* Namespace-less templates that carry a pool's labels, for NoMatchingWorkload. */
typedef struct nsless_ctx {
    uint32_t tpls[KF_WORKLOADS_NAMED];
    size_t n, total;
} nsless_ctx;

static int add_nsless(void *vc, uint32_t tpl, const kf_ctrl_pods *pods)
{
    (void)pods;
    nsless_ctx *c = vc;
    if (c->n < KF_WORKLOADS_NAMED)
        c->tpls[c->n++] = tpl;
    c->total++;
    return 0;
}

static void pools_index_free(pools_index *pi)
{
    free(pi->tpls);
    free(pi->conts);
    free(pi->tmarks);
    free(pi->cmarks);
    free(pi->marked);
    free(pi->tpl_first);
    free(pi->tpl_n);
    free(pi->cont_first);
    free(pi->cont_n);
}

/* ---- 3. receivers and near misses ---------------------------------------- */

static int add_receiver(kf_workloads *w, uint32_t tpl, uint16_t container,
                        const kf_ctrl_pods *pods)
{
    if (kf_array_grow((void **)&w->recv, &w->recv_cap, w->nrecv + 1,
                      sizeof *w->recv) < 0)
        return -1;
    w->recv[w->nrecv++] = (kf_receiver){tpl, container, *pods};
    return 0;
}

/* Binding i's receivers, or its closest near miss (SPEC section 11). */
static int match_binding(kf_workloads *w, pools_index *pi, const kf_plan *plan,
                         size_t i, const kf_finding_ctx *fc, const labelkey *idx,
                         size_t nidx)
{
    const kf_binding *b = &plan->bindings[i];
    size_t ntpls = pi->tpl_n[b->pool];
    const cand *tpls = ntpls ? pi->tpls + pi->tpl_first[b->pool] : NULL;
    size_t lo, hi;
    cand_run(tpls, ntpls, b->sa, NULL, &lo, &hi); /* its service account */
    w->recv_first[i] = (uint32_t)w->nrecv;
    /* its match key: which of them, and the miss when none runs as the
     * binding's service account and carries its marker */
    size_t vlo = lo, vhi = hi, nconts = 0, clo = 0, chi = 0;
    const cand *conts = NULL;
    enum kf_reason marker_missing = KF_R_COUNT; /* none: no marker */
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
        break;
    case KF_MATCH_CONTAINER:
        nconts = pi->cont_n[b->pool];
        conts = nconts ? pi->conts + pi->cont_first[b->pool] : NULL;
        cand_run(conts, nconts, b->sa, b->container, &clo, &chi);
        vlo = vhi = 0;
        marker_missing = KF_R_CONTAINER_NOT_FOUND;
        break;
    case KF_MATCH_VARIANT:
        cand_run(tpls, ntpls, b->sa, b->variant, &vlo, &vhi);
        marker_missing = KF_R_VARIANT_LABEL_MISSING;
        break;
    }
    for (size_t k = clo; k < chi; k++)
        if ((k == clo || conts[k].tpl != conts[k - 1].tpl) &&
            add_receiver(w, conts[k].tpl, conts[k].container, &conts[k].pods) < 0)
            return -1;
    for (size_t k = vlo; k < vhi; k++)
        if (add_receiver(w, tpls[k].tpl, KF_ALL_CONTAINERS, &tpls[k].pods) < 0)
            return -1;
    w->recv_count[i] = (uint32_t)(w->nrecv - w->recv_first[i]);
    /* A package of identities without workloads is normal: no finding. */
    if (w->recv_count[i] ||
        !kf_namespaces_has(fc->nss->all, fc->nss->nall, b->ref.namespace))
        return 0;
    /* No template receives it: the first row of SPEC section 11's table
     * that applies. The intended templates carry the binding's marker (the
     * variant, a container of its name; every candidate for PoolOnly). */
    uint32_t named[KF_WORKLOADS_NAMED];
    size_t n = 0, total = 0;
    enum kf_reason reason;
    bool intended = false;
    const mark *marks = NULL;
    size_t mlo = 0, mhi = 0;
    enum kf_match match = kf_dialect_of(b)->match;
    if (match == KF_MATCH_CONTAINER) {
        if (pool_marks(pi, b->pool, true) < 0)
            return -1;
        marks = nconts ? pi->cmarks + pi->cont_first[b->pool] : NULL;
        mark_run(marks, nconts, b->container, &mlo, &mhi);
    } else if (match == KF_MATCH_VARIANT) {
        if (pool_marks(pi, b->pool, false) < 0)
            return -1;
        marks = ntpls ? pi->tmarks + pi->tpl_first[b->pool] : NULL;
        mark_run(marks, ntpls, b->variant, &mlo, &mhi);
    }
    size_t flo = 0, fhi = 0; /* a run of tpls, when not of marks */
    if (mlo < mhi || (match == KF_MATCH_POOL && ntpls > 0)) {
        reason = KF_R_SERVICE_ACCOUNT_MISMATCH, intended = true, fhi = ntpls;
    } else if (lo < hi && marker_missing != KF_R_COUNT) {
        reason = marker_missing, flo = lo, fhi = hi;
    } else if (ntpls > 0) {
        reason = KF_R_SERVICE_ACCOUNT_MISMATCH, fhi = ntpls;
    } else {
        reason = KF_R_NO_MATCHING_WORKLOAD;
    }
    /* each template once (a template may have two containers of a name) */
    bool by_mark = mlo < mhi;
    size_t from = by_mark ? mlo : flo, to = by_mark ? mhi : fhi;
    for (size_t k = from; k < to; k++) {
        uint32_t tpl = by_mark ? marks[k].tpl : tpls[k].tpl;
        if (k > from && tpl == (by_mark ? marks[k - 1].tpl : tpls[k - 1].tpl))
            continue;
        if (n < KF_WORKLOADS_NAMED)
            named[n++] = tpl;
        total++;
    }
    /* no candidate: the namespace-less ones would be, once it is set */
    nsless_ctx nsl = {{0}, 0, 0};
    if (reason == KF_R_NO_MATCHING_WORKLOAD && fc->nss->nnsless &&
        carriers(w, idx, nidx, "", &plan->pools[b->pool], add_nsless, &nsl) < 0)
        return -1;
    kf_nsless_carriers carriers_of = {nsl.tpls, nsl.n, nsl.total};
    kf_miss miss = {reason, intended, named, n, total, &carriers_of};
    return kf_finding_miss(fc, b, &miss);
}

/* ---- the check ------------------------------------------------------------ */

/* The readable templates of namespaces that have workloads, by
 * (namespace, input order): NoMatchingWorkload names a namespace's. */
typedef struct nskey {
    const char *ns;
    uint32_t tpl;
} nskey;

static int cmp_nskey(const void *pa, const void *pb)
{
    const nskey *a = pa, *b = pb;
    int c = strcmp(a->ns, b->ns);
    return c ? c : a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
}

static uint32_t *templates_by_ns(const kf_workloads *w, size_t *n)
{
    nskey *v = malloc((w->ntpls ? w->ntpls : 1) * sizeof *v);
    uint32_t *out = malloc((w->ntpls ? w->ntpls : 1) * sizeof *out);
    *n = 0;
    if (!v || !out) {
        free(v);
        free(out);
        return NULL;
    }
    for (size_t t = 0; t < w->ntpls; t++)
        if (w->tpls[t].readable && w->tpls[t].ref.namespace[0])
            v[(*n)++] = (nskey){w->tpls[t].ref.namespace, (uint32_t)t};
    kf_sort(v, *n, sizeof *v, cmp_nskey); /* in place; templates are unique */
    for (size_t i = 0; i < *n; i++)
        out[i] = v[i].tpl;
    free(v);
    return out;
}

int kf_check_workloads(const kf_input *in, const kf_config *cfg,
                       const kf_plan *plan, kf_workloads *w, kf_results *rs)
{
    memset(w, 0, sizeof *w);
    w->off = cfg->workload_check == KF_CHECK_OFF;
    size_t nb = plan->nbindings ? plan->nbindings : 1;
    w->recv_first = calloc(nb, sizeof *w->recv_first);
    w->recv_count = calloc(nb, sizeof *w->recv_count);
    if (!w->recv_first || !w->recv_count)
        return -1;
    if (w->off)
        return 0;
    kf_namespaces nss;
    memset(&nss, 0, sizeof nss);
    labelkey *idx = NULL;
    size_t nidx = 0, np = plan->npools ? plan->npools : 1;
    pools_index pi;
    memset(&pi, 0, sizeof pi);
    kf_finding_ctx fc = {in, w, plan, rs,
                         cfg->workload_check == KF_CHECK_ERROR ? KF_SEV_ERROR
                                                                : KF_SEV_WARNING,
                         &nss, NULL, 0};
    /* per pool: USE_* of the rendered bindings that use it */
    uint8_t *use = calloc(np, sizeof *use);
    uint32_t *by_ns = NULL;
    const char **ctrl_keys = NULL;
    int rc = -1;
    if (!use || kf_read_templates(w, in, rs, &nss) < 0)
        goto out;
    /* the (namespace, label) index of the readable templates */
    /* each template's labels, and those its controller sets that some
     * pool selects (most pools select none: no entries for them) */
    size_t nkeys = 0, keys_cap = 0;
    for (size_t p = 0; p < plan->npools; p++)
        for (size_t l = 0; l < plan->pools[p].nlabels; l++) {
            const char *key = plan->pools[p].labels[l].key;
            if (!kf_ctrl_is_key(key))
                continue;
            if (kf_array_grow((void **)&ctrl_keys, &keys_cap, nkeys + 1,
                              sizeof *ctrl_keys) < 0)
                goto out;
            ctrl_keys[nkeys++] = key;
        }
    kf_strs_sort_unique(ctrl_keys, &nkeys);
    /* counted first, so that idx, an entry per label of every template,
     * is allocated exactly: grown by doubling it would raise the peak RSS
     * of a large package by up to its size */
    size_t nctrl = 0;
    for (size_t t = 0; nkeys && t < w->ntpls; t++) {
        size_t r = 0;
        const kf_ctrl_label *row;
        while (w->tpls[t].readable && (row = kf_ctrl_row(w->tpls[t].ref.kind, &r)))
            nctrl += kf_namespaces_has(ctrl_keys, nkeys, row->key);
    }
    idx = malloc((w->nlabels + nctrl ? w->nlabels + nctrl : 1) * sizeof *idx);
    pi.tpl_first = calloc(np, sizeof *pi.tpl_first);
    pi.tpl_n = calloc(np, sizeof *pi.tpl_n);
    pi.cont_first = calloc(np, sizeof *pi.cont_first);
    pi.cont_n = calloc(np, sizeof *pi.cont_n);
    pi.marked = calloc(np, sizeof *pi.marked);
    if (!idx || !pi.tpl_first || !pi.tpl_n || !pi.cont_first || !pi.cont_n || !pi.marked)
        goto out;
    for (size_t t = 0; t < w->ntpls; t++) {
        const kf_template *tp = &w->tpls[t];
        for (uint16_t l = 0; tp->readable && l < tp->nlabels; l++) {
            const kf_label *lb = &w->labels[tp->first_label + l];
            idx[nidx++] = label_key(tp->ref.namespace, lb->key, lb->value, (uint32_t)t);
        }
        kf_ctrl_workload wl = ctrl_workload(tp);
        size_t r = 0;
        const kf_ctrl_label *row;
        while (nkeys && tp->readable && (row = kf_ctrl_row(tp->ref.kind, &r))) {
            kf_label own = {row->key, ""};
            if (!kf_namespaces_has(ctrl_keys, nkeys, row->key) || label_of(w, tp, &own))
                continue; /* not selected, or the template's own value is indexed */
            const char *exact = kf_ctrl_exact(row, &wl);
            idx[nidx++] = label_key(tp->ref.namespace, row->key, exact ? exact : CTRL_VALUE,
                                    (uint32_t)t);
        }
    }
    if (nidx > 1) /* in place (qsort() copies it): (key, template) is unique */
        kf_sort(idx, nidx, sizeof *idx, cmp_labelkey);
    for (size_t i = 0; i < plan->nbindings; i++) {
        const kf_binding *b = &plan->bindings[i];
        if (b->ok)
            use[b->pool] |= USE_ANY | (kf_dialect_of(b)->match == KF_MATCH_CONTAINER
                                           ? USE_CONTAINERS : 0);
    }
    for (size_t p = 0; p < plan->npools; p++)
        if (use[p] && index_pool(&pi, w, idx, nidx, &plan->pools[p], p, use[p]) < 0)
            goto out;
    if (!(by_ns = templates_by_ns(w, &fc.nby_ns)))
        goto out;
    fc.by_ns = by_ns;
    for (size_t i = 0; i < plan->nbindings; i++)
        if (plan->bindings[i].ok && match_binding(w, &pi, plan, i, &fc, idx, nidx) < 0)
            goto out;
    if (nss.nnsless && kf_finding_namespace_unset(&fc) < 0)
        goto out;
    rc = kf_multiple_identities(w, plan, &fc);
out:
    free(use);
    free(by_ns);
    free(ctrl_keys);
    free(idx);
    pools_index_free(&pi);
    kf_namespaces_free(&nss);
    return rc;
}

void kf_workloads_free(kf_workloads *w)
{
    free(w->tpls);
    free(w->labels);
    free(w->names);
    free(w->recv);
    free(w->recv_first);
    free(w->recv_count);
    memset(w, 0, sizeof *w);
}
