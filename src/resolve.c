/* resolve.c - interpret, validate and resolve references (kf_resolve.h).
 *
 * Lookups are by sorting and binary search: O(n log n) for any input.
 */
#include "kf_resolve.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_view.h"

const char *const kf_groups[2] = {"inference.networking.k8s.io",
                                  "inference.networking.x-k8s.io"};

#define BINDING_API "kleym.sonda.red/v1alpha1"
#define CSID_API "spire.spiffe.io/v1alpha1"
#define MANAGED_BY "kleym"

typedef struct resolver {
    const kf_input *in;
    const kf_config *cfg;
    kf_plan *plan;
    kf_results *rs;
    int failed;
} resolver;

static void add(resolver *r, const kf_ref *ref, enum kf_severity sev,
                const char *cond, const char *reason, const char *field,
                const char *msg)
{
    if (kf_results_add(r->rs, ref, sev, cond, reason, field, "%s", msg) < 0)
        r->failed = 1;
}

static int group_index(const char *g)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(g, kf_groups[i]) == 0)
            return i;
    return -1;
}

/* A view of fields [first, first + n) of the input; an item without any
 * captured field has no field array to point into. */
static void view_of_fields(const kf_input *in, size_t first, size_t n,
                           kf_view *v)
{
    kf_view_init(v, in, n ? in->fields + first : NULL, n);
}

static void view_of(const kf_input *in, size_t item, kf_view *v)
{
    const kf_item *it = &in->items[item];
    view_of_fields(in, it->first_field, it->nfields, v);
}

/* ---- duplicates --------------------------------------------------------- */

typedef struct idkey {
    const char *api, *kind, *ns, *name;
    size_t item;
} idkey;

static int cmp_idkey(const void *pa, const void *pb)
{
    const idkey *a = pa, *b = pb;
    int c = strcmp(a->api, b->api);
    if (!c)
        c = strcmp(a->kind, b->kind);
    if (!c)
        c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c)
        c = a->item < b->item ? -1 : a->item > b->item;
    return c;
}

/* A ClusterSPIFFEID this function made: dropped, and regenerated if its
 * binding still renders (read_kind[] has checked the apiVersion). */
static bool is_owned_csid(const kf_view *v)
{
    return strcmp(kf_view_str(v, KF_F_KIND), "ClusterSPIFFEID") == 0 &&
           strcmp(kf_view_str(v, KF_F_LBL_MANAGED), MANAGED_BY) == 0;
}

/* Mark in dup[] every item whose (apiVersion, kind, namespace, name) is
 * shared with another item of a kind the function reads, and report it.
 * Owned ClusterSPIFFEIDs are left out: every copy is dropped anyway, so a
 * stale second copy is cleaned up rather than reported (and the output,
 * run again, gives the same result). */
static int find_duplicates(resolver *r, const bool *read_kind, bool *dup)
{
    const kf_input *in = r->in;
    idkey *keys = malloc((in->nitems ? in->nitems : 1) * sizeof *keys);
    if (!keys)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        if (!read_kind[i])
            continue;
        kf_view v;
        view_of(in, i, &v);
        const char *name = kf_view_str(&v, KF_F_NAME);
        if (!name[0] || is_owned_csid(&v))
            continue;
        keys[n++] = (idkey){kf_view_str(&v, KF_F_APIVERSION),
                            kf_view_str(&v, KF_F_KIND),
                            kf_view_str(&v, KF_F_NAMESPACE), name, i};
    }
    qsort(keys, n, sizeof *keys, cmp_idkey);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(keys[j].api, keys[i].api) == 0 &&
               strcmp(keys[j].kind, keys[i].kind) == 0 &&
               strcmp(keys[j].ns, keys[i].ns) == 0 &&
               strcmp(keys[j].name, keys[i].name) == 0)
            j++;
        if (j - i > 1) {
            for (size_t k = i; k < j; k++) {
                kf_view v;
                view_of(in, keys[k].item, &v);
                kf_ref ref = kf_view_ref(&v, keys[k].item);
                size_t other = keys[k == i ? i + 1 : i].item;
                kf_view ov;
                view_of(in, other, &ov);
                kf_ref oref = kf_view_ref(&ov, other);
                char where[512];
                kf_ref_where(&oref, where, sizeof where);
                dup[keys[k].item] = true;
                if (kf_results_add(r->rs, &ref, KF_SEV_ERROR, "InvalidInput",
                                   "DuplicateObject", "metadata.name",
                                   "%s %s%s%s is defined %zu times (also at %s); "
                                   "keep exactly one", ref.kind, ref.namespace,
                                   ref.namespace[0] ? "/" : "", ref.name, j - i,
                                   where) < 0)
                    r->failed = 1;
            }
        }
        i = j;
    }
    free(keys);
    return 0;
}

/* ---- pools -------------------------------------------------------------- */

static int cmp_label(const void *pa, const void *pb)
{
    return strcmp(((const kf_label *)pa)->key, ((const kf_label *)pb)->key);
}

static void pool_error(kf_pool *p, const char *why, const char *detail)
{
    if (p->error)
        return;
    p->error = why;
    if (detail)
        p->error_detail = strdup(detail);
}

/* Normalise the pool's selector into sorted matchLabels, or record why it is
 * refused. */
static int read_pool_selector(const kf_view *v, kf_pool *p)
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
    qsort(p->labels, p->nlabels, sizeof *p->labels, cmp_label);
    for (size_t i = 1; i < p->nlabels; i++)
        if (strcmp(p->labels[i].key, p->labels[i - 1].key) == 0)
            pool_error(p, "a selector key is given twice", p->labels[i].key);
    return 0;
}

static int cmp_pool(const void *pa, const void *pb)
{
    const kf_pool *a = pa, *b = pb;
    int c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c)
        c = a->group - b->group;
    return c;
}

static int cmp_objective(const void *pa, const void *pb)
{
    const kf_objective *a = pa, *b = pb;
    int c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c)
        c = a->group - b->group;
    return c;
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
static int find_unsafe(kf_plan *plan)
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
        size_t cls = SIZE_MAX;
        for (size_t k = i; k < j; k++) {
            if (!v[k].full)
                continue;
            kf_pool *p = &plan->pools[v[k].pool];
            if (cls == SIZE_MAX)
                cls = v[k].pool;
            p->selector_class = cls;
            for (size_t m = i; m < j; m++) {
                const kf_pool *q = &plan->pools[v[m].pool];
                if (q == p || strcmp(q->name, p->name) == 0)
                    continue;
                p->unsafe = true;
                p->unsafe_peer = q->name;
                break;
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

/* ---- collecting the kinds ----------------------------------------------- */

/* The group (kf_groups index) of a GAIE apiVersion that kleym-fn reads.
 * Pools and objectives exist in both; which is tried first when a reference
 * has no group is decided in resolve_pool() and resolve_objective(). */
static bool gaie_group(const char *api, int *group)
{
    static const char *const apis[2] = {"inference.networking.k8s.io/v1",
                                        "inference.networking.x-k8s.io/v1alpha2"};
    for (int i = 0; i < 2; i++)
        if (strcmp(api, apis[i]) == 0) {
            *group = i;
            return true;
        }
    return false;
}

static int collect(resolver *r, bool *read_kind, bool *is_binding)
{
    const kf_input *in = r->in;
    kf_plan *plan = r->plan;
    size_t nb = 0, np = 0, no = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        kf_view v;
        view_of(in, i, &v);
        const char *api = kf_view_str(&v, KF_F_APIVERSION);
        const char *kind = kf_view_str(&v, KF_F_KIND);
        int g;
        if (strcmp(kind, "InferenceIdentityBinding") == 0 &&
            strcmp(api, BINDING_API) == 0)
            is_binding[i] = read_kind[i] = true, nb++;
        else if (strcmp(kind, "InferencePool") == 0 && gaie_group(api, &g))
            read_kind[i] = true, np++;
        else if (strcmp(kind, "InferenceObjective") == 0 && gaie_group(api, &g))
            read_kind[i] = true, no++;
        else if (strcmp(kind, "ClusterSPIFFEID") == 0 && strcmp(api, CSID_API) == 0)
            read_kind[i] = true;
    }
    plan->bindings = calloc(nb ? nb : 1, sizeof *plan->bindings);
    plan->pools = calloc(np ? np : 1, sizeof *plan->pools);
    plan->objectives = calloc(no ? no : 1, sizeof *plan->objectives);
    if (!plan->bindings || !plan->pools || !plan->objectives)
        return -1;
    for (size_t i = 0; i < in->nitems; i++) {
        if (!read_kind[i] || is_binding[i])
            continue;
        kf_view v;
        view_of(in, i, &v);
        const char *api = kf_view_str(&v, KF_F_APIVERSION);
        const char *kind = kf_view_str(&v, KF_F_KIND);
        int g;
        if (strcmp(kind, "InferencePool") == 0 && gaie_group(api, &g)) {
            kf_pool *p = &plan->pools[plan->npools++];
            p->item = i;
            p->ns = kf_view_str(&v, KF_F_NAMESPACE);
            p->name = kf_view_str(&v, KF_F_NAME);
            p->api_version = api;
            p->group = g;
            if (read_pool_selector(&v, p) < 0)
                return -1;
        } else if (strcmp(kind, "InferenceObjective") == 0 &&
                   gaie_group(api, &g)) {
            kf_objective *o = &plan->objectives[plan->nobjectives++];
            o->item = (uint32_t)i;
            o->ns = kf_view_str(&v, KF_F_NAMESPACE);
            o->name = kf_view_str(&v, KF_F_NAME);
            o->api_version = api;
            o->group = (int8_t)g;
            o->first_field = in->items[i].first_field;
            o->nfields = in->items[i].nfields;
        }
    }
    return 0;
}

/* ---- bindings ------------------------------------------------------------ */

typedef struct check {
    resolver *r;
    kf_binding *b;
    kf_view *v;
    int errors;
} check;

static void fail_b(check *c, const char *cond, const char *reason,
                   const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail_b(check *c, const char *cond, const char *reason,
                   const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add(c->r, &c->b->ref, KF_SEV_ERROR, cond, reason, field, msg);
    c->b->ok = false;
    c->errors++;
}

/* A required or optional string field; returns its text or NULL. */
static const char *string_field(check *c, enum kf_fid id, bool required,
                                const char *path, const char *cond,
                                const char *reason)
{
    char buf[256];
    if (!required && !c->v->f[id])
        return NULL;
    const char *why = kf_view_problem(c->v, id, buf, sizeof buf);
    if (why) {
        fail_b(c, cond, reason, path, "%s %s", path, why);
        return NULL;
    }
    return kf_view_str(c->v, id);
}

static int group_field(check *c, enum kf_fid id, const char *path,
                       const char *reason)
{
    const char *g = string_field(c, id, false, path, "InvalidRef", reason);
    if (!g)
        return -1;
    int gi = group_index(g);
    if (gi < 0)
        fail_b(c, "InvalidRef", reason, path,
               "%s must be %s or %s, not \"%.100s\"", path, kf_groups[0],
               kf_groups[1], g);
    return gi;
}

static void check_fields(check *c)
{
    kf_binding *b = c->b;
    kf_view *v = c->v;

    const char *name = string_field(c, KF_F_NAME, true, "metadata.name",
                                    "RenderFailure", "InvalidBindingName");
    if (name && (!kf_is_dns1123_subdomain(name, strlen(name)) || strlen(name) > 63))
        fail_b(c, "RenderFailure", "InvalidBindingName", "metadata.name",
               "metadata.name \"%.100s\" must be a DNS-1123 subdomain of at most "
               "63 characters (it becomes a label value)", name);

    if (!v->f[KF_F_NAMESPACE] || (v->f[KF_F_NAMESPACE]->type == KF_V_STR &&
                                  !kf_field_text(v->in, v->f[KF_F_NAMESPACE])[0] &&
                                  !v->dup[KF_F_NAMESPACE]))
        fail_b(c, "RenderFailure", "MissingNamespace", "metadata.namespace",
               "metadata.namespace is not set; the identity is namespace-scoped: "
               "set it, or run set-namespace (kpt) or namespace: (kustomize) "
               "before this function");
    else {
        const char *ns = string_field(c, KF_F_NAMESPACE, true, "metadata.namespace",
                                      "RenderFailure", "MissingNamespace");
        if (ns && !kf_is_dns1123_label(ns, strlen(ns)))
            fail_b(c, "RenderFailure", "MissingNamespace", "metadata.namespace",
                   "metadata.namespace \"%.100s\" is not a valid namespace "
                   "(DNS-1123 label: a-z 0-9 -, at most 63)", ns);
    }

    /* The first of two keys decides what the item is here; a tool that
     * reads the last would see another object. */
    static const struct {
        enum kf_fid id;
        const char *path;
    } once[] = {{KF_F_APIVERSION, "apiVersion"}, {KF_F_KIND, "kind"},
                {KF_F_SPEC, "spec"}, {KF_F_METADATA, "metadata"}};
    for (size_t i = 0; i < sizeof once / sizeof *once; i++)
        if (v->dup[once[i].id]) {
            fail_b(c, "RenderFailure", "DuplicateKey", once[i].path,
                   "%s is given twice", once[i].path);
            break;
        }

    b->mode = KF_MODE_PER_OBJECTIVE;
    bool mode_known = true;
    int before = c->errors;
    const char *mode = string_field(c, KF_F_MODE, false, "spec.mode",
                                    "RenderFailure", "UnsupportedMode");
    if (mode) {
        if (strcmp(mode, "PoolOnly") == 0)
            b->mode = KF_MODE_POOL_ONLY;
        else if (strcmp(mode, "PerObjective") != 0)
            fail_b(c, "RenderFailure", "UnsupportedMode", "spec.mode",
                   "spec.mode must be PoolOnly or PerObjective, not \"%.100s\"", mode);
    }
    if (c->errors > before)
        mode_known = false; /* skip the checks that depend on the mode */

    /* poolRef */
    enum kf_vtype pr = kf_view_type(v, KF_F_POOLREF);
    if (pr != KF_V_ABSENT && (pr != KF_V_MAP || v->dup[KF_F_POOLREF]))
        fail_b(c, "InvalidRef", "InvalidPoolRef", "spec.poolRef",
               "spec.poolRef must be a mapping given once");
    else {
        b->pool_name = string_field(c, KF_F_POOLREF_NAME, true, "spec.poolRef.name",
                                    "InvalidRef", "InvalidPoolRef");
        if (b->pool_name && !kf_is_dns1123_subdomain(b->pool_name, strlen(b->pool_name))) {
            fail_b(c, "InvalidRef", "InvalidPoolRef", "spec.poolRef.name",
                   "spec.poolRef.name \"%.100s\" is not a valid object name "
                   "(DNS-1123 subdomain)", b->pool_name);
            b->pool_name = NULL;
        }
        b->pool_group = group_field(c, KF_F_POOLREF_GROUP, "spec.poolRef.group",
                                    "InvalidPoolRef");
    }

    b->sa = string_field(c, KF_F_SA, true, "spec.serviceAccountName", "RenderFailure",
                         "InvalidServiceAccountName");
    if (b->sa && !kf_is_dns1123_subdomain(b->sa, strlen(b->sa))) {
        fail_b(c, "RenderFailure", "InvalidServiceAccountName",
               "spec.serviceAccountName",
               "spec.serviceAccountName \"%.100s\" is not a valid service account "
               "name (DNS-1123 subdomain, at most 253)", b->sa);
        b->sa = NULL;
    }

    enum kf_vtype orf = kf_view_type(v, KF_F_OBJREF);
    if (!mode_known) {
        /* nothing: which fields are required depends on the mode */
    } else if (b->mode == KF_MODE_PER_OBJECTIVE) {
        if (orf != KF_V_ABSENT && (orf != KF_V_MAP || v->dup[KF_F_OBJREF]))
            fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef",
                   "spec.objectiveRef must be a mapping given once");
        else if (!v->f[KF_F_OBJREF_NAME])
            fail_b(c, "RenderFailure", "MissingObjectiveRef", "spec.objectiveRef.name",
                   "spec.objectiveRef.name is required in PerObjective mode "
                   "(or set spec.mode: PoolOnly)");
        else {
            b->objective_name = string_field(c, KF_F_OBJREF_NAME, true,
                                             "spec.objectiveRef.name", "InvalidRef",
                                             "InvalidObjectiveRef");
            if (b->objective_name &&
                !kf_is_dns1123_subdomain(b->objective_name, strlen(b->objective_name))) {
                fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
                       "spec.objectiveRef.name \"%.100s\" is not a valid object "
                       "name (DNS-1123 subdomain)", b->objective_name);
                b->objective_name = NULL;
            }
            b->objective_group = group_field(c, KF_F_OBJREF_GROUP,
                                             "spec.objectiveRef.group",
                                             "InvalidObjectiveRef");
        }
        b->container = string_field(c, KF_F_CONTAINER, true, "spec.containerName",
                                    "RenderFailure", "InvalidContainerName");
        if (b->container && !kf_is_dns1123_label(b->container, strlen(b->container))) {
            fail_b(c, "RenderFailure", "InvalidContainerName", "spec.containerName",
                   "spec.containerName \"%.100s\" is not a valid container name "
                   "(DNS-1123 label)", b->container);
            b->container = NULL;
        }
    } else if (v->f[KF_F_CONTAINER]) {
        fail_b(c, "RenderFailure", "UnexpectedContainerName", "spec.containerName",
               "spec.containerName must not be set in PoolOnly mode (the pool "
               "identity covers every container); remove it or use PerObjective");
    }
}

static kf_pool *find_pool(kf_plan *plan, const char *ns, const char *name, int group)
{
    kf_pool key = {.ns = ns, .name = name, .group = group};
    return bsearch(&key, plan->pools, plan->npools, sizeof key, cmp_pool);
}

static kf_objective *find_objective(kf_plan *plan, const char *ns,
                                    const char *name, int group)
{
    kf_objective key = {.ns = ns, .name = name, .group = group};
    return bsearch(&key, plan->objectives, plan->nobjectives, sizeof key,
                   cmp_objective);
}

static void resolve_pool(check *c)
{
    kf_binding *b = c->b;
    kf_plan *plan = c->r->plan;
    kf_pool *p = NULL;
    if (b->pool_group >= 0)
        p = find_pool(plan, b->ref.namespace, b->pool_name, b->pool_group);
    else if (!(p = find_pool(plan, b->ref.namespace, b->pool_name, 0)))
        p = find_pool(plan, b->ref.namespace, b->pool_name, 1);
    if (!p) {
        fail_b(c, "InvalidRef", "TargetPoolNotFound", "spec.poolRef.name",
               "InferencePool %s/%s%s%s was not found in the input",
               b->ref.namespace, b->pool_name, b->pool_group >= 0 ? " in group " : "",
               b->pool_group >= 0 ? kf_groups[b->pool_group] : "");
        return;
    }
    b->pool = (size_t)(p - plan->pools);
    if (p->duplicate) {
        fail_b(c, "InvalidRef", "InvalidPoolRef", "spec.poolRef.name",
               "InferencePool %s/%s is defined more than once in the input",
               b->ref.namespace, b->pool_name);
        return;
    }
    if (p->error) {
        fail_b(c, "UnsafeSelector", "InvalidPoolSelector", "spec.poolRef.name",
               "InferencePool %s/%s cannot be used: %s%s%s%s", p->ns, p->name,
               p->error, p->error_detail ? " (key \"" : "",
               p->error_detail ? p->error_detail : "", p->error_detail ? "\")" : "");
        return;
    }
    if (p->unsafe)
        fail_b(c, "UnsafeSelector", "UnsafeSelector", "spec.poolRef.name",
               "the selector of InferencePool %s/%s also matches the pods of "
               "InferencePool %s/%s, which carry all of its labels; give each "
               "pool a label of its own", p->ns, p->name, p->ns, p->unsafe_peer);
}

static void resolve_objective(check *c)
{
    kf_binding *b = c->b;
    resolver *r = c->r;
    kf_plan *plan = r->plan;
    kf_objective *o = NULL;
    if (b->objective_group >= 0)
        o = find_objective(plan, b->ref.namespace, b->objective_name, b->objective_group);
    else if (!(o = find_objective(plan, b->ref.namespace, b->objective_name, 1)))
        o = find_objective(plan, b->ref.namespace, b->objective_name, 0);
    if (!o) {
        fail_b(c, "InvalidRef", "TargetObjectiveNotFound", "spec.objectiveRef.name",
               "InferenceObjective %s/%s was not found in the input", b->ref.namespace,
               b->objective_name);
        return;
    }
    if (o->duplicate) {
        fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
               "InferenceObjective %s/%s is defined more than once in the input",
               b->ref.namespace, b->objective_name);
        return;
    }
    if (!c->b->ok)
        return; /* the pool did not resolve: nothing to compare with */
    kf_view ov;
    view_of_fields(r->in, o->first_field, o->nfields, &ov);
    const kf_pool *p = &plan->pools[b->pool];
    char buf[256];
    const char *why;
    if (kf_view_type(&ov, KF_F_POOLREF) != KF_V_MAP || ov.dup[KF_F_POOLREF]) {
        fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
               "InferenceObjective %s/%s has no spec.poolRef mapping", o->ns, o->name);
        return;
    }
    if ((why = kf_view_problem(&ov, KF_F_POOLREF_NAME, buf, sizeof buf))) {
        fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
               "InferenceObjective %s/%s: spec.poolRef.name %s", o->ns, o->name, why);
        return;
    }
    const char *pn = kf_view_str(&ov, KF_F_POOLREF_NAME);
    if (strcmp(pn, p->name) != 0) {
        fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
               "InferenceObjective %s/%s belongs to pool \"%.100s\", not to %s",
               o->ns, o->name, pn, p->name);
        return;
    }
    static const struct {
        enum kf_fid id;
        const char *path;
    } opt[] = {{KF_F_POOLREF_NS, "spec.poolRef.namespace"},
               {KF_F_POOLREF_KIND, "spec.poolRef.kind"},
               {KF_F_POOLREF_GROUP, "spec.poolRef.group"}};
    for (size_t i = 0; i < 3; i++) {
        if (!ov.f[opt[i].id])
            continue;
        if ((why = kf_view_problem(&ov, opt[i].id, buf, sizeof buf))) {
            fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
                   "InferenceObjective %s/%s: %s %s", o->ns, o->name, opt[i].path, why);
            return;
        }
        const char *val = kf_view_str(&ov, opt[i].id);
        const char *want = i == 0 ? p->ns : i == 1 ? "InferencePool" : kf_groups[p->group];
        if (strcmp(val, want) != 0) {
            fail_b(c, "InvalidRef", "InvalidObjectiveRef", "spec.objectiveRef.name",
                   "InferenceObjective %s/%s: %s is \"%.100s\", but the binding's "
                   "pool needs \"%s\"", o->ns, o->name, opt[i].path, val, want);
            return;
        }
    }
}

static int build_identity(check *c)
{
    kf_binding *b = c->b;
    const kf_config *cfg = c->r->cfg;
    kf_buf id = {0};
    bool pool_only = b->mode == KF_MODE_POOL_ONLY;
    if (kf_buf_printf(&id, "spiffe://%s/ns/%s/%s/%s", cfg->trust_domain,
                      b->ref.namespace, pool_only ? "pool" : "objective",
                      pool_only ? b->pool_name : b->objective_name) < 0)
        return -1;
    if (!kf_is_spiffe_id(id.data, id.len)) {
        fail_b(c, "RenderFailure", "InvalidSPIFFEID", NULL,
               "%.300s is not a valid SPIFFE ID (path segments of A-Z a-z 0-9 . "
               "- _, at most 2048 bytes)", id.data);
        kf_buf_free(&id);
        return 0;
    }
    /* The ID and the name in one allocation of their exact size. */
    char name[KF_NAME_MAX + 1];
    if (kf_identity_name(b->ref.namespace, b->ref.name, pool_only, id.data, name) < 0) {
        kf_buf_free(&id);
        return -1;
    }
    size_t n = strlen(name);
    b->spiffe_id = malloc(id.len + 1 + n + 1);
    if (!b->spiffe_id) {
        kf_buf_free(&id);
        return -1;
    }
    memcpy(b->spiffe_id, id.data, id.len + 1);
    memcpy(b->spiffe_id + id.len + 1, name, n + 1);
    b->csid_name = b->spiffe_id + id.len + 1;
    kf_buf_free(&id);
    return 0;
}

static int cmp_csid(const void *pa, const void *pb)
{
    const idkey *a = pa, *b = pb;
    return strcmp(a->name, b->name);
}

static int check_binding(resolver *r, kf_binding *b, const idkey *foreign,
                         size_t nforeign)
{
    kf_view v;
    view_of(r->in, b->item, &v);
    check c = {r, b, &v, 0};
    b->ok = true;
    b->pool_group = b->objective_group = -1;
    if (!r->cfg->trust_domain[0])
        fail_b(&c, "RenderFailure", "MissingTrustDomain", NULL,
               "trustDomain must be configured before Kleym can render SPIFFE IDs");
    check_fields(&c);
    if (!b->ok)
        return 0;
    resolve_pool(&c);
    if (b->mode == KF_MODE_PER_OBJECTIVE)
        resolve_objective(&c);
    if (!b->ok)
        return 0;
    if (build_identity(&c) < 0)
        return -1;
    if (!b->ok)
        return 0;
    idkey key = {.name = b->csid_name};
    const idkey *f = bsearch(&key, foreign, nforeign, sizeof key, cmp_csid);
    if (f) {
        kf_view fv;
        view_of(r->in, f->item, &fv);
        kf_ref fr = kf_view_ref(&fv, f->item);
        char where[512];
        kf_ref_where(&fr, where, sizeof where);
        fail_b(&c, "RenderFailure", "ManagedOutputApplyFailed", NULL,
               "ClusterSPIFFEID %s already exists (%s) and is not managed by "
               "kleym (label kleym.sonda.red/managed-by: kleym); it is left "
               "untouched: rename or remove it", b->csid_name, where);
    }
    return 0;
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
    resolver r = {in, cfg, plan, rs, 0};
    memset(plan, 0, sizeof *plan);
    size_t n = in->nitems ? in->nitems : 1;
    bool *read_kind = calloc(n, sizeof *read_kind);
    bool *is_binding = calloc(n, sizeof *is_binding);
    bool *dup = calloc(n, sizeof *dup);
    idkey *foreign = calloc(n, sizeof *foreign);
    plan->drop = calloc(n, sizeof *plan->drop);
    plan->mark_local = calloc(n, sizeof *plan->mark_local);
    int rc = -1;
    if (!read_kind || !is_binding || !dup || !foreign || !plan->drop ||
        !plan->mark_local)
        goto out;
    if (collect(&r, read_kind, is_binding) < 0 ||
        find_duplicates(&r, read_kind, dup) < 0)
        goto out;

    size_t nforeign = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        kf_view v;
        view_of(in, i, &v);
        if (is_binding[i]) {
            kf_binding *b = &plan->bindings[plan->nbindings++];
            b->item = (uint32_t)i;
            b->ref = kf_view_ref(&v, i);
            b->csid_name = "";
            if (!cfg->keep_bindings && !v.f[KF_F_ANN_LOCAL])
                plan->mark_local[i] = true;
            continue;
        }
        if (!read_kind[i] || strcmp(kf_view_str(&v, KF_F_KIND), "ClusterSPIFFEID"))
            continue;
        if (is_owned_csid(&v))
            plan->drop[i] = true;
        else
            foreign[nforeign++] = (idkey){.name = kf_view_str(&v, KF_F_NAME), .item = i};
    }
    qsort(foreign, nforeign, sizeof *foreign, cmp_csid);
    for (size_t i = 0; i < plan->npools; i++)
        plan->pools[i].duplicate = dup[plan->pools[i].item];
    for (size_t i = 0; i < plan->nobjectives; i++)
        plan->objectives[i].duplicate = dup[plan->objectives[i].item];
    qsort(plan->pools, plan->npools, sizeof *plan->pools, cmp_pool);
    qsort(plan->objectives, plan->nobjectives, sizeof *plan->objectives, cmp_objective);
    if (find_unsafe(plan) < 0)
        goto out;
    qsort(plan->bindings, plan->nbindings, sizeof *plan->bindings, cmp_binding);
    for (size_t i = 0; i < plan->nbindings; i++) {
        kf_binding *b = &plan->bindings[i];
        if (dup[b->item]) {
            b->ok = false;
            continue;
        }
        if (check_binding(&r, b, foreign, nforeign) < 0)
            goto out;
    }
    rc = r.failed ? -1 : 0;
out:
    free(read_kind);
    free(is_binding);
    free(dup);
    free(foreign);
    return rc;
}

void kf_plan_free(kf_plan *plan)
{
    for (size_t i = 0; i < plan->nbindings; i++) {
        kf_binding *b = &plan->bindings[i];
        free(b->spiffe_id);
    }
    for (size_t i = 0; i < plan->npools; i++) {
        free(plan->pools[i].labels);
        free(plan->pools[i].error_detail);
    }
    free(plan->bindings);
    free(plan->pools);
    free(plan->objectives);
    free(plan->drop);
    free(plan->mark_local);
    memset(plan, 0, sizeof *plan);
}
