/* resolve.c - interpret, validate and resolve (kf_resolve.h).
 *
 * The steps: collect the items of the kinds read (schema.c says which, at
 * which apiVersions), report duplicate objects (resolve_dups.c), sort
 * pools and objectives for binary search, class pools by label set, then
 * check every binding: its fields (resolve_binding.c), its references and
 * identity (resolve_refs.c), and whether a foreign ClusterSPIFFEID holds
 * its name.
 * Lookups are by sorting and binary search: O(n log n) for any input.
 */
#include "kf_resolve.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_sort.h"
#include "resolve.h"

_Static_assert(sizeof(kf_pool) <= 64, "a pool is 64 bytes");

void kf_check_fail(kf_check *c, enum kf_reason reason, const char *field,
                   const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kf_results_add_fail(c->r->rs, &c->b->ref, reason, field, msg) < 0)
        c->r->failed = true;
    c->b->ok = false;
    c->errors++;
}

const char *kf_binding_dialect(const kf_binding *b)
{
    return kf_dialect_of(b)->name;
}

/* The pod label the binding's match key requires besides the pool's, if
 * any. */
static bool match_label(const kf_binding *b, kf_label *out)
{
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_CONTAINER:
        return false;
    case KF_MATCH_VARIANT:
        *out = (kf_label){KF_VARIANT_LABEL, b->variant};
        return b->variant != NULL;
    }
    return false;
}

/* The container the binding's match key names, or NULL: all of them. */
static const char *match_container(const kf_binding *b)
{
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_VARIANT:
        return NULL;
    case KF_MATCH_CONTAINER:
        return b->container;
    }
    return NULL;
}

size_t kf_binding_pod_labels(const kf_binding *b, const kf_pool *p, kf_label *out)
{
    size_t n = 0;
    kf_label own;
    bool variant = match_label(b, &own);
    for (size_t i = 0; i < p->nlabels; i++) {
        int c = variant ? strcmp(p->labels[i].key, own.key) : -1;
        if (c == 0)
            continue; /* the same label and value (else UnsafeSelector) */
        if (c > 0 && variant) {
            out[n++] = own;
            variant = false;
        }
        out[n++] = p->labels[i];
    }
    if (variant)
        out[n++] = own;
    return n;
}

int kf_binding_selectors_of(const kf_binding *b, const kf_label *pod, size_t npod,
                            kf_buf *out)
{
    return kf_selectors(b->ref.namespace, b->sa, pod, npod, match_container(b), out);
}

int kf_binding_selectors(const kf_binding *b, const kf_pool *p, kf_buf *out)
{
    kf_label *pod = malloc((p->nlabels + 1) * sizeof *pod);
    if (!pod)
        return -1;
    int rc = kf_binding_selectors_of(b, pod, kf_binding_pod_labels(b, p, pod), out);
    free(pod);
    return rc;
}

/* A ClusterSPIFFEID this function made: dropped, and regenerated if its
 * binding still renders. */
bool kf_is_owned_csid(const kf_view *v)
{
    return strcmp(kf_view_str(v, KF_F_LBL_MANAGED), KF_MANAGED_BY) == 0;
}

int kf_find_dropped(kf_input *in)
{
    size_t cap = 0;
    for (size_t i = 0; i < in->ntop; i++) {
        if (!(in->items[i].kind_cls & KF_KC_CSID))
            continue; /* not named ClusterSPIFFEID: no view needed to tell */
        kf_view v;
        kf_view_item(&v, in, i);
        const kf_kind *k = kf_view_kind(&v, NULL);
        if (!k || k->cls != KF_KC_CSID || !kf_is_owned_csid(&v))
            continue;
        if (kf_array_grow((void **)&in->dropped, &cap, in->ndropped + 1,
                          sizeof *in->dropped) < 0)
            return -1;
        in->dropped[in->ndropped++] = (uint32_t)i;
    }
    return 0;
}

/* ---- collecting the kinds ----------------------------------------------- */

/* The class of item i when it is read: its kind, at an apiVersion the
 * kind is read at (0 otherwise). */
static kf_kmask item_class(const kf_input *in, size_t i, int *rank)
{
    const kf_kind *k = kf_item_kind(in, i, rank);
    return k && k->cls != KF_KC_RLIST ? k->cls : 0;
}

static int collect(kf_resolver *r, kf_kmask *cls)
{
    const kf_input *in = r->in;
    kf_plan *plan = r->plan;
    size_t nb = 0, np = 0, no = 0, nc = 0, nlabels = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        cls[i] = 0;
        if (!in->items[i].kind_cls)
            continue; /* a kind not read: no view needed to tell */
        int rank;
        cls[i] = item_class(in, i, &rank);
        nb += cls[i] == KF_KC_BINDING;
        np += cls[i] == KF_KC_POOL;
        no += cls[i] == KF_KC_OBJECTIVE || cls[i] == KF_KC_MODEL;
        nc += cls[i] == KF_KC_CSID;
        if (cls[i] == KF_KC_POOL) { /* the only class whose view is needed here */
            kf_view v;
            kf_view_item(&v, in, i);
            nlabels += kf_pool_selector_room(&v);
        }
    }
    plan->bindings = calloc(nb ? nb : 1, sizeof *plan->bindings);
    plan->pools = calloc(np ? np : 1, sizeof *plan->pools);
    plan->objectives = calloc(no ? no : 1, sizeof *plan->objectives);
    plan->models = calloc(no ? no : 1, sizeof *plan->models);
    plan->removed = calloc(nc ? nc : 1, sizeof *plan->removed);
    /* every pool's labels in one array: sized first, so never moved */
    plan->labels = malloc((nlabels ? nlabels : 1) * sizeof *plan->labels);
    if (!plan->bindings || !plan->pools || !plan->objectives || !plan->models ||
        !plan->removed || !plan->labels)
        return -1;
    kf_label *next = plan->labels;
    for (size_t i = 0; i < in->nitems; i++) {
        if (cls[i] != KF_KC_POOL && cls[i] != KF_KC_OBJECTIVE && cls[i] != KF_KC_MODEL)
            continue;
        kf_view v;
        kf_view_item(&v, in, i);
        int rank;
        item_class(in, i, &rank);
        if (cls[i] == KF_KC_POOL) {
            kf_pool *p = &plan->pools[plan->npools++];
            p->item = (uint32_t)i;
            p->ns = kf_view_namespace(&v);
            p->name = kf_view_str(&v, KF_F_NAME);
            p->api_version = kf_view_str(&v, KF_F_APIVERSION);
            p->group = (int8_t)rank;
            kf_pool_read_selector(&v, p, &next);
        } else {
            kf_objective *o = cls[i] == KF_KC_MODEL ? &plan->models[plan->nmodels++]
                                                    : &plan->objectives[plan->nobjectives++];
            o->item = (uint32_t)i;
            o->ns = kf_view_namespace(&v);
            o->name = kf_view_str(&v, KF_F_NAME);
            o->api_version = kf_view_str(&v, KF_F_APIVERSION);
            o->group = (int8_t)rank;
            o->first_field = in->items[i].first_field;
            o->nfields = in->items[i].nfields;
        }
    }
    return 0;
}

/* ---- bindings ------------------------------------------------------------ */

/* A ClusterSPIFFEID kleym-fn does not own, by name. */
typedef struct csidkey {
    const char *name;
    size_t item;
} csidkey;

static int cmp_csid(const void *pa, const void *pb)
{
    const csidkey *a = pa, *b = pb;
    return strcmp(a->name, b->name);
}

static int check_binding(kf_resolver *r, kf_binding *b, const csidkey *foreign,
                         size_t nforeign)
{
    kf_view v;
    kf_view_item(&v, r->in, b->item);
    kf_check c = {r, b, &v, 0};
    b->ok = true;
    b->pool_group = b->objective_group = -1;
    if (!r->cfg->trust_domain[0])
        kf_check_fail(&c, KF_R_MISSING_TRUST_DOMAIN, NULL,
                      "trustDomain must be configured before Kleym can render "
                      "SPIFFE IDs");
    kf_check_fields(&c);
    if (!b->ok)
        return 0;
    kf_resolve_pool(&c);
    if (b->objective_name) /* required by the dialect, or named anyway (PoolOnly) */
        kf_resolve_objective(&c);
    if (!b->ok)
        return 0;
    if (kf_build_identity(&c) < 0)
        return -1;
    if (!b->ok)
        return 0;
    csidkey key = {.name = b->csid_name};
    const csidkey *f = bsearch(&key, foreign, nforeign, sizeof key, cmp_csid);
    if (f) {
        kf_view fv;
        kf_view_item(&fv, r->in, f->item);
        kf_ref fr = kf_view_ref(&fv, f->item);
        char where[512];
        kf_ref_where(&fr, where, sizeof where);
        kf_check_fail(&c, KF_R_MANAGED_OUTPUT_APPLY_FAILED, NULL,
                      "ClusterSPIFFEID %s already exists (%s) and is not managed "
                      "by kleym (label kleym.sonda.red/managed-by: kleym); it is "
                      "left untouched: rename or remove it", b->csid_name, where);
    }
    return 0;
}

/* Pools as kf_cmp_pool() orders them, copies of one pool by their place
 * in the input (as they were collected). */
static int cmp_pool_place(const void *pa, const void *pb)
{
    const kf_pool *a = pa, *b = pb;
    int c = kf_cmp_pool(a, b);
    return c ? c : a->item < b->item ? -1 : a->item > b->item;
}

static int cmp_binding(const void *pa, const void *pb)
{
    const kf_binding *a = pa, *b = pb;
    int c = strcmp(a->ref.namespace, b->ref.namespace);
    if (!c)
        c = strcmp(a->ref.name, b->ref.name);
    if (!c)
        c = a->item < b->item ? -1 : a->item > b->item;
    return c;
}

int kf_resolve(const kf_input *in, const kf_config *cfg, kf_plan *plan,
               kf_results *rs)
{
    kf_resolver r = {in, cfg, plan, rs, false, NULL};
    memset(plan, 0, sizeof *plan);
    size_t n = in->nitems ? in->nitems : 1;
    kf_kmask *cls = calloc(n, sizeof *cls);
    bool *dup = calloc(n, sizeof *dup);
    csidkey *foreign = calloc(n, sizeof *foreign);
    plan->drop = calloc(n, sizeof *plan->drop);
    plan->mark_local = calloc(n, sizeof *plan->mark_local);
    int rc = -1;
    if (!cls || !dup || !foreign || !plan->drop || !plan->mark_local)
        goto out;
    if (collect(&r, cls) < 0 || kf_find_duplicates(&r, cls, dup) < 0)
        goto out;
    for (size_t k = 0; k < in->ndropped; k++)
        plan->drop[in->dropped[k]] = true;

    size_t nforeign = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        if (cls[i] != KF_KC_BINDING && cls[i] != KF_KC_CSID)
            continue;
        kf_view v;
        kf_view_item(&v, in, i);
        if (cls[i] == KF_KC_BINDING) {
            kf_binding *b = &plan->bindings[plan->nbindings++];
            b->item = (uint32_t)i;
            b->ref = kf_view_ref(&v, i);
            b->csid_name = "";
            /* kleym-fn edits top-level items only: not a List's entries */
            if (!cfg->keep_bindings && !v.f[KF_F_ANN_LOCAL] && i < in->ntop)
                plan->mark_local[i] = true;
        } else if (kf_is_owned_csid(&v)) {
            /* dropped and made again (kf_find_dropped()); one in a List
             * (an earlier rendering from the cluster) is never dropped,
             * and ignored */
            if (plan->drop[i])
                plan->removed[plan->nremoved++] = (kf_removed){
                    .ref = kf_view_ref(&v, i),
                    .binding_ns = kf_view_str(&v, KF_F_LBL_BINDING_NS),
                    .binding_name = kf_view_str(&v, KF_F_LBL_BINDING_NAME)};
        } else {
            foreign[nforeign++] = (csidkey){.name = kf_view_str(&v, KF_F_NAME), .item = i};
        }
    }
    qsort(foreign, nforeign, sizeof *foreign, cmp_csid);
    /* the classes are all read: gone before the bindings' identities are
     * made, where an input of many bindings peaks */
    free(cls);
    cls = NULL;
    for (size_t i = 0; i < plan->npools; i++)
        plan->pools[i].duplicate = dup[plan->pools[i].item];
    for (size_t i = 0; i < plan->nobjectives; i++)
        plan->objectives[i].duplicate = dup[plan->objectives[i].item];
    /* in place: a package of many pools sorts them at its peak */
    kf_sort(plan->pools, plan->npools, sizeof *plan->pools, cmp_pool_place);
    qsort(plan->objectives, plan->nobjectives, sizeof *plan->objectives,
          kf_cmp_objective);
    qsort(plan->models, plan->nmodels, sizeof *plan->models, kf_cmp_objective);
    if (kf_pools_classify(plan) < 0)
        goto out;
    qsort(plan->bindings, plan->nbindings, sizeof *plan->bindings, cmp_binding);
    if (!(r.ids = calloc(KF_ID_SLOTS, sizeof *r.ids)))
        goto out;
    for (size_t i = 0; i < plan->nbindings; i++) {
        kf_binding *b = &plan->bindings[i];
        if (dup[b->item]) {
            b->ok = false;
            continue;
        }
        /* its failures held as one (bindings come in (namespace, name)
         * order, as kf_results_add_fail() groups them) */
        if (check_binding(&r, b, foreign, nforeign) < 0 || kf_results_end_fails(rs) < 0)
            goto out;
    }
    rc = r.failed ? -1 : 0;
out:
    free(cls);
    free(dup);
    free(foreign);
    free(r.ids);
    return rc;
}

void kf_plan_drop_fields(kf_plan *plan, kf_input *in)
{
    bool *gone = calloc(in->nitems ? in->nitems : 1, sizeof *gone);
    if (!gone)
        return;
    for (size_t i = 0; i < plan->nbindings; i++)
        gone[plan->bindings[i].item] = true;
    for (size_t i = 0; i < plan->npools; i++)
        gone[plan->pools[i].item] = true;
    for (size_t i = 0; i < plan->nobjectives; i++)
        gone[plan->objectives[i].item] = true;
    for (size_t i = 0; i < plan->nmodels; i++)
        gone[plan->models[i].item] = true;
    /* The kept fields move down in place when the items' fields follow
     * one another in item order (as the reader lays them out), else into
     * a new array: either way the array then shrinks to them. */
    size_t kept = 0, end = 0;
    bool in_order = true;
    for (size_t i = 0; i < in->nitems; i++) {
        const kf_item *it = &in->items[i];
        kept += gone[i] ? 0 : it->nfields;
        in_order &= !it->nfields || it->first_field >= end;
        end = it->nfields ? it->first_field + it->nfields : end;
    }
    kf_field *fields = kept == in->nfields ? NULL
                       : in_order          ? in->fields
                                           : malloc((kept ? kept : 1) * sizeof *fields);
    if (fields) {
        size_t n = 0;
        for (size_t i = 0; i < in->nitems; i++) {
            kf_item *it = &in->items[i];
            if (!gone[i] && it->nfields)
                memmove(fields + n, in->fields + it->first_field,
                        it->nfields * sizeof *fields);
            it->first_field = gone[i] ? 0 : (uint32_t)n;
            it->nfields = gone[i] ? 0 : it->nfields;
            n += it->nfields;
        }
        if (fields != in->fields) {
            free(in->fields);
        } else {
            kf_field *fit = realloc(fields, (n ? n : 1) * sizeof *fields);
            fields = fit ? fit : fields;
        }
        in->fields = fields;
        in->nfields = in->fields_cap = n;
        for (size_t i = 0; i < plan->nobjectives; i++)
            plan->objectives[i].first_field = plan->objectives[i].nfields = 0;
        for (size_t i = 0; i < plan->nmodels; i++)
            plan->models[i].first_field = plan->models[i].nfields = 0;
    }
    free(gone);
}

void kf_plan_free(kf_plan *plan)
{
    kf_arena_free(&plan->texts);
    free(plan->labels);
    free(plan->bindings);
    free(plan->pools);
    free(plan->objectives);
    free(plan->models);
    free(plan->drop);
    free(plan->removed);
    free(plan->mark_local);
    memset(plan, 0, sizeof *plan);
}
