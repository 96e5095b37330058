/* reasons.c - every condition and reason, named once (kf_reasons.h). */
#include "kf_reasons.h"

static const char *const conditions[KF_C_COUNT] = {
    [KF_C_INVALID_REF] = "InvalidRef",
    [KF_C_UNSAFE_SELECTOR] = "UnsafeSelector",
    [KF_C_RENDER_FAILURE] = "RenderFailure",
    [KF_C_CONFLICT] = "Conflict",
    [KF_C_WORKLOAD_CHECK] = "WorkloadCheck",
    [KF_C_SPIRE_CHECK] = "SpireCheck",
    [KF_C_INVALID_CONFIG] = "InvalidConfig",
    [KF_C_INVALID_INPUT] = "InvalidInput",
    [KF_C_RENDERED] = "Rendered",
};

/* Indexed by enum kf_reason. */
static const struct {
    enum kf_condition condition;
    const char *reason;
} reasons[KF_R_COUNT] = {
    [KF_R_INVALID_POOL_REF] = {KF_C_INVALID_REF, "InvalidPoolRef"},
    [KF_R_TARGET_POOL_NOT_FOUND] = {KF_C_INVALID_REF, "TargetPoolNotFound"},
    [KF_R_INVALID_OBJECTIVE_REF] = {KF_C_INVALID_REF, "InvalidObjectiveRef"},
    [KF_R_TARGET_OBJECTIVE_NOT_FOUND] = {KF_C_INVALID_REF, "TargetObjectiveNotFound"},
    [KF_R_INVALID_POOL_SELECTOR] = {KF_C_UNSAFE_SELECTOR, "InvalidPoolSelector"},
    [KF_R_UNSAFE_SELECTOR] = {KF_C_UNSAFE_SELECTOR, "UnsafeSelector"},
    [KF_R_INVALID_IDENTITY_BOUNDARY] = {KF_C_UNSAFE_SELECTOR, "InvalidIdentityBoundary"},
    [KF_R_MISSING_TRUST_DOMAIN] = {KF_C_RENDER_FAILURE, "MissingTrustDomain"},
    [KF_R_MISSING_NAMESPACE] = {KF_C_RENDER_FAILURE, "MissingNamespace"},
    [KF_R_INVALID_BINDING_NAME] = {KF_C_RENDER_FAILURE, "InvalidBindingName"},
    [KF_R_DUPLICATE_FIELD] = {KF_C_RENDER_FAILURE, "DuplicateKey"},
    [KF_R_INVALID_SERVICE_ACCOUNT_NAME] = {KF_C_RENDER_FAILURE, "InvalidServiceAccountName"},
    [KF_R_MISSING_OBJECTIVE_REF] = {KF_C_RENDER_FAILURE, "MissingObjectiveRef"},
    [KF_R_INVALID_CONTAINER_NAME] = {KF_C_RENDER_FAILURE, "InvalidContainerName"},
    [KF_R_UNEXPECTED_CONTAINER_NAME] = {KF_C_RENDER_FAILURE, "UnexpectedContainerName"},
    [KF_R_UNSUPPORTED_MODE] = {KF_C_RENDER_FAILURE, "UnsupportedMode"},
    [KF_R_INVALID_SPIFFE_ID] = {KF_C_RENDER_FAILURE, "InvalidSPIFFEID"},
    [KF_R_MANAGED_OUTPUT_APPLY_FAILED] = {KF_C_RENDER_FAILURE, "ManagedOutputApplyFailed"},
    [KF_R_IDENTITY_COLLISION] = {KF_C_CONFLICT, "IdentityCollision"},
    [KF_R_DUPLICATE_SPIFFE_ID] = {KF_C_CONFLICT, "DuplicateSPIFFEID"},
    [KF_R_VARIANT_CONFLICT] = {KF_C_CONFLICT, "VariantConflict"},
    [KF_R_SHARED_SELECTORS] = {KF_C_CONFLICT, "SharedSelectors"},
    [KF_R_NO_MATCHING_WORKLOAD] = {KF_C_WORKLOAD_CHECK, "NoMatchingWorkload"},
    [KF_R_SERVICE_ACCOUNT_MISMATCH] = {KF_C_WORKLOAD_CHECK, "ServiceAccountMismatch"},
    [KF_R_CONTAINER_NOT_FOUND] = {KF_C_WORKLOAD_CHECK, "ContainerNotFound"},
    [KF_R_VARIANT_LABEL_MISSING] = {KF_C_WORKLOAD_CHECK, "VariantLabelMissing"},
    [KF_R_MULTIPLE_IDENTITIES] = {KF_C_WORKLOAD_CHECK, "MultipleIdentities"},
    [KF_R_UNREADABLE_TEMPLATE] = {KF_C_WORKLOAD_CHECK, "UnreadableTemplate"},
    [KF_R_WORKLOAD_NAMESPACE_UNSET] = {KF_C_WORKLOAD_CHECK, "WorkloadNamespaceUnset"},
    [KF_R_CLASS_NOT_RECONCILED] = {KF_C_SPIRE_CHECK, "ClassNotReconciled"},
    [KF_R_NAMESPACE_IGNORED] = {KF_C_SPIRE_CHECK, "NamespaceIgnored"},
    [KF_R_TRUST_DOMAIN_MISMATCH] = {KF_C_SPIRE_CHECK, "TrustDomainMismatch"},
    [KF_R_EXTRA_IDENTITY] = {KF_C_SPIRE_CHECK, "ExtraIdentity"},
    [KF_R_FALLBACK_REPLACED] = {KF_C_SPIRE_CHECK, "FallbackReplaced"},
    [KF_R_UNREADABLE_SPIRE_CONFIG] = {KF_C_SPIRE_CHECK, "UnreadableSpireConfig"},
    [KF_R_INVALID_TRUST_DOMAIN] = {KF_C_INVALID_CONFIG, "InvalidTrustDomain"},
    [KF_R_INVALID_CLASS_NAME] = {KF_C_INVALID_CONFIG, "InvalidClassName"},
    [KF_R_INVALID_VALUE] = {KF_C_INVALID_CONFIG, "InvalidValue"},
    [KF_R_UNKNOWN_KEY] = {KF_C_INVALID_CONFIG, "UnknownKey"},
    [KF_R_CONFIG_DUPLICATE_KEY] = {KF_C_INVALID_CONFIG, "DuplicateKey"},
    [KF_R_UNSUPPORTED_CONFIG] = {KF_C_INVALID_CONFIG, "UnsupportedConfig"},
    [KF_R_DUPLICATE_OBJECT] = {KF_C_INVALID_INPUT, "DuplicateObject"},
    [KF_R_RENDERED] = {KF_C_RENDERED, "Rendered"},
};

enum kf_condition kf_reason_cond(enum kf_reason r)
{
    return r < KF_R_COUNT ? reasons[r].condition : KF_C_COUNT;
}

const char *kf_condition_name(enum kf_condition c)
{
    return c < KF_C_COUNT ? conditions[c] : "";
}

const char *kf_reason_condition(enum kf_reason r)
{
    return kf_condition_name(kf_reason_cond(r));
}

const char *kf_reason_name(enum kf_reason r)
{
    return r < KF_R_COUNT ? reasons[r].reason : "";
}
