/* resolve_refs.c - a binding's references and identity (resolve.h).
 *
 * A reference without a group tries the apiVersions its kind is read at in
 * lookup order (schema.c); the first that has an object of that namespace
 * and name is the one used. Lookups are binary searches in the sorted
 * pools and objectives. The identity is the SPIFFE ID of the binding's
 * dialect and mode, and the ClusterSPIFFEID name derived from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

/* SPIFFE ID id[0..n) of binding b in the plan's texts: the copy stored
 * already when its slot holds it, else a new one that takes the slot. */
static const char *shared_id(kf_resolver *r, const kf_binding *b, const char *id,
                             size_t n)
{
    const kf_binding *all = r->plan->bindings;
    uint32_t *slot = &r->ids[kf_hash_str(KF_HASH_BASIS, id) % KF_ID_SLOTS];
    if (*slot && strcmp(all[*slot - 1].spiffe_id, id) == 0)
        return all[*slot - 1].spiffe_id;
    *slot = (uint32_t)(b - all) + 1;
    return kf_arena_strdup(&r->plan->texts, id, n);
}

static kf_pool *find_pool(kf_plan *plan, const char *ns, const char *name, int group)
{
    kf_pool key = {.ns = ns, .name = name, .group = group};
    return bsearch(&key, plan->pools, plan->npools, sizeof key, kf_cmp_pool);
}

static kf_objective *find_objective(kf_plan *plan, const char *ns,
                                    const char *name, int group)
{
    kf_objective key = {.ns = ns, .name = name, .group = (int8_t)group};
    return bsearch(&key, plan->objectives, plan->nobjectives, sizeof key,
                   kf_cmp_objective);
}

/* What the input has under that name instead (SPEC section 3), as a
 * sentence for a not-found message, or "": a namespace-less object of the
 * kind (when no namespace is configured), or for an objective an
 * InferenceModel, the kind GAIE <= 0.5 had. */
static const char *look_alike(kf_check *c, enum kf_kclass cls, const char *kind,
                              const char *name, char *buf, size_t cap)
{
    const kf_plan *plan = c->r->plan;
    const kf_input *in = c->r->in;
    uint32_t item = UINT32_MAX;
    const char *what = NULL;
    for (int g = 0; g < kf_kind_api_count(cls) && item == UINT32_MAX && !in->default_ns; g++) {
        const void *o = cls == KF_KC_POOL
                            ? (const void *)find_pool((kf_plan *)plan, "", name, g)
                            : (const void *)find_objective((kf_plan *)plan, "", name, g);
        if (o)
            item = cls == KF_KC_POOL ? (uint32_t)((const kf_pool *)o)->item
                                     : ((const kf_objective *)o)->item;
    }
    if (item != UINT32_MAX) {
        what = "namespace";
    } else if (cls == KF_KC_OBJECTIVE) {
        kf_plan *pl = (kf_plan *)plan;
        for (int g = 0; g < kf_kind_api_count(KF_KC_MODEL) && item == UINT32_MAX; g++) {
            kf_objective key = {.ns = c->b->ref.namespace, .name = name, .group = (int8_t)g};
            const kf_objective *m = bsearch(&key, pl->models, pl->nmodels, sizeof key,
                                            kf_cmp_objective);
            if (m)
                item = m->item, what = "model";
        }
    }
    if (item == UINT32_MAX)
        return "";
    kf_view v;
    kf_view_item(&v, in, item);
    kf_ref ref = kf_view_ref(&v, item);
    char where[512];
    kf_ref_where(&ref, where, sizeof where);
    if (what[0] == 'n')
        snprintf(buf, cap, "; %s %s (%s) has no metadata.namespace: set the "
                 "functionConfig namespace to where the package is applied "
                 "(kubectl apply -n, kustomize namespace:), or metadata.namespace",
                 kind, name, where);
    else
        snprintf(buf, cap, "; the input has InferenceModel %s/%s (%s), the kind of "
                 "GAIE 0.5 and earlier: Kleym reads InferenceObjective "
                 "(inference.networking.x-k8s.io/v1alpha2 or llm-d.ai/v1alpha2)",
                 ref.namespace, name, where);
    return buf;
}

/* "<Kind> ns/name was not found in the input[ in group g]", and what the
 * input has instead. */
static void not_found(kf_check *c, enum kf_reason reason, const char *path,
                      enum kf_kclass cls, const char *kind, const char *name, int group)
{
    char g[128], hint[768];
    kf_check_fail(c, reason, path, "%s %s/%s was not found in the input%s%s%s", kind,
                  c->b->ref.namespace, name, group >= 0 ? " in group " : "",
                  group >= 0 ? kf_kind_group(cls, group, g, sizeof g) : "",
                  look_alike(c, cls, kind, name, hint, sizeof hint));
}

/* "<Kind> ns/name is defined more than once in the input". */
static void defined_twice(kf_check *c, enum kf_reason reason, const char *path,
                          const char *kind, const char *name)
{
    kf_check_fail(c, reason, path, "%s %s/%s is defined more than once in the input",
                  kind, c->b->ref.namespace, name);
}

static void pool_not_found(kf_check *c)
{
    kf_binding *b = c->b;
    kf_plan *plan = c->r->plan;
    int last = kf_dialect_pool_last(kf_dialect_of(b));
    if (last + 1 < kf_kind_api_count(KF_KC_POOL)) {
        /* the dialect resolves pools of the first apiVersion(s) only */
        const char *const *api = kf_kind_of(KF_KC_POOL)->api_versions;
        int other = last + 1;
        while (other < kf_kind_api_count(KF_KC_POOL) &&
               !find_pool(plan, b->ref.namespace, b->pool_name, other))
            other++;
        bool found = other < kf_kind_api_count(KF_KC_POOL);
        char hint[768];
        kf_check_fail(c, KF_R_TARGET_POOL_NOT_FOUND, "spec.poolRef.name",
                      "InferencePool %s/%s %s%s; %s bindings need an %s pool%s",
                      b->ref.namespace, b->pool_name,
                      found ? "exists only as " : "was not found in the input",
                      found ? api[other] : "", kf_binding_dialect(b), api[0],
                      found ? "" : look_alike(c, KF_KC_POOL, "InferencePool",
                                              b->pool_name, hint, sizeof hint));
        return;
    }
    not_found(c, KF_R_TARGET_POOL_NOT_FOUND, "spec.poolRef.name", KF_KC_POOL,
              "InferencePool", b->pool_name, b->pool_group);
}

/* A variant binding's pool may select the variant label itself, but only
 * with the binding's variant. */
static void check_pool_variant(kf_check *c, const kf_pool *p)
{
    for (size_t i = 0; i < p->nlabels; i++) {
        if (strcmp(p->labels[i].key, KF_VARIANT_LABEL) != 0 ||
            strcmp(p->labels[i].value, c->b->variant) == 0)
            continue;
        kf_check_fail(c, KF_R_UNSAFE_SELECTOR, "spec.identityBoundary.variant",
                      "InferencePool %s/%s selects pods with " KF_VARIANT_LABEL
                      ": %s, but this binding's variant is %s: no pod can carry "
                      "both; bind variant %s, or remove the variant label from the "
                      "pool's selector", p->ns, p->name, p->labels[i].value,
                      c->b->variant, p->labels[i].value);
        return;
    }
}

void kf_resolve_pool(kf_check *c)
{
    kf_binding *b = c->b;
    kf_plan *plan = c->r->plan;
    kf_pool *p = NULL;
    int last = kf_dialect_pool_last(kf_dialect_of(b));
    if (b->pool_group >= 0)
        p = find_pool(plan, b->ref.namespace, b->pool_name, b->pool_group);
    for (int g = 0; !p && b->pool_group < 0 && g <= last; g++)
        p = find_pool(plan, b->ref.namespace, b->pool_name, g);
    if (!p) {
        pool_not_found(c);
        return;
    }
    b->pool = (uint32_t)(p - plan->pools);
    if (p->duplicate) {
        defined_twice(c, KF_R_INVALID_POOL_REF, "spec.poolRef.name", "InferencePool",
                      b->pool_name);
        return;
    }
    if (p->error) {
        kf_check_fail(c, KF_R_INVALID_POOL_SELECTOR, "spec.poolRef.name",
                      "InferencePool %s/%s cannot be used: %s%s%.100s%s", p->ns, p->name,
                      p->error, p->error_detail ? " (key \"" : "",
                      p->error_detail ? p->error_detail : "",
                      p->error_detail ? "\")" : "");
        return;
    }
    switch (kf_dialect_of(b)->match) {
    case KF_MATCH_POOL:
    case KF_MATCH_CONTAINER:
        break;
    case KF_MATCH_VARIANT:
        if (b->variant)
            check_pool_variant(c, p);
        break;
    }
}

/* The objective's spec.poolRef must name the binding's pool. */
static void check_objective_pool(kf_check *c, const kf_objective *o)
{
    kf_resolver *r = c->r;
    kf_view ov;
    kf_view_init(&ov, r->in, o->nfields ? r->in->fields + o->first_field : NULL,
                 o->nfields, 0);
    const kf_pool *p = &r->plan->pools[c->b->pool];
    char buf[256], g[128];
    const char *why;
    if (kf_view_type(&ov, KF_F_POOLREF) != KF_V_MAP || ov.dup[KF_F_POOLREF]) {
        kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                      "InferenceObjective %s/%s has no spec.poolRef mapping", o->ns,
                      o->name);
        return;
    }
    if ((why = kf_view_problem(&ov, KF_F_POOLREF_NAME, buf, sizeof buf))) {
        kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                      "InferenceObjective %s/%s: spec.poolRef.name %s", o->ns, o->name,
                      why);
        return;
    }
    const char *pn = kf_view_str(&ov, KF_F_POOLREF_NAME);
    if (strcmp(pn, p->name) != 0) {
        kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                      "InferenceObjective %s/%s belongs to pool \"%.100s\", not to %s",
                      o->ns, o->name, pn, p->name);
        return;
    }
    const struct {
        enum kf_fid id;
        const char *path, *want;
    } opt[] = {{KF_F_POOLREF_NS, "spec.poolRef.namespace", p->ns},
               {KF_F_POOLREF_KIND, "spec.poolRef.kind", "InferencePool"},
               {KF_F_POOLREF_GROUP, "spec.poolRef.group",
                kf_kind_group(KF_KC_POOL, p->group, g, sizeof g)}};
    for (size_t i = 0; i < sizeof opt / sizeof *opt; i++) {
        if (!ov.f[opt[i].id])
            continue;
        if ((why = kf_view_problem(&ov, opt[i].id, buf, sizeof buf))) {
            kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                          "InferenceObjective %s/%s: %s %s", o->ns, o->name,
                          opt[i].path, why);
            return;
        }
        const char *val = kf_view_str(&ov, opt[i].id);
        if (strcmp(val, opt[i].want) != 0) {
            kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                          "InferenceObjective %s/%s: %s is \"%.100s\", but the "
                          "binding's pool needs \"%s\"", o->ns, o->name, opt[i].path,
                          val, opt[i].want);
            return;
        }
    }
}

void kf_resolve_objective(kf_check *c)
{
    kf_binding *b = c->b;
    kf_plan *plan = c->r->plan;
    kf_objective *o = NULL;
    if (b->objective_group >= 0)
        o = find_objective(plan, b->ref.namespace, b->objective_name,
                           b->objective_group);
    for (int g = 0; !o && b->objective_group < 0 && g < kf_kind_api_count(KF_KC_OBJECTIVE); g++)
        o = find_objective(plan, b->ref.namespace, b->objective_name, g);
    if (!o) {
        not_found(c, KF_R_TARGET_OBJECTIVE_NOT_FOUND, "spec.objectiveRef.name",
                  KF_KC_OBJECTIVE, "InferenceObjective", b->objective_name,
                  b->objective_group);
        return;
    }
    if (o->duplicate) {
        defined_twice(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                      "InferenceObjective", b->objective_name);
        return;
    }
    if (c->b->ok) /* else the pool did not resolve: nothing to compare with */
        check_objective_pool(c, o);
}

/* The binding's value a SPIFFE ID path part carries. */
static const char *id_value(const kf_binding *b, enum kf_id_value v)
{
    switch (v) {
    case KF_IDV_NAMESPACE:
        return b->ref.namespace;
    case KF_IDV_SERVICE_ACCOUNT:
        return b->sa;
    case KF_IDV_POOL:
        return b->pool_name;
    case KF_IDV_OBJECTIVE:
        return b->objective_name;
    case KF_IDV_VARIANT:
        return b->variant;
    }
    return NULL;
}

int kf_build_identity(kf_check *c)
{
    kf_binding *b = c->b;
    const kf_dialect *d = kf_dialect_of(b);
    kf_buf id = {0};
    /* room for the usual ID at once: no reallocation while it is made */
    int rc = kf_buf_reserve(&id, 256);
    if (rc == 0)
        rc = kf_buf_cat(&id, "spiffe://", c->r->cfg->trust_domain, NULL);
    for (size_t i = 0; rc == 0 && i < KF_ID_PARTS && d->id[i].segment; i++)
        rc = kf_buf_cat(&id, "/", d->id[i].segment, "/", id_value(b, d->id[i].value), NULL);
    if (rc < 0) {
        kf_buf_free(&id);
        return -1;
    }
    if (!kf_is_spiffe_id(id.data, id.len)) {
        kf_check_fail(c, KF_R_INVALID_SPIFFE_ID, NULL,
                      "%.300s is not a valid SPIFFE ID (path segments of A-Z a-z "
                      "0-9 . - _, at most 2048 bytes)", id.data);
        kf_buf_free(&id);
        return 0;
    }
    /* The ID shared, the name the binding's own, both in the plan's
     * texts (no allocation of their own). */
    char name[KF_NAME_MAX + 1];
    const char *sid = NULL, *csid = NULL;
    if (kf_identity_name(b->ref.namespace, b->ref.name, d->name_mode, id.data, name) == 0 &&
        (sid = shared_id(c->r, b, id.data, id.len)))
        csid = kf_arena_strdup(&c->r->plan->texts, name, strlen(name));
    kf_buf_free(&id);
    b->spiffe_id = sid; /* the slot just taken names it */
    if (!csid)
        return -1;
    b->spiffe_id = sid;
    b->csid_name = csid;
    return 0;
}
