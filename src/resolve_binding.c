/* resolve_binding.c - a binding's fields, per dialect (resolve.h).
 *
 * A binding's dialect is decided by itself (SPEC section 4): the row of
 * the dialect table (kf_dialect.h) whose choosing field it has (a
 * spec.identityBoundary key, whatever its value: Kleym 0.12), else the row
 * its spec.mode names, else the default (PerObjective). The row says which
 * checks of its own apply besides the common ones. Every field is checked as
 * the cluster would read it: a YAML string (no unquoted yes/123/null, no
 * alias, no tag, no key given twice), then its Kubernetes or SPIFFE rule.
 * All problems are reported, not just the first.
 */
#include <stdio.h>
#include <string.h>

#include "resolve.h"

/* A required or optional string field; returns its text or NULL. */
static const char *string_field(kf_check *c, enum kf_fid id, bool required,
                                const char *path, enum kf_reason reason)
{
    char buf[256];
    if (!required && !c->v->f[id])
        return NULL;
    const char *why = kf_view_problem(c->v, id, buf, sizeof buf);
    if (why) {
        kf_check_fail(c, reason, path, "%s %s", path, why);
        return NULL;
    }
    return kf_view_str(c->v, id);
}

/* "a, b or c": the API groups a kind is read at, from rank `from` on. */
static void groups_text(enum kf_kclass cls, int from, int to, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = from; i <= to && len < cap; i++) {
        char g[128];
        const char *sep = i == from ? "" : i == to ? " or " : ", ";
        len += (size_t)snprintf(out + len, cap - len, "%s%s", sep,
                                kf_kind_group(cls, i, g, sizeof g));
    }
}

/* An optional API group that narrows a lookup to one of the groups of cls
 * up to rank `last`. Returns its rank, or -1 (absent or refused). */
static int group_field(kf_check *c, enum kf_fid id, const char *path,
                       enum kf_reason reason, enum kf_kclass cls, int last,
                       const char *why_only)
{
    const char *g = string_field(c, id, false, path, reason);
    if (!g)
        return -1;
    int rank = kf_kind_group_rank(cls, g);
    if (rank >= 0 && rank <= last)
        return rank;
    char list[256];
    groups_text(cls, 0, last, list, sizeof list);
    kf_check_fail(c, reason, path, "%s must be %s%s, not \"%.100s\"", path, list,
                  why_only, g);
    return -1;
}

/* A reference's name: an object name in the binding's namespace. */
static const char *ref_name(kf_check *c, enum kf_fid id, const char *path,
                            enum kf_reason reason)
{
    const char *name = string_field(c, id, true, path, reason);
    if (name && !kf_is_dns1123_subdomain(name, strlen(name))) {
        kf_check_fail(c, reason, path, "%s \"%.100s\" is not a valid object name "
                      "(DNS-1123 subdomain)", path, name);
        return NULL;
    }
    return name;
}

static void check_identity_of_binding(kf_check *c)
{
    kf_view *v = c->v;
    const char *name = string_field(c, KF_F_NAME, true, "metadata.name",
                                    KF_R_INVALID_BINDING_NAME);
    if (name && (!kf_is_dns1123_subdomain(name, strlen(name)) || strlen(name) > 63))
        kf_check_fail(c, KF_R_INVALID_BINDING_NAME, "metadata.name",
                      "metadata.name \"%.100s\" must be a DNS-1123 subdomain of at "
                      "most 63 characters (it becomes a label value)", name);

    if (kf_view_namespace_less(v)) {
        /* in the configured namespace, which is valid; else none */
        if (!v->in->default_ns)
            kf_check_fail(c, KF_R_MISSING_NAMESPACE, "metadata.namespace",
                          "metadata.namespace is not set; the identity is "
                          "namespace-scoped: set metadata.namespace, or the "
                          "functionConfig namespace (where the package is "
                          "applied: kubectl apply -n, kustomize namespace:)");
    } else {
        const char *ns = string_field(c, KF_F_NAMESPACE, true, "metadata.namespace",
                                      KF_R_MISSING_NAMESPACE);
        if (ns && !kf_is_dns1123_label(ns, strlen(ns)))
            kf_check_fail(c, KF_R_MISSING_NAMESPACE, "metadata.namespace",
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
            kf_check_fail(c, KF_R_DUPLICATE_FIELD, once[i].path, "%s is given twice",
                          once[i].path);
            break;
        }
}

/* Which dialect and mode. Returns false when the mode cannot be known (the
 * checks that depend on it are skipped). */
static bool check_mode(kf_check *c)
{
    kf_binding *b = c->b;
    kf_view *v = c->v;
    static const struct {
        enum kf_fid id;
        const char *path;
    } legacy[] = {{KF_F_MODE, "spec.mode"}, {KF_F_OBJREF, "spec.objectiveRef"},
                  {KF_F_CONTAINER, "spec.containerName"}};
    const kf_dialect *marked = NULL; /* the first row a field of its own chooses */
    unsigned chosen = KF_MODE_COUNT;
    for (unsigned m = 0; m < KF_MODE_COUNT && chosen == KF_MODE_COUNT; m++) {
        const kf_dialect *d = kf_dialect_get(m);
        if (d->chosen_by == KF_F_NONE)
            continue;
        marked = marked ? marked : d;
        if (v->f[d->chosen_by])
            chosen = m;
    }
    if (chosen < KF_MODE_COUNT) {
        b->mode = (uint8_t)chosen;
        char list[96] = "";
        size_t n = 0;
        for (size_t i = 0; i < sizeof legacy / sizeof *legacy; i++)
            if (v->f[legacy[i].id])
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
                                      n ? ", " : "", legacy[i].path);
        if (n == 0)
            return true;
        const kf_dialect *d = kf_dialect_of(b);
        kf_check_fail(c, KF_R_UNSUPPORTED_MODE, d->chosen_path,
                      "%s (%s) cannot be combined with %s (%s): a binding speaks one "
                      "dialect; keep %s and remove %s, or remove %s",
                      d->chosen_path, d->name, list,
                      kf_dialect_get(kf_dialect_default())->name, d->marker_path, list,
                      d->chosen_path);
        return false;
    }
    b->mode = (uint8_t)kf_dialect_default();
    int before = c->errors;
    const char *mode = string_field(c, KF_F_MODE, false, "spec.mode",
                                    KF_R_UNSUPPORTED_MODE);
    int m = mode ? kf_dialect_by_mode(mode) : -1;
    if (m >= 0) {
        b->mode = (uint8_t)m;
    } else if (mode) {
        char modes[96], other[128] = "";
        kf_dialect_modes_text(modes, sizeof modes);
        if (marked)
            snprintf(other, sizeof other, " (%s bindings set %s instead)", marked->name,
                     marked->marker_path);
        kf_check_fail(c, KF_R_UNSUPPORTED_MODE, "spec.mode",
                      "spec.mode must be %s, not \"%.100s\"%s", modes, mode, other);
    }
    return c->errors == before;
}

/* Whether the reference at id is absent or a mapping given once; else it
 * fails with reason. */
static bool ref_mapping(kf_check *c, enum kf_fid id, const char *path,
                        enum kf_reason reason)
{
    enum kf_vtype t = kf_view_type(c->v, id);
    if (t == KF_V_ABSENT || (t == KF_V_MAP && !c->v->dup[id]))
        return true;
    kf_check_fail(c, reason, path, "%s must be a mapping given once", path);
    return false;
}

static void check_pool_ref(kf_check *c)
{
    kf_binding *b = c->b;
    if (!ref_mapping(c, KF_F_POOLREF, "spec.poolRef", KF_R_INVALID_POOL_REF))
        return;
    b->pool_name = ref_name(c, KF_F_POOLREF_NAME, "spec.poolRef.name",
                            KF_R_INVALID_POOL_REF);
    /* a dialect may read the first pool apiVersions only */
    int last = kf_dialect_pool_last(kf_dialect_of(b));
    char note[128] = "";
    if (last + 1 < kf_kind_api_count(KF_KC_POOL))
        snprintf(note, sizeof note, " (%s bindings read %s pools only)",
                 kf_binding_dialect(b), kf_kind_of(KF_KC_POOL)->api_versions[0]);
    b->pool_group = (int8_t)group_field(c, KF_F_POOLREF_GROUP, "spec.poolRef.group",
                                        KF_R_INVALID_POOL_REF, KF_KC_POOL, last, note);
}

static void check_service_account(kf_check *c)
{
    kf_binding *b = c->b;
    b->sa = string_field(c, KF_F_SA, true, "spec.serviceAccountName",
                         KF_R_INVALID_SERVICE_ACCOUNT_NAME);
    if (b->sa && !kf_is_dns1123_subdomain(b->sa, strlen(b->sa))) {
        kf_check_fail(c, KF_R_INVALID_SERVICE_ACCOUNT_NAME, "spec.serviceAccountName",
                      "spec.serviceAccountName \"%.100s\" is not a valid service "
                      "account name (DNS-1123 subdomain, at most 253)", b->sa);
        b->sa = NULL;
    }
}

/* spec.objectiveRef's name and group, once the reference is a mapping
 * that names one. */
static void read_objective_ref(kf_check *c)
{
    kf_binding *b = c->b;
    b->objective_name = ref_name(c, KF_F_OBJREF_NAME, "spec.objectiveRef.name",
                                 KF_R_INVALID_OBJECTIVE_REF);
    b->objective_group = (int8_t)group_field(
        c, KF_F_OBJREF_GROUP, "spec.objectiveRef.group", KF_R_INVALID_OBJECTIVE_REF,
        KF_KC_OBJECTIVE, kf_kind_api_count(KF_KC_OBJECTIVE) - 1, "");
}

/* KF_FC_OBJECTIVE: an objective (of the pool: resolve_refs.c). */
static void check_objective_ref(kf_check *c)
{
    kf_view *v = c->v;
    bool ref_ok = ref_mapping(c, KF_F_OBJREF, "spec.objectiveRef",
                              KF_R_INVALID_OBJECTIVE_REF);
    if (ref_ok && !v->f[KF_F_OBJREF_NAME])
        kf_check_fail(c, KF_R_MISSING_OBJECTIVE_REF, "spec.objectiveRef.name", "%s",
                      v->f[KF_F_MODE]
                          ? "spec.objectiveRef.name is required in PerObjective "
                            "mode (or set spec.mode: PoolOnly)"
                          : "spec.objectiveRef.name is required: without spec.mode "
                            "this is a Kleym 0.7 PerObjective binding (set "
                            "spec.mode: PoolOnly for a pool identity; a Kleym 0.12 "
                            "binding sets spec.identityBoundary.variant instead)");
    else if (ref_ok)
        read_objective_ref(c);
}

/* KF_FC_OBJECTIVE_IF_GIVEN: an objectiveRef given anyway is resolved and
 * checked as when required (Kleym 0.7.4 does so in PoolOnly mode); the
 * identity stays the pool's. */
static void check_objective_if_given(kf_check *c)
{
    if (!c->v->f[KF_F_OBJREF] ||
        !ref_mapping(c, KF_F_OBJREF, "spec.objectiveRef", KF_R_INVALID_OBJECTIVE_REF))
        return;
    if (!c->v->f[KF_F_OBJREF_NAME]) {
        kf_check_fail(c, KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name",
                      "spec.objectiveRef.name is required when spec.objectiveRef is "
                      "given, in %s mode too (Kleym resolves and checks the "
                      "objective); remove spec.objectiveRef or name the objective",
                      kf_dialect_of(c->b)->mode);
        return;
    }
    read_objective_ref(c);
}

/* KF_FC_CONTAINER: the container that receives the identity. */
static void check_container(kf_check *c)
{
    kf_binding *b = c->b;
    b->container = string_field(c, KF_F_CONTAINER, true, "spec.containerName",
                                KF_R_INVALID_CONTAINER_NAME);
    if (b->container && !kf_is_dns1123_label(b->container, strlen(b->container))) {
        kf_check_fail(c, KF_R_INVALID_CONTAINER_NAME, "spec.containerName",
                      "spec.containerName \"%.100s\" is not a valid container name "
                      "(DNS-1123 label)", b->container);
        b->container = NULL;
    }
}

/* KF_FC_NO_CONTAINER: the identity covers every container. */
static void check_no_container(kf_check *c)
{
    if (c->v->f[KF_F_CONTAINER])
        kf_check_fail(c, KF_R_UNEXPECTED_CONTAINER_NAME, "spec.containerName",
                      "spec.containerName must not be set in %s mode (the "
                      "pool identity covers every container); remove it or use "
                      "PerObjective", kf_dialect_of(c->b)->mode);
}

/* KF_FC_VARIANT: the variant, the value of the Pod label the platform sets
 * on the pods of this workload variant. */
static void check_boundary(kf_check *c)
{
    kf_binding *b = c->b;
    kf_view *v = c->v;
    const char *path = "spec.identityBoundary.variant";
    enum kf_vtype bt = kf_view_type(v, KF_F_BOUNDARY);
    if (bt != KF_V_MAP || v->dup[KF_F_BOUNDARY]) {
        const char *why = v->dup[KF_F_BOUNDARY]  ? "is given twice"
                          : bt == KF_V_TAGGED      ? "has an explicit YAML tag"
                          : bt == KF_V_ALIAS       ? "is an alias"
                          : kf_field_is_null(v->in, v->f[KF_F_BOUNDARY])
                                                   ? "is empty"
                                                   : "is not a mapping";
        kf_check_fail(c, KF_R_INVALID_IDENTITY_BOUNDARY, "spec.identityBoundary",
                      "spec.identityBoundary %s: write it once, as a mapping with "
                      "the variant: spec.identityBoundary: {variant: decode}", why);
        return;
    }
    if (!v->f[KF_F_VARIANT]) {
        kf_check_fail(c, KF_R_INVALID_IDENTITY_BOUNDARY, path,
                      "%s is required: it names the value of the Pod label "
                      KF_VARIANT_LABEL " that tells this variant's pods apart", path);
        return;
    }
    b->variant = string_field(c, KF_F_VARIANT, true, path,
                              KF_R_INVALID_IDENTITY_BOUNDARY);
    if (b->variant && !b->variant[0]) {
        kf_check_fail(c, KF_R_INVALID_IDENTITY_BOUNDARY, path,
                      "%s is empty: it names the value of the Pod label "
                      KF_VARIANT_LABEL " that tells this variant's pods apart", path);
        b->variant = NULL;
    } else if (b->variant && !kf_is_variant(b->variant, strlen(b->variant))) {
        kf_check_fail(c, KF_R_INVALID_IDENTITY_BOUNDARY, path,
                      "%s \"%.100s\" is not a valid variant (1-63 of A-Z a-z 0-9 "
                      ". - _, alphanumeric at both ends: the value of the Pod "
                      "label " KF_VARIANT_LABEL ")", path, b->variant);
        b->variant = NULL;
    }
}

void kf_check_fields(kf_check *c)
{
    /* the checks a dialect may apply, in the order they report */
    static const struct {
        enum kf_field_check check;
        void (*run)(kf_check *c);
    } checks[] = {{KF_FC_OBJECTIVE, check_objective_ref},
                  {KF_FC_OBJECTIVE_IF_GIVEN, check_objective_if_given},
                  {KF_FC_CONTAINER, check_container},
                  {KF_FC_VARIANT, check_boundary},
                  {KF_FC_NO_CONTAINER, check_no_container}};
    check_identity_of_binding(c);
    bool mode_known = check_mode(c);
    check_pool_ref(c);
    check_service_account(c);
    if (!mode_known)
        return; /* which fields are required depends on the mode */
    unsigned want = kf_dialect_of(c->b)->checks;
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
        if (want & checks[i].check)
            checks[i].run(c);
}
