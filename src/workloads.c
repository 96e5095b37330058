/* workloads.c - pod templates and who receives each identity
 * (kf_workloads.h).
 *
 * Three steps, each by sorting:
 *   1. every workload's pod templates become kf_template records (labels
 *      sorted, container names), or are left out as unreadable;
 *   2. for each pool that a rendered binding uses, the templates of its
 *      namespace that carry all its labels: the smallest (namespace, label)
 *      run of a sorted index, each candidate checked against the rest;
 *   3. for each binding, binary searches in its pool's candidates sorted by
 *      (service account, variant) and by (service account, container):
 *      its receivers, or the closest near miss.
 * Then MultipleIdentities: every (template, container, binding) a receiver
 * makes, sorted; runs of two or more bindings are findings.
 */
#include "kf_workloads.h"

#include <stdlib.h>
#include <string.h>

#include "kf_findings.h"
#include "kf_view.h"

#define DEFAULT_SA "default"

/* ---- 1. templates ------------------------------------------------------- */

static const char *field_why(const kf_input *in, const kf_field *f, bool dup,
                             const char *path, kf_buf *why)
{
    char buf[256];
    const char *p = kf_field_problem(in, f, dup, buf, sizeof buf);
    if (!p || why->len)
        return NULL;
    kf_buf_printf(why, "%s %s", path, p);
    return why->data;
}

/* A collection the template's reading goes through: absent or null is
 * fine (nothing there), else it must be what it is said to be. */
static void check_collection(const kf_input *in, const kf_view *v, enum kf_fid id,
                             enum kf_vtype want, const char *path, kf_buf *why)
{
    const kf_field *f = v->f[id];
    if (!f || why->len)
        return;
    if (f->type == want && !v->dup[id])
        return;
    if (f->type == KF_V_NONSTR && !kf_field_text(in, f)[0] && !v->dup[id])
        return; /* `labels:` with nothing: no labels */
    if (f->type == KF_V_NONSTR || f->type == KF_V_STR)
        kf_buf_printf(why, "%s is not a %s", path, want == KF_V_MAP ? "mapping" : "list");
    else
        field_why(in, f, v->dup[id], path, why);
}

static int cmp_label(const void *pa, const void *pb)
{
    return strcmp(((const kf_label *)pa)->key, ((const kf_label *)pb)->key);
}

/* Read template `slot` of the workload whose fields v views into t; why
 * says what is not a plain string, when something is. */
static int read_template(kf_workloads *w, const kf_input *in, const kf_view *all,
                         unsigned slot, kf_template *t, kf_buf *why)
{
    kf_view v;
    kf_view_init(&v, in, all->fields, all->nfields, slot);
    check_collection(in, &v, KF_F_TPL_METADATA, KF_V_MAP, "metadata", why);
    check_collection(in, &v, KF_F_TPL_LABELS, KF_V_MAP, "metadata.labels", why);
    check_collection(in, &v, KF_F_TPL_SPEC, KF_V_MAP, "spec", why);
    check_collection(in, &v, KF_F_TPL_CONTAINERS, KF_V_SEQ, "spec.containers", why);
    check_collection(in, &v, KF_F_TPL_INITS, KF_V_SEQ, "spec.initContainers", why);
    enum kf_fid sa = v.f[KF_F_TPL_SA] ? KF_F_TPL_SA : KF_F_TPL_SA_OLD;
    t->sa = DEFAULT_SA;
    if (v.f[sa] && !field_why(in, v.f[sa], v.dup[sa],
                              sa == KF_F_TPL_SA ? "spec.serviceAccountName"
                                                : "spec.serviceAccount", why)) {
        const char *s = kf_field_text(in, v.f[sa]);
        if (s[0])
            t->sa = s;
    }
    t->first_label = (uint32_t)w->nlabels;
    t->first_name = (uint32_t)w->nnames;
    /* Labels and element types in one pass; container names, then init
     * container names (whatever their order in the document). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < all->nfields; i++) {
            const kf_field *f = &all->fields[i];
            if (f->slot != slot)
                continue;
            if (pass == 0 && f->id == KF_F_TPL_LABEL) {
                if (f->type != KF_V_STR && !why->len) {
                    kf_buf label = {0};
                    if (kf_buf_printf(&label, "label %s", kf_field_key(in, f)) < 0)
                        return -1;
                    field_why(in, f, false, label.data, why);
                    kf_buf_free(&label);
                }
                if (kf_array_grow((void **)&w->labels, &w->labels_cap, w->nlabels + 1,
                                  sizeof *w->labels) < 0)
                    return -1;
                w->labels[w->nlabels++] =
                    (kf_label){kf_field_key(in, f), kf_field_text(in, f)};
            } else if (pass == 0 && (f->id == KF_F_TPL_CONTAINER || f->id == KF_F_TPL_INIT)) {
                if (f->type != KF_V_MAP && !why->len)
                    kf_buf_printf(why, "an element of spec.%s is not a mapping",
                                  f->id == KF_F_TPL_INIT ? "initContainers" : "containers");
            } else if (f->id == (pass == 0 ? KF_F_TPL_CONTAINER_NAME : KF_F_TPL_INIT_NAME)) {
                field_why(in, f, f->dup, "a container name", why);
                if (kf_array_grow((void **)&w->names, &w->names_cap, w->nnames + 1,
                                  sizeof *w->names) < 0)
                    return -1;
                w->names[w->nnames++] = kf_field_text(in, f);
                t->ninit += pass == 1;
            }
        }
    }
    if (w->nlabels - t->first_label >= UINT16_MAX ||
        w->nnames - t->first_name >= KF_ALL_CONTAINERS) {
        if (!why->len)
            kf_buf_printf(why, "it has more labels or containers than kleym-fn checks");
        w->nlabels = t->first_label;
        w->nnames = t->first_name;
        t->ninit = 0;
    }
    t->nlabels = (uint16_t)(w->nlabels - t->first_label);
    t->ncontainers = (uint16_t)(w->nnames - t->first_name);
    kf_label *labels = t->nlabels ? w->labels + t->first_label : NULL;
    if (t->nlabels > 1)
        qsort(labels, t->nlabels, sizeof *labels, cmp_label);
    for (size_t i = 1; i < t->nlabels && !why->len; i++)
        if (strcmp(labels[i].key, labels[i - 1].key) == 0)
            kf_buf_printf(why, "label %s is given twice", labels[i].key);
    for (size_t i = 0; i < t->nlabels; i++)
        if (strcmp(labels[i].key, KF_VARIANT_LABEL) == 0)
            t->variant = labels[i].value;
    return 0;
}

/* The workload's templates, each read or reported unreadable. */
static int read_workload(kf_workloads *w, const kf_input *in, size_t item,
                         kf_kmask cls, const kf_view *all, kf_results *rs,
                         kf_buf *why)
{
    for (unsigned slot = 0; slot < KF_SLOTS; slot++) {
        const char *path = kf_template_path(cls, slot);
        if (!path)
            continue;
        kf_view sv;
        kf_view_init(&sv, in, all->fields, all->nfields, slot);
        const kf_field *tf = sv.f[KF_F_TEMPLATE];
        why->len = 0;
        if (path[0]) { /* a template at a path: absent or null is none */
            if (!tf || (tf->type == KF_V_NONSTR && !kf_field_text(in, tf)[0]))
                continue;
            if (tf->type != KF_V_MAP || sv.dup[KF_F_TEMPLATE])
                field_why(in, tf, sv.dup[KF_F_TEMPLATE], "the template", why);
        }
        if (kf_array_grow((void **)&w->tpls, &w->tpls_cap, w->ntpls + 1,
                          sizeof *w->tpls) < 0)
            return -1;
        kf_template *t = &w->tpls[w->ntpls];
        memset(t, 0, sizeof *t);
        t->kind = kf_view_str(all, KF_F_KIND);
        t->ns = kf_view_str(all, KF_F_NAMESPACE);
        t->name = kf_view_str(all, KF_F_NAME);
        t->item = (uint32_t)item;
        t->slot = (uint8_t)slot;
        if (read_template(w, in, all, slot, t, why) < 0)
            return -1;
        t->readable = why->len == 0;
        w->ntpls++;
        if (!t->readable && !w->off) {
            kf_ref ref = kf_view_ref(all, item);
            if (kf_finding_unreadable(rs, &ref, t, path, why->data) < 0)
                return -1;
        }
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every workload's templates; the namespaces that have workloads. */
static int read_workloads(kf_workloads *w, const kf_input *in, kf_results *rs,
                          const char ***nss, size_t *nns)
{
    kf_buf why = {0};
    size_t cap = 0;
    int rc = -1;
    for (size_t i = 0; i < in->nitems; i++) {
        const kf_item *it = &in->items[i];
        kf_view all;
        kf_view_init(&all, in, it->nfields ? in->fields + it->first_field : NULL,
                     it->nfields, 0);
        const kf_kind *k = kf_kind_named(kf_view_str(&all, KF_F_KIND));
        if (!k || !(k->cls & KF_KC_WORKLOADS) ||
            kf_kind_rank(k, kf_view_str(&all, KF_F_APIVERSION)) < 0)
            continue;
        /* A workload without a namespace (a usable string) is not checked. */
        const char *ns = kf_view_str(&all, KF_F_NAMESPACE);
        if (!ns[0] || all.dup[KF_F_NAMESPACE])
            continue;
        if (kf_array_grow((void **)nss, &cap, *nns + 1, sizeof **nss) < 0 ||
            read_workload(w, in, i, k->cls, &all, rs, &why) < 0)
            goto out;
        (*nss)[(*nns)++] = ns;
    }
    if (*nns > 1)
        qsort(*nss, *nns, sizeof **nss, cmp_str);
    rc = 0;
out:
    kf_buf_free(&why);
    return rc;
}

/* ---- 2. candidates: the templates that carry a pool's labels ------------- */

typedef struct labelkey {
    const char *ns, *key, *value;
    uint32_t tpl;
} labelkey;

static int cmp_labelkey(const void *pa, const void *pb)
{
    const labelkey *a = pa, *b = pb;
    int c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->key, b->key);
    if (!c)
        c = strcmp(a->value, b->value);
    if (!c)
        c = a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
    return c;
}

/* The run of idx[0..n) equal to (ns, key, value): [*lo, *hi). */
static void label_run(const labelkey *idx, size_t n, const char *ns, const kf_label *l,
                      size_t *lo, size_t *hi)
{
    labelkey key = {ns, l->key, l->value, 0};
    size_t a = 0, b = n;
    while (a < b) { /* first >= key (tpl 0 sorts first) */
        size_t m = a + (b - a) / 2;
        if (cmp_labelkey(&idx[m], &key) < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    key.tpl = UINT32_MAX;
    b = n;
    while (a < b) { /* first > key */
        size_t m = a + (b - a) / 2;
        if (cmp_labelkey(&idx[m], &key) <= 0)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

/* Whether template t carries label l. */
static bool has_label(const kf_workloads *w, const kf_template *t, const kf_label *l)
{
    if (!t->nlabels)
        return false;
    const kf_label *labels = w->labels + t->first_label;
    const kf_label *f = bsearch(l, labels, t->nlabels, sizeof *labels, cmp_label);
    return f && strcmp(f->value, l->value) == 0;
}

/* A template of a pool's candidates, by service account and variant; or
 * one of its containers, by service account and container name. */
typedef struct cand {
    const char *sa, *second;  /* its variant ("" when none), or a container */
    uint32_t tpl;
    uint16_t container;
} cand;

static int cmp_cand(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    int c = strcmp(a->sa, b->sa);
    if (!c)
        c = strcmp(a->second, b->second);
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
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        int c = strcmp(v[m].sa, sa);
        if (!c && second)
            c = strcmp(v[m].second, second);
        if (c < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        int c = strcmp(v[m].sa, sa);
        if (!c && second)
            c = strcmp(v[m].second, second);
        if (c <= 0)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

/* Per pool that a rendered binding uses: its candidate templates (by
 * variant) and their containers (by name), as runs of two arrays. */
typedef struct pools_index {
    cand *tpls, *conts;
    size_t ntpls, nconts, tpls_cap, conts_cap;
    uint32_t *tpl_first, *tpl_n, *cont_first, *cont_n; /* per pool */
} pools_index;

static int index_pool(pools_index *pi, const kf_workloads *w, const labelkey *idx,
                      size_t nidx, const kf_pool *p, size_t pool)
{
    size_t lo = 0, hi = 0, best = SIZE_MAX;
    for (size_t i = 0; i < p->nlabels; i++) {
        size_t a, b;
        label_run(idx, nidx, p->ns, &p->labels[i], &a, &b);
        if (b - a < best)
            best = b - a, lo = a, hi = b;
    }
    pi->tpl_first[pool] = (uint32_t)pi->ntpls;
    pi->cont_first[pool] = (uint32_t)pi->nconts;
    for (size_t k = lo; k < hi; k++) {
        const kf_template *t = &w->tpls[idx[k].tpl];
        bool all = true;
        for (size_t i = 0; i < p->nlabels && all; i++)
            all = has_label(w, t, &p->labels[i]);
        if (!all)
            continue;
        if (kf_array_grow((void **)&pi->tpls, &pi->tpls_cap, pi->ntpls + 1,
                          sizeof *pi->tpls) < 0 ||
            kf_array_grow((void **)&pi->conts, &pi->conts_cap,
                          pi->nconts + t->ncontainers, sizeof *pi->conts) < 0)
            return -1;
        pi->tpls[pi->ntpls++] = (cand){t->sa, t->variant ? t->variant : "", idx[k].tpl, 0};
        for (uint16_t c = 0; c < t->ncontainers; c++)
            pi->conts[pi->nconts++] =
                (cand){t->sa, w->names[t->first_name + c], idx[k].tpl, c};
    }
    pi->tpl_n[pool] = (uint32_t)(pi->ntpls - pi->tpl_first[pool]);
    pi->cont_n[pool] = (uint32_t)(pi->nconts - pi->cont_first[pool]);
    if (pi->tpl_n[pool] > 1)
        qsort(pi->tpls + pi->tpl_first[pool], pi->tpl_n[pool], sizeof *pi->tpls, cmp_cand);
    if (pi->cont_n[pool] > 1)
        qsort(pi->conts + pi->cont_first[pool], pi->cont_n[pool], sizeof *pi->conts,
              cmp_cand);
    return 0;
}

static void pools_index_free(pools_index *pi)
{
    free(pi->tpls);
    free(pi->conts);
    free(pi->tpl_first);
    free(pi->tpl_n);
    free(pi->cont_first);
    free(pi->cont_n);
}

/* ---- 3. receivers and near misses ---------------------------------------- */

static int add_receiver(kf_workloads *w, uint32_t tpl, uint16_t container)
{
    if (kf_array_grow((void **)&w->recv, &w->recv_cap, w->nrecv + 1,
                      sizeof *w->recv) < 0)
        return -1;
    w->recv[w->nrecv++] = (kf_receiver){tpl, container};
    return 0;
}

/* Binding i's receivers, or its closest near miss (SPEC section 11). */
static int match_binding(kf_workloads *w, const pools_index *pi, const kf_plan *plan,
                         size_t i, const kf_finding_ctx *fc, const char **nss, size_t nns)
{
    const kf_binding *b = &plan->bindings[i];
    size_t ntpls = pi->tpl_n[b->pool];
    const cand *tpls = ntpls ? pi->tpls + pi->tpl_first[b->pool] : NULL;
    size_t lo, hi;
    cand_run(tpls, ntpls, b->sa, NULL, &lo, &hi); /* its service account */
    w->recv_first[i] = (uint32_t)w->nrecv;
    if (b->mode == KF_MODE_PER_OBJECTIVE) {
        size_t nconts = pi->cont_n[b->pool], clo, chi;
        const cand *conts = nconts ? pi->conts + pi->cont_first[b->pool] : NULL;
        cand_run(conts, nconts, b->sa, b->container, &clo, &chi);
        for (size_t k = clo; k < chi; k++)
            if ((k == clo || conts[k].tpl != conts[k - 1].tpl) &&
                add_receiver(w, conts[k].tpl, conts[k].container) < 0)
                return -1;
    } else {
        size_t vlo = lo, vhi = hi;
        if (b->mode == KF_MODE_VARIANT)
            cand_run(tpls, ntpls, b->sa, b->variant, &vlo, &vhi);
        for (size_t k = vlo; k < vhi; k++)
            if (add_receiver(w, tpls[k].tpl, KF_ALL_CONTAINERS) < 0)
                return -1;
    }
    w->recv_count[i] = (uint32_t)(w->nrecv - w->recv_first[i]);
    /* A package of identities without workloads is normal: no finding. */
    if (w->recv_count[i] || !nns ||
        !bsearch(&b->ref.namespace, nss, nns, sizeof *nss, cmp_str))
        return 0;
    /* No template receives it: the closest near miss. */
    uint32_t named[KF_WORKLOADS_NAMED];
    size_t n = 0, from = lo, to = hi;
    enum kf_reason reason;
    if (lo < hi && b->mode == KF_MODE_PER_OBJECTIVE)
        reason = KF_R_CONTAINER_NOT_FOUND;
    else if (lo < hi && b->mode == KF_MODE_VARIANT)
        reason = KF_R_VARIANT_LABEL_MISSING;
    else if (ntpls > 0)
        reason = KF_R_SERVICE_ACCOUNT_MISMATCH, from = 0, to = ntpls;
    else
        reason = KF_R_NO_MATCHING_WORKLOAD, from = to = 0;
    for (size_t k = from; k < to && n < KF_WORKLOADS_NAMED; k++)
        named[n++] = tpls[k].tpl;
    return kf_finding_miss(fc, b, reason, named, n, to - from);
}

/* ---- 4. a container that receives two identities ------------------------- */

typedef struct got {
    uint32_t tpl;
    uint16_t container;
    uint32_t binding;
} got;

static int cmp_got(const void *pa, const void *pb)
{
    const got *a = pa, *b = pb;
    if (a->tpl != b->tpl)
        return a->tpl < b->tpl ? -1 : 1;
    if (a->container != b->container)
        return a->container < b->container ? -1 : 1;
    return a->binding < b->binding ? -1 : a->binding > b->binding;
}

static int multiple_identities(const kf_workloads *w, const kf_plan *plan,
                               const kf_finding_ctx *fc)
{
    got *v = NULL;
    size_t n = 0, cap = 0;
    /* per binding: its first clash (a run of v), and how many it has */
    size_t *first = calloc(plan->nbindings ? plan->nbindings : 1, sizeof *first);
    size_t *clashes = calloc(plan->nbindings ? plan->nbindings : 1, sizeof *clashes);
    int rc = -1;
    if (!first || !clashes)
        goto out;
    for (size_t i = 0; i < plan->nbindings; i++) {
        for (uint32_t r = 0; plan->bindings[i].ok && r < w->recv_count[i]; r++) {
            const kf_receiver *rv = &w->recv[w->recv_first[i] + r];
            const kf_template *t = &w->tpls[rv->tpl];
            uint16_t c0 = rv->container == KF_ALL_CONTAINERS ? 0 : rv->container;
            uint16_t c1 = rv->container == KF_ALL_CONTAINERS ? t->ncontainers : c0 + 1;
            if (kf_array_grow((void **)&v, &cap, n + (c1 - c0), sizeof *v) < 0)
                goto out;
            for (uint16_t c = c0; c < c1; c++)
                v[n++] = (got){rv->tpl, c, (uint32_t)i};
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_got);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j].tpl == v[i].tpl && v[j].container == v[i].container)
            j++;
        for (size_t k = i; j - i > 1 && k < j; k++) {
            if (!clashes[v[k].binding]++)
                first[v[k].binding] = i;
        }
        i = j;
    }
    for (size_t b = 0; b < plan->nbindings; b++) {
        if (!clashes[b])
            continue;
        size_t i = first[b], j = i + 1;
        while (j < n && v[j].tpl == v[i].tpl && v[j].container == v[i].container)
            j++;
        uint32_t others[KF_WORKLOADS_NAMED];
        size_t nothers = 0;
        for (size_t k = i; k < j && nothers < KF_WORKLOADS_NAMED; k++)
            if (v[k].binding != b)
                others[nothers++] = v[k].binding;
        if (kf_finding_multiple(fc, &plan->bindings[b], v[i].tpl, v[i].container,
                                others, nothers, j - i - 1, clashes[b] - 1) < 0)
            goto out;
    }
    rc = 0;
out:
    free(v);
    free(first);
    free(clashes);
    return rc;
}

/* ---- the check ------------------------------------------------------------ */

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
    const char **nss = NULL;
    size_t nns = 0;
    labelkey *idx = NULL;
    size_t nidx = 0;
    pools_index pi;
    memset(&pi, 0, sizeof pi);
    kf_finding_ctx fc = {in, w, plan, rs,
                         cfg->workload_check == KF_CHECK_ERROR ? KF_SEV_ERROR
                                                                : KF_SEV_WARNING};
    int rc = -1;
    if (read_workloads(w, in, rs, &nss, &nns) < 0)
        goto out;
    /* the (namespace, label) index of the readable templates */
    idx = malloc((w->nlabels ? w->nlabels : 1) * sizeof *idx);
    size_t np = plan->npools ? plan->npools : 1;
    pi.tpl_first = calloc(np, sizeof *pi.tpl_first);
    pi.tpl_n = calloc(np, sizeof *pi.tpl_n);
    pi.cont_first = calloc(np, sizeof *pi.cont_first);
    pi.cont_n = calloc(np, sizeof *pi.cont_n);
    bool *indexed = calloc(np, sizeof *indexed);
    if (!idx || !pi.tpl_first || !pi.tpl_n || !pi.cont_first || !pi.cont_n || !indexed) {
        free(indexed);
        goto out;
    }
    for (size_t t = 0; t < w->ntpls; t++) {
        const kf_template *tp = &w->tpls[t];
        for (uint16_t l = 0; tp->readable && l < tp->nlabels; l++) {
            const kf_label *lb = &w->labels[tp->first_label + l];
            idx[nidx++] = (labelkey){tp->ns, lb->key, lb->value, (uint32_t)t};
        }
    }
    qsort(idx, nidx, sizeof *idx, cmp_labelkey);
    for (size_t i = 0; i < plan->nbindings; i++) {
        const kf_binding *b = &plan->bindings[i];
        if (!b->ok)
            continue;
        if (!indexed[b->pool] &&
            index_pool(&pi, w, idx, nidx, &plan->pools[b->pool], b->pool) < 0) {
            free(indexed);
            goto out;
        }
        indexed[b->pool] = true;
        if (match_binding(w, &pi, plan, i, &fc, nss, nns) < 0) {
            free(indexed);
            goto out;
        }
    }
    free(indexed);
    rc = multiple_identities(w, plan, &fc);
out:
    free(nss);
    free(idx);
    pools_index_free(&pi);
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
