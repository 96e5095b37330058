/* test_resolve.c - the resolver's checks of a binding (resolve_*.c): each
 * decision on one small package, the reason and the field it names. */
#include "unit.h"

#include "kf_dialect.h"

/* Run items with pool p {app: p} and objective o of p in namespace ns. */
static void run_with_pool(unit_run *u, const char *bindings)
{
    kf_buf items = {0};
    assert_int_equal(kf_buf_printf(&items, "%s%s%s", POOL("p", "{app: p}"),
                                   OBJECTIVE("o", "p"), bindings), 0);
    unit_run_items(u, NULL, items.data);
    kf_buf_free(&items);
}

static void assert_fails(const unit_run *u, const char *name, enum kf_reason r,
                         const char *field)
{
    const kf_result *res = unit_result(u, name, r);
    if (!res)
        fail_msg("%s: no %s", name, kf_reason_name(r));
    assert_int_equal(res->severity, KF_SEV_ERROR);
    if (field)
        assert_string_equal(res->field, field);
    else
        assert_null(res->field);
    assert_false(unit_binding(u, name)->ok);
}

/* Without spec.mode or identityBoundary: 0.7 PerObjective, and the
 * message says what a 0.12 binding sets instead. */
static void test_resolve_default_mode(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", "{poolRef: {name: p}, serviceAccountName: sa}"));
    assert_int_equal(unit_binding(&u, "b")->mode, kf_dialect_default());
    assert_fails(&u, "b", KF_R_MISSING_OBJECTIVE_REF, "spec.objectiveRef.name");
    assert_true(unit_says(&u, "b", KF_R_MISSING_OBJECTIVE_REF,
                          "spec.identityBoundary.variant instead"));
    /* and the container is required too: every problem is reported */
    assert_fails(&u, "b", KF_R_INVALID_CONTAINER_NAME, "spec.containerName");
    unit_run_free(&u);
}

static void test_resolve_missing_objective_in_mode(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", "{poolRef: {name: p}, serviceAccountName: sa, "
                                   "mode: PerObjective, containerName: c}"));
    assert_true(unit_says(&u, "b", KF_R_MISSING_OBJECTIVE_REF,
                          "required in PerObjective mode"));
    assert_null(unit_result(&u, "b", KF_R_INVALID_CONTAINER_NAME));
    unit_run_free(&u);
}

static void test_resolve_unexpected_container(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", "{poolRef: {name: p}, serviceAccountName: sa, "
                                   "mode: PoolOnly, containerName: c}"));
    assert_fails(&u, "b", KF_R_UNEXPECTED_CONTAINER_NAME, "spec.containerName");
    assert_true(unit_says(&u, "b", KF_R_UNEXPECTED_CONTAINER_NAME, "in PoolOnly mode"));
    unit_run_free(&u);
}

static void test_resolve_unsupported_mode(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", "{poolRef: {name: p}, serviceAccountName: sa, "
                                   "mode: Both}"));
    assert_fails(&u, "b", KF_R_UNSUPPORTED_MODE, "spec.mode");
    assert_true(unit_says(&u, "b", KF_R_UNSUPPORTED_MODE,
                          "spec.mode must be PoolOnly or PerObjective, not \"Both\""));
    /* the mode is unknown: the checks that depend on it are skipped */
    assert_null(unit_result(&u, "b", KF_R_MISSING_OBJECTIVE_REF));
    unit_run_free(&u);
}

/* identityBoundary chooses 0.12 whatever else is set; with 0.7 fields it
 * fails, naming them. */
static void test_resolve_mixed_dialects(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", "{poolRef: {name: p}, serviceAccountName: sa, "
                                   "mode: PoolOnly, containerName: c, "
                                   "identityBoundary: {variant: v}}"));
    assert_int_equal(unit_binding(&u, "b")->mode, KF_MODE_VARIANT);
    assert_fails(&u, "b", KF_R_UNSUPPORTED_MODE, "spec.identityBoundary");
    assert_true(unit_says(&u, "b", KF_R_UNSUPPORTED_MODE,
                          "cannot be combined with spec.mode, spec.containerName"));
    unit_run_free(&u);
}

static void test_resolve_boundary_shapes(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("isnull", "{poolRef: {name: p}, serviceAccountName: sa, "
                                      "identityBoundary: null}")
                      BINDING("list", "{poolRef: {name: p}, serviceAccountName: sa, "
                                      "identityBoundary: [v]}")
                      BINDING("none", "{poolRef: {name: p}, serviceAccountName: sa, "
                                      "identityBoundary: {}}"));
    /* a key present, whatever its value, is 0.12 */
    assert_int_equal(unit_binding(&u, "isnull")->mode, KF_MODE_VARIANT);
    assert_fails(&u, "isnull", KF_R_INVALID_IDENTITY_BOUNDARY, "spec.identityBoundary");
    assert_true(unit_says(&u, "isnull", KF_R_INVALID_IDENTITY_BOUNDARY, "is empty"));
    assert_true(unit_says(&u, "list", KF_R_INVALID_IDENTITY_BOUNDARY, "is not a mapping"));
    assert_fails(&u, "none", KF_R_INVALID_IDENTITY_BOUNDARY,
                 "spec.identityBoundary.variant");
    assert_true(unit_says(&u, "none", KF_R_INVALID_IDENTITY_BOUNDARY, "is required"));
    unit_run_free(&u);
}

static void test_resolve_variant_values(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("empty", SPEC_VARIANT("p", "sa", "\"\""))
                      BINDING("bad", SPEC_VARIANT("p", "sa", "-decode"))
                      BINDING("yestrap", SPEC_VARIANT("p", "sa", "yes"))
                      BINDING("ok", SPEC_VARIANT("p", "sa", "Decode_1.x")));
    assert_true(unit_says(&u, "empty", KF_R_INVALID_IDENTITY_BOUNDARY, "is empty"));
    assert_true(unit_says(&u, "bad", KF_R_INVALID_IDENTITY_BOUNDARY, "is not a valid variant"));
    /* an unquoted yes is a boolean to the cluster, not a string */
    assert_fails(&u, "yestrap", KF_R_INVALID_IDENTITY_BOUNDARY, "spec.identityBoundary.variant");
    assert_true(unit_binding(&u, "ok")->ok);
    assert_string_equal(unit_binding(&u, "ok")->variant, "Decode_1.x");
    unit_run_free(&u);
}

/* 0.12 reads the first pool apiVersion only; 0.7 tries them in order. */
static void test_resolve_pool_apis(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL_V1A2("old", "{app: old}")
                   BINDING("v", SPEC_VARIANT("old", "sa", "d"))
                   BINDING("g", "{poolRef: {name: old, group: inference.networking.x-k8s.io}, "
                                "serviceAccountName: sa, identityBoundary: {variant: d}}")
                   BINDING("p", SPEC_POOL_ONLY("old", "sa")));
    assert_fails(&u, "v", KF_R_TARGET_POOL_NOT_FOUND, "spec.poolRef.name");
    assert_true(unit_says(&u, "v", KF_R_TARGET_POOL_NOT_FOUND,
                          "exists only as inference.networking.x-k8s.io/v1alpha2; "
                          "Kleym 0.12 bindings need an inference.networking.k8s.io/v1 pool"));
    assert_fails(&u, "g", KF_R_INVALID_POOL_REF, "spec.poolRef.group");
    assert_true(unit_says(&u, "g", KF_R_INVALID_POOL_REF,
                          "(Kleym 0.12 bindings read inference.networking.k8s.io/v1 pools only)"));
    assert_true(unit_binding(&u, "p")->ok); /* 0.7 falls back to v1alpha2 */
    unit_run_free(&u);
}

static void test_resolve_not_found(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("nopool", SPEC_POOL_ONLY("q", "sa"))
                      BINDING("noobj", SPEC_PER_OBJECTIVE("p", "x", "sa", "c"))
                      BINDING("v", SPEC_VARIANT("q", "sa", "d")));
    assert_fails(&u, "nopool", KF_R_TARGET_POOL_NOT_FOUND, "spec.poolRef.name");
    assert_true(unit_says(&u, "nopool", KF_R_TARGET_POOL_NOT_FOUND,
                          "InferencePool ns/q was not found in the input"));
    assert_fails(&u, "noobj", KF_R_TARGET_OBJECTIVE_NOT_FOUND, "spec.objectiveRef.name");
    assert_true(unit_says(&u, "v", KF_R_TARGET_POOL_NOT_FOUND, "was not found in the input; "
                          "Kleym 0.12 bindings need"));
    unit_run_free(&u);
}

/* The objective's poolRef must name the binding's pool. */
static void test_resolve_objective_of_other_pool(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") POOL("q", "{app: q}") OBJECTIVE("o", "q")
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "c")));
    assert_fails(&u, "b", KF_R_INVALID_OBJECTIVE_REF, "spec.objectiveRef.name");
    assert_true(unit_says(&u, "b", KF_R_INVALID_OBJECTIVE_REF,
                          "belongs to pool \"q\", not to p"));
    unit_run_free(&u);
}

static void test_resolve_names(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("sa", SPEC_POOL_ONLY("p", "Not_Valid"))
                      BINDING("ctr", SPEC_PER_OBJECTIVE("p", "o", "sa", "Vllm"))
                      "- apiVersion: kleym.sonda.red/v1alpha1\n"
                      "  kind: InferenceIdentityBinding\n"
                      "  metadata: {name: nons}\n"
                      "  spec: " SPEC_POOL_ONLY("p", "sa") "\n");
    assert_fails(&u, "sa", KF_R_INVALID_SERVICE_ACCOUNT_NAME, "spec.serviceAccountName");
    assert_fails(&u, "ctr", KF_R_INVALID_CONTAINER_NAME, "spec.containerName");
    assert_fails(&u, "nons", KF_R_MISSING_NAMESPACE, "metadata.namespace");
    unit_run_free(&u);
}

/* A variant binding's pool may select the variant label, only with its
 * own variant. */
static void test_resolve_pool_selects_variant(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p, identity.kleym.sonda.red/variant: prefill}")
                   BINDING("same", SPEC_VARIANT("p", "sa", "prefill"))
                   BINDING("other", SPEC_VARIANT("p", "sb", "decode")));
    assert_true(unit_binding(&u, "same")->ok);
    assert_fails(&u, "other", KF_R_UNSAFE_SELECTOR, "spec.identityBoundary.variant");
    unit_run_free(&u);
}

static void test_resolve_pool_selector_refused(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{}")
                   BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    assert_fails(&u, "b", KF_R_INVALID_POOL_SELECTOR, "spec.poolRef.name");
    unit_run_free(&u);
}

static void test_resolve_missing_trust_domain(void **state)
{
    (void)state;
    unit_run u;
    unit_run_bare(&u, POOL("p", "{app: p}") BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    assert_fails(&u, "b", KF_R_MISSING_TRUST_DOMAIN, NULL);
    assert_null(unit_binding(&u, "b")->spiffe_id);
    unit_run_free(&u);
}

/* A ClusterSPIFFEID not labeled as kleym's with the name to generate is
 * foreign: the binding fails and the object is left alone. */
static void test_resolve_foreign_csid(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL, POOL("p", "{app: p}") BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    char name[KF_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", unit_binding(&u, "b")->csid_name);
    unit_run_free(&u);
    kf_buf items = {0};
    assert_int_equal(kf_buf_printf(&items, "%s%s- apiVersion: spire.spiffe.io/v1alpha1\n"
                                           "  kind: ClusterSPIFFEID\n  metadata: {name: %s}\n",
                                   POOL("p", "{app: p}"), BINDING("b", SPEC_POOL_ONLY("p", "sa")),
                                   name), 0);
    unit_run_items(&u, NULL, items.data);
    assert_fails(&u, "b", KF_R_MANAGED_OUTPUT_APPLY_FAILED, NULL);
    assert_true(unit_says(&u, "b", KF_R_MANAGED_OUTPUT_APPLY_FAILED, "is not managed by kleym"));
    unit_run_free(&u);
    kf_buf_free(&items);
}

static void test_resolve_duplicate_binding(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", SPEC_POOL_ONLY("p", "sa"))
                      BINDING("b", SPEC_POOL_ONLY("p", "sb")));
    assert_int_equal(u.p.plan.nbindings, 2);
    for (size_t i = 0; i < 2; i++)
        assert_false(u.p.plan.bindings[i].ok);
    const kf_result *r = unit_result(&u, "b", KF_R_DUPLICATE_OBJECT);
    assert_non_null(r);
    assert_string_equal(r->field, "metadata.name");
    unit_run_free(&u);
}

static void test_resolve_renders(void **state)
{
    (void)state;
    unit_run u;
    run_with_pool(&u, BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "c")));
    const kf_binding *b = unit_binding(&u, "b");
    assert_true(b->ok);
    assert_string_equal(b->pool_name, "p");
    assert_string_equal(b->objective_name, "o");
    assert_string_equal(b->container, "c");
    assert_null(b->variant);
    assert_int_equal(unit_nresults(&u, "b"), 0);
    unit_run_free(&u);
}

/* An owned ClusterSPIFFEID named name, stale: no binding renders it. */
#define STALE(name)                                                           \
    "- apiVersion: spire.spiffe.io/v1alpha1\n  kind: ClusterSPIFFEID\n"     \
    "  metadata: {name: " name ", labels: {kleym.sonda.red/managed-by: kleym}}\n" \
    "  spec: {spiffeIDTemplate: spiffe://example.org/old}\n"

/* The owned ClusterSPIFFEIDs at the top level are dropped, known before
 * anything is named: a ref names an item by its place in the output, the
 * dropped ones before it not counted (a List's entry by its List's); one
 * in a List is never dropped. The position stays the item's identity. */
static void test_resolve_dropped_places(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   STALE("s0") POOL("p", "{app: p}") STALE("s2") STALE("s3")
                   "- apiVersion: v1\n  kind: List\n  items:\n"
                   "  - {apiVersion: spire.spiffe.io/v1alpha1, kind: ClusterSPIFFEID, "
                   "metadata: {name: in-list, labels: {kleym.sonda.red/managed-by: kleym}}}\n"
                   "  - {apiVersion: kleym.sonda.red/v1alpha1, kind: InferenceIdentityBinding, "
                   "metadata: {name: listed, namespace: ns}, spec: {poolRef: {name: p}, "
                   "serviceAccountName: sa, mode: PoolOnly}}\n"
                   BINDING("b", SPEC_POOL_ONLY("gone", "sa")) STALE("s6"));
    const kf_input *in = &u.p.in;
    assert_int_equal(in->ndropped, 4);
    assert_int_equal(in->dropped[0], 0);
    assert_int_equal(in->dropped[1], 2);
    assert_int_equal(in->dropped[2], 3);
    assert_int_equal(in->dropped[3], 6);
    for (size_t i = 0; i < in->nitems; i++)
        assert_int_equal(u.p.plan.drop[i], i == 0 || i == 2 || i == 3 || i == 6);
    assert_int_equal(kf_input_out_place(in, 1), 0);
    assert_int_equal(kf_input_out_place(in, 4), 1);
    assert_int_equal(kf_input_out_place(in, 5), 2);
    char where[64];
    const kf_binding *b = unit_binding(&u, "b");
    assert_int_equal(b->ref.position, 5);
    kf_ref_where(&b->ref, where, sizeof where);
    assert_string_equal(where, "<stdin>:2");
    b = unit_binding(&u, "listed");
    kf_ref_where(&b->ref, where, sizeof where);
    assert_string_equal(where, "<stdin>:1 items[1]");
    unit_run_free(&u);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_resolve_default_mode),
    cmocka_unit_test(test_resolve_missing_objective_in_mode),
    cmocka_unit_test(test_resolve_unexpected_container),
    cmocka_unit_test(test_resolve_unsupported_mode),
    cmocka_unit_test(test_resolve_mixed_dialects),
    cmocka_unit_test(test_resolve_boundary_shapes),
    cmocka_unit_test(test_resolve_variant_values),
    cmocka_unit_test(test_resolve_pool_apis),
    cmocka_unit_test(test_resolve_not_found),
    cmocka_unit_test(test_resolve_objective_of_other_pool),
    cmocka_unit_test(test_resolve_names),
    cmocka_unit_test(test_resolve_pool_selects_variant),
    cmocka_unit_test(test_resolve_pool_selector_refused),
    cmocka_unit_test(test_resolve_missing_trust_domain),
    cmocka_unit_test(test_resolve_foreign_csid),
    cmocka_unit_test(test_resolve_duplicate_binding),
    cmocka_unit_test(test_resolve_renders),
    cmocka_unit_test(test_resolve_dropped_places),
};
const unit_group unit_resolve = {tests, sizeof tests / sizeof *tests};
