/* resolve_pools.c - InferencePool selectors (resolve.h).
 *
 * A pool's selector becomes a sorted list of labels, or is refused with
 * the reason (InvalidPoolSelector). Pools of a namespace with equal label
 * sets share a selector class, found by sorting.
 */
#include <stdlib.h>
#include <string.h>

#include "kf_sort.h"
#include "resolve.h"

static void pool_error(kf_pool *p, const char *why, const char *detail)
{
    if (p->error)
        return;
    p->error = why;
    p->error_detail = detail;
}

size_t kf_pool_selector_room(const kf_view *v)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nfields; i++)
        n += v->fields[i].id == KF_F_SEL_ENTRY || v->fields[i].id == KF_F_ML_ENTRY;
    return n;
}

void kf_pool_read_selector(const kf_view *v, kf_pool *p, kf_label **next)
{
    const kf_input *in = v->in;
    enum kf_vtype sel = kf_view_type(v, KF_F_SELECTOR);
    bool v1 = p->group == 0;
    if (kf_view_type(v, KF_F_SPEC) != KF_V_MAP || sel == KF_V_ABSENT) {
        pool_error(p, "spec.selector is missing", NULL);
        return;
    }
    if (sel != KF_V_MAP || v->dup[KF_F_SELECTOR] || v->dup[KF_F_SPEC]) {
        pool_error(p, "spec.selector must be a mapping given once", NULL);
        return;
    }
    if (kf_view_type(v, KF_F_MATCHEXPR) != KF_V_ABSENT) {
        pool_error(p, "spec.selector.matchExpressions is not supported: a "
                      "ClusterSPIFFEID needs an exact label match", NULL);
        return;
    }
    enum kf_vtype ml = kf_view_type(v, KF_F_MATCHLABELS);
    size_t nflat = 0, nml = 0;
    for (size_t i = 0; i < v->nfields; i++) {
        nflat += v->fields[i].id == KF_F_SEL_ENTRY;
        nml += v->fields[i].id == KF_F_ML_ENTRY;
    }
    if (ml != KF_V_ABSENT && (ml != KF_V_MAP || v->dup[KF_F_MATCHLABELS])) {
        pool_error(p, "spec.selector.matchLabels must be a mapping given once", NULL);
        return;
    }
    if (ml != KF_V_ABSENT && nflat) {
        pool_error(p, "spec.selector mixes matchLabels with other keys", NULL);
        return;
    }
    if (ml == KF_V_ABSENT && v1) {
        pool_error(p, "spec.selector.matchLabels is missing", NULL);
        return;
    }
    enum kf_fid id = ml != KF_V_ABSENT ? KF_F_ML_ENTRY : KF_F_SEL_ENTRY;
    size_t n = ml != KF_V_ABSENT ? nml : nflat;
    if (n == 0) {
        pool_error(p, ml != KF_V_ABSENT ? "spec.selector.matchLabels is empty"
                                         : "spec.selector is empty",
                   NULL);
        return;
    }
    p->labels = *next;
    *next += n;
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
        else if (!*val)
            pool_error(p, "a selector value is empty (Kleym refuses empty label "
                          "values, though Kubernetes allows them)", k);
        else if (!kf_is_label_value(val, strlen(val)))
            pool_error(p, "a selector value is not a valid label value", k);
        p->labels[p->nlabels++] = (kf_label){k, val};
    }
    qsort(p->labels, p->nlabels, sizeof *p->labels, kf_label_cmp);
    for (size_t i = 1; i < p->nlabels; i++)
        if (strcmp(p->labels[i].key, p->labels[i - 1].key) == 0)
            pool_error(p, "a selector key is given twice", p->labels[i].key);
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

/* ---- selector classes: pools with equal label sets ------------------- */

/* Pools by namespace, then label set: key, then value, label by label;
 * the shorter set first when one starts the other. */
static int cmp_label_set(const kf_pool *a, const kf_pool *b)
{
    int c = strcmp(a->ns, b->ns);
    for (size_t i = 0; !c && i < a->nlabels && i < b->nlabels; i++) {
        c = strcmp(a->labels[i].key, b->labels[i].key);
        if (!c)
            c = strcmp(a->labels[i].value, b->labels[i].value);
    }
    return c ? c : a->nlabels < b->nlabels ? -1 : a->nlabels > b->nlabels;
}

/* Pool pointers by label set, then place. */
static int cmp_selector(const void *pa, const void *pb)
{
    const kf_pool *a = *(const kf_pool *const *)pa, *b = *(const kf_pool *const *)pb;
    int c = cmp_label_set(a, b);
    return c ? c : a < b ? -1 : a > b;
}

/* Give the pools of a namespace whose label sets are equal one selector
 * class: the index of the first of them. A pool is never refused for what
 * another pool selects (Kleym uses no selector intersection; SPEC section
 * 6): bindings that share selectors are told so by conflicts_shared.c. */
int kf_pools_classify(kf_plan *plan)
{
    kf_pool **v = malloc((plan->npools ? plan->npools : 1) * sizeof *v);
    if (!v)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < plan->npools; i++) {
        plan->pools[i].selector_class = (uint32_t)i;
        if (!plan->pools[i].error && plan->pools[i].nlabels)
            v[n++] = &plan->pools[i];
    }
    kf_sort(v, n, sizeof *v, cmp_selector);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        uint32_t cls = (uint32_t)(v[i] - plan->pools);
        while (j < n && cmp_label_set(v[j], v[i]) == 0)
            j++;
        for (size_t k = i; k < j; k++)
            v[k]->selector_class = cls;
        i = j;
    }
    free(v);
    return 0;
}
