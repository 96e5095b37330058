/* kf_reasons.h - every condition and reason kleym-fn reports, written once.
 *
 * A result names its reason by id; the table in reasons.c gives the
 * condition it belongs to and both names as they appear in results, on
 * stderr and in `kleym-fn inspect`. docs/results.md explains each one and
 * its fix.
 */
#ifndef KF_REASONS_H
#define KF_REASONS_H

/* The conditions, each a group of reasons. */
enum kf_condition {
    KF_C_INVALID_REF,
    KF_C_UNSAFE_SELECTOR,
    KF_C_RENDER_FAILURE,
    KF_C_CONFLICT,
    KF_C_WORKLOAD_CHECK,
    KF_C_SPIRE_CHECK,
    KF_C_INVALID_CONFIG,
    KF_C_INVALID_INPUT,
    KF_C_RENDERED,
    KF_C_COUNT
};

enum kf_reason {
    /* InvalidRef */
    KF_R_INVALID_POOL_REF,
    KF_R_TARGET_POOL_NOT_FOUND,
    KF_R_INVALID_OBJECTIVE_REF,
    KF_R_TARGET_OBJECTIVE_NOT_FOUND,
    /* UnsafeSelector */
    KF_R_INVALID_POOL_SELECTOR,
    KF_R_UNSAFE_SELECTOR,
    KF_R_INVALID_IDENTITY_BOUNDARY,
    /* RenderFailure */
    KF_R_MISSING_TRUST_DOMAIN,
    KF_R_MISSING_NAMESPACE,
    KF_R_INVALID_BINDING_NAME,
    KF_R_DUPLICATE_FIELD,
    KF_R_INVALID_SERVICE_ACCOUNT_NAME,
    KF_R_MISSING_OBJECTIVE_REF,
    KF_R_INVALID_CONTAINER_NAME,
    KF_R_UNEXPECTED_CONTAINER_NAME,
    KF_R_UNSUPPORTED_MODE,
    KF_R_INVALID_SPIFFE_ID,
    KF_R_MANAGED_OUTPUT_APPLY_FAILED,
    /* Conflict */
    KF_R_IDENTITY_COLLISION,
    KF_R_DUPLICATE_SPIFFE_ID,
    KF_R_VARIANT_CONFLICT,
    KF_R_SHARED_SELECTORS, /* a warning: both render */
    /* WorkloadCheck: does the identity land where it should? */
    KF_R_NO_MATCHING_WORKLOAD,
    KF_R_SERVICE_ACCOUNT_MISMATCH,
    KF_R_CONTAINER_NOT_FOUND,
    KF_R_VARIANT_LABEL_MISSING,
    KF_R_MULTIPLE_IDENTITIES,
    KF_R_UNREADABLE_TEMPLATE,
    KF_R_WORKLOAD_NAMESPACE_UNSET,
    /* SpireCheck: will SPIRE issue it, and is it the only SVID? */
    KF_R_CLASS_NOT_RECONCILED,
    KF_R_NAMESPACE_IGNORED,
    KF_R_TRUST_DOMAIN_MISMATCH,
    KF_R_EXTRA_IDENTITY,
    KF_R_FALLBACK_REPLACED,
    KF_R_UNREADABLE_SPIRE_CONFIG,
    /* InvalidConfig (the functionConfig) */
    KF_R_INVALID_TRUST_DOMAIN,
    KF_R_INVALID_CLASS_NAME,
    KF_R_INVALID_VALUE,
    KF_R_UNKNOWN_KEY,
    KF_R_CONFIG_DUPLICATE_KEY,
    KF_R_UNSUPPORTED_CONFIG,
    /* InvalidInput */
    KF_R_DUPLICATE_OBJECT,
    /* Rendered (info) */
    KF_R_RENDERED,
    KF_R_COUNT
};

/* The condition a reason belongs to, its name, and the reason's own name. */
enum kf_condition kf_reason_cond(enum kf_reason r);
const char *kf_reason_condition(enum kf_reason r);
const char *kf_condition_name(enum kf_condition c);
const char *kf_reason_name(enum kf_reason r);

#endif
