/* results.c - collecting, sorting and writing results (kf_results.h). */
#include "kf_results.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kf_emit.h"

/* Indexed by enum kf_reason. */
static const struct {
    const char *condition, *reason;
} reasons[KF_R_COUNT] = {
    [KF_R_INVALID_POOL_REF] = {"InvalidRef", "InvalidPoolRef"},
    [KF_R_TARGET_POOL_NOT_FOUND] = {"InvalidRef", "TargetPoolNotFound"},
    [KF_R_INVALID_OBJECTIVE_REF] = {"InvalidRef", "InvalidObjectiveRef"},
    [KF_R_TARGET_OBJECTIVE_NOT_FOUND] = {"InvalidRef", "TargetObjectiveNotFound"},
    [KF_R_INVALID_POOL_SELECTOR] = {"UnsafeSelector", "InvalidPoolSelector"},
    [KF_R_UNSAFE_SELECTOR] = {"UnsafeSelector", "UnsafeSelector"},
    [KF_R_INVALID_IDENTITY_BOUNDARY] = {"UnsafeSelector", "InvalidIdentityBoundary"},
    [KF_R_MISSING_TRUST_DOMAIN] = {"RenderFailure", "MissingTrustDomain"},
    [KF_R_MISSING_NAMESPACE] = {"RenderFailure", "MissingNamespace"},
    [KF_R_INVALID_BINDING_NAME] = {"RenderFailure", "InvalidBindingName"},
    [KF_R_DUPLICATE_FIELD] = {"RenderFailure", "DuplicateKey"},
    [KF_R_INVALID_SERVICE_ACCOUNT_NAME] = {"RenderFailure", "InvalidServiceAccountName"},
    [KF_R_MISSING_OBJECTIVE_REF] = {"RenderFailure", "MissingObjectiveRef"},
    [KF_R_INVALID_CONTAINER_NAME] = {"RenderFailure", "InvalidContainerName"},
    [KF_R_UNEXPECTED_CONTAINER_NAME] = {"RenderFailure", "UnexpectedContainerName"},
    [KF_R_UNSUPPORTED_MODE] = {"RenderFailure", "UnsupportedMode"},
    [KF_R_INVALID_SPIFFE_ID] = {"RenderFailure", "InvalidSPIFFEID"},
    [KF_R_MANAGED_OUTPUT_APPLY_FAILED] = {"RenderFailure", "ManagedOutputApplyFailed"},
    [KF_R_IDENTITY_COLLISION] = {"Conflict", "IdentityCollision"},
    [KF_R_DUPLICATE_SPIFFE_ID] = {"Conflict", "DuplicateSPIFFEID"},
    [KF_R_VARIANT_CONFLICT] = {"Conflict", "VariantConflict"},
    [KF_R_NO_MATCHING_WORKLOAD] = {"WorkloadCheck", "NoMatchingWorkload"},
    [KF_R_SERVICE_ACCOUNT_MISMATCH] = {"WorkloadCheck", "ServiceAccountMismatch"},
    [KF_R_CONTAINER_NOT_FOUND] = {"WorkloadCheck", "ContainerNotFound"},
    [KF_R_VARIANT_LABEL_MISSING] = {"WorkloadCheck", "VariantLabelMissing"},
    [KF_R_MULTIPLE_IDENTITIES] = {"WorkloadCheck", "MultipleIdentities"},
    [KF_R_UNREADABLE_TEMPLATE] = {"WorkloadCheck", "UnreadableTemplate"},
    [KF_R_INVALID_TRUST_DOMAIN] = {"InvalidConfig", "InvalidTrustDomain"},
    [KF_R_INVALID_CLASS_NAME] = {"InvalidConfig", "InvalidClassName"},
    [KF_R_INVALID_VALUE] = {"InvalidConfig", "InvalidValue"},
    [KF_R_UNKNOWN_KEY] = {"InvalidConfig", "UnknownKey"},
    [KF_R_CONFIG_DUPLICATE_KEY] = {"InvalidConfig", "DuplicateKey"},
    [KF_R_UNSUPPORTED_CONFIG] = {"InvalidConfig", "UnsupportedConfig"},
    [KF_R_DUPLICATE_OBJECT] = {"InvalidInput", "DuplicateObject"},
    [KF_R_RENDERED] = {"Rendered", "Rendered"},
};

const char *kf_reason_condition(enum kf_reason r)
{
    return r < KF_R_COUNT ? reasons[r].condition : "";
}

const char *kf_reason_name(enum kf_reason r)
{
    return r < KF_R_COUNT ? reasons[r].reason : "";
}

void kf_ref_where(const kf_ref *ref, char *buf, size_t cap)
{
    if (ref->path[0])
        snprintf(buf, cap, "%s:%s", ref->path, ref->index[0] ? ref->index : "0");
    else
        snprintf(buf, cap, "<stdin>:%zu", ref->position);
}

/* A new result with the fields every result has; NULL: out of memory. */
static kf_result *result_new(kf_results *rs, const kf_ref *ref,
                             enum kf_severity sev, enum kf_reason reason,
                             const char *field)
{
    if (kf_array_grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v) < 0)
        return NULL;
    kf_result *r = &rs->v[rs->n];
    memset(r, 0, sizeof *r);
    r->ref = *ref;
    r->severity = sev;
    r->reason = reason;
    r->field = field;
    r->order = rs->n;
    return r;
}

int kf_results_add(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                   enum kf_reason reason, const char *field, const char *fmt, ...)
{
    kf_result *r = result_new(rs, ref, sev, reason, field);
    if (!r)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!msg)
        return -1;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->message = msg;
    rs->n++;
    return 0;
}

bool kf_results_has_error(const kf_results *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].severity == KF_SEV_ERROR)
            return true;
    return false;
}

int kf_result_cmp(const kf_result *a, const kf_result *b)
{
    int c = strcmp(a->ref.namespace, b->ref.namespace);
    if (!c)
        c = strcmp(a->ref.name, b->ref.name);
    if (!c)
        c = (int)a->severity - (int)b->severity;
    if (!c)
        c = strcmp(kf_reason_name(a->reason), kf_reason_name(b->reason));
    if (!c)
        c = a->order < b->order ? -1 : a->order > b->order;
    return c;
}

static int cmp_result(const void *a, const void *b)
{
    return kf_result_cmp(a, b);
}

void kf_results_sort(kf_results *rs)
{
    if (rs->n > 1)
        qsort(rs->v, rs->n, sizeof *rs->v, cmp_result);
}

static const char *severity_name(enum kf_severity s)
{
    return s == KF_SEV_ERROR ? "error" : s == KF_SEV_WARNING ? "warning" : "info";
}

int kf_result_render(const kf_result *r, bool json, kf_buf *out)
{
    kf_emit e;
    if (kf_emit_open(&e, json) < 0)
        return -1;
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "message", r->message);
    kf_emit_kv(&e, "severity", severity_name(r->severity));
    kf_emit_str(&e, "resourceRef");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "apiVersion", r->ref.api_version);
    kf_emit_kv(&e, "kind", r->ref.kind);
    kf_emit_kv(&e, "name", r->ref.name);
    if (r->ref.namespace[0])
        kf_emit_kv(&e, "namespace", r->ref.namespace);
    kf_emit_map_end(&e);
    if (r->field) {
        kf_emit_str(&e, "field");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->field);
        kf_emit_map_end(&e);
    }
    if (r->ref.path[0]) {
        kf_emit_str(&e, "file");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->ref.path);
        if (r->ref.index[0]) {
            /* kpt reads file.index as an integer */
            kf_emit_str(&e, "index");
            kf_emit_number(&e, r->ref.index);
        }
        kf_emit_map_end(&e);
    }
    kf_emit_str(&e, "tags");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "condition", kf_reason_condition(r->reason));
    kf_emit_kv(&e, "reason", kf_reason_name(r->reason));
    kf_emit_map_end(&e);
    kf_emit_map_end(&e);
    return kf_emit_close(&e, out);
}

void kf_result_print(const kf_result *r, FILE *err)
{
    const char *ns = r->ref.namespace;
    char where[512];
    kf_ref_where(&r->ref, where, sizeof where);
    fprintf(err, "kleym-fn: %s: %s%s%s: %s/%s: %s (%s)\n",
            severity_name(r->severity), ns, ns[0] ? "/" : "", r->ref.name,
            kf_reason_condition(r->reason), kf_reason_name(r->reason), r->message,
            where);
}

void kf_results_free(kf_results *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].message);
    free(rs->v);
    memset(rs, 0, sizeof *rs);
}
