/* test_workloads.c - who receives an identity (workloads.c): the match
 * key of each dialect, the one near miss a binding gets when nothing
 * receives it (SPEC section 11, first row that applies), and
 * MultipleIdentities. */
#include "unit.h"

static const kf_receiver *receiver(const unit_run *u, const char *name, size_t k)
{
    size_t i = unit_binding_index(u, name);
    assert_true(k < u->p.w.recv_count[i]);
    return &u->p.w.recv[u->p.w.recv_first[i] + k];
}

static const char *receiver_name(const unit_run *u, const char *name, size_t k)
{
    return u->p.w.tpls[receiver(u, name, k)->tpl].ref.name;
}

static void assert_miss(const unit_run *u, const char *name, enum kf_reason r,
                        const char *field)
{
    const kf_result *res = unit_result(u, name, r);
    if (!res)
        fail_msg("%s: no %s", name, kf_reason_name(r));
    assert_int_equal(res->severity, KF_SEV_WARNING);
    assert_string_equal(res->field, field);
    assert_true(unit_binding(u, name)->ok); /* findings never fail a render */
    assert_int_equal(unit_nreceivers(u, name), 0);
}

/* Binding name's receivers as the info result and inspect say them. */
static void assert_receivers_text(const unit_run *u, const char *name, const char *want)
{
    kf_buf text = {0};
    assert_int_equal(kf_receivers_text(&u->p.w, unit_binding_index(u, name), 0, &text), 0);
    assert_string_equal(text.data, want);
    kf_buf_free(&text);
}

#define POD_SPEC(sa, containers) "{serviceAccountName: " sa ", containers: " containers "}"

/* Matched by pool: every container of each template that carries the
 * pool's labels and runs as the service account. */
static void test_workloads_pool_match(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("d1", "{app: p, tier: web}", POD_SPEC("sa", "[{name: a}, {name: b}]"))
                   DEPLOY("d2", "{app: p}", POD_SPEC("other", "[{name: a}]"))
                   DEPLOY("d3", "{app: q}", POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    assert_int_equal(unit_nreceivers(&u, "b"), 1);
    assert_string_equal(receiver_name(&u, "b", 0), "d1");
    assert_int_equal(receiver(&u, "b", 0)->container, KF_ALL_CONTAINERS);
    assert_int_equal(unit_nresults(&u, "b"), 0);
    assert_receivers_text(&u, "b", "Deployment ns/d1 (containers a, b)");
    unit_run_free(&u);
}

/* Matched by container: the one container of that name. */
static void test_workloads_container_match(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   DEPLOY("d1", "{app: p}", POD_SPEC("sa", "[{name: a}, {name: vllm}]"))
                   DEPLOY("d2", "{app: p}", POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "vllm")));
    assert_int_equal(unit_nreceivers(&u, "b"), 1);
    assert_string_equal(receiver_name(&u, "b", 0), "d1");
    assert_int_equal(receiver(&u, "b", 0)->container, 1);
    assert_receivers_text(&u, "b", "Deployment ns/d1 (container vllm)");
    unit_run_free(&u);
}

/* Init containers receive a container-matched identity too. */
static void test_workloads_init_container(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   DEPLOY("d", "{app: p}", "{serviceAccountName: sa, containers: [{name: a}], "
                                           "initContainers: [{name: proxy}]}")
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "proxy")));
    assert_int_equal(unit_nreceivers(&u, "b"), 1);
    assert_int_equal(receiver(&u, "b", 0)->container, 1);
    unit_run_free(&u);
}

/* Matched by variant: only the templates whose variant label is the
 * binding's. */
static void test_workloads_variant_match(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("decode", "{app: p, identity.kleym.sonda.red/variant: decode}",
                          POD_SPEC("sa", "[{name: a}]"))
                   DEPLOY("prefill", "{app: p, identity.kleym.sonda.red/variant: prefill}",
                          POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_VARIANT("p", "sa", "decode")));
    assert_int_equal(unit_nreceivers(&u, "b"), 1);
    assert_string_equal(receiver_name(&u, "b", 0), "decode");
    assert_int_equal(receiver(&u, "b", 0)->container, KF_ALL_CONTAINERS);
    assert_int_equal(unit_nresults(&u, "b"), 0);
    unit_run_free(&u);
}

/* No template runs the container: ContainerNotFound lists theirs. */
static void test_workloads_miss_container(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   DEPLOY("d", "{app: p}", POD_SPEC("sa", "[{name: a}, {name: b}]"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "vllm")));
    assert_miss(&u, "b", KF_R_CONTAINER_NOT_FOUND, "spec.containerName");
    assert_true(unit_says(&u, "b", KF_R_CONTAINER_NOT_FOUND, "Deployment ns/d (<stdin>:2) has a, b"));
    unit_run_free(&u);
}

/* No template carries the variant: VariantLabelMissing names what they
 * carry. */
static void test_workloads_miss_variant(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("pre", "{app: p, identity.kleym.sonda.red/variant: prefill}",
                          POD_SPEC("sa", "[{name: a}]"))
                   DEPLOY("bare", "{app: p}", POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_VARIANT("p", "sa", "decode")));
    assert_miss(&u, "b", KF_R_VARIANT_LABEL_MISSING, "spec.identityBoundary.variant");
    assert_true(unit_says(&u, "b", KF_R_VARIANT_LABEL_MISSING,
                          "has identity.kleym.sonda.red/variant: prefill"));
    assert_true(unit_says(&u, "b", KF_R_VARIANT_LABEL_MISSING, "has no variant label"));
    unit_run_free(&u);
}

/* Candidates under another service account: ServiceAccountMismatch, with
 * each template's variant for a variant binding. */
static void test_workloads_miss_service_account(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") POOL("q", "{app: q}")
                   DEPLOY("d", "{app: p}", POD_SPEC("other", "[{name: a}]"))
                   DEPLOY("e", "{app: q, identity.kleym.sonda.red/variant: decode}",
                          POD_SPEC("other", "[{name: a}]"))
                   BINDING("pool", SPEC_POOL_ONLY("p", "sa"))
                   BINDING("var", SPEC_VARIANT("q", "sa", "decode")));
    assert_miss(&u, "pool", KF_R_SERVICE_ACCOUNT_MISMATCH, "spec.serviceAccountName");
    assert_true(unit_says(&u, "pool", KF_R_SERVICE_ACCOUNT_MISMATCH, "runs as other;"));
    assert_miss(&u, "var", KF_R_SERVICE_ACCOUNT_MISMATCH, "spec.serviceAccountName");
    assert_true(unit_says(&u, "var", KF_R_SERVICE_ACCOUNT_MISMATCH,
                          "runs as other (variant decode)"));
    unit_run_free(&u);
}

/* The templates the binding was meant for come first (SPEC section 11):
 * one has the container but runs as another account; the one under the
 * binding's account lacks the container and is not named. */
static void test_workloads_miss_order(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   DEPLOY("mine", "{app: p}", POD_SPEC("sa", "[{name: a}]"))
                   DEPLOY("theirs", "{app: p}", POD_SPEC("other", "[{name: vllm}]"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "vllm")));
    /* SPEC section 11's table: "theirs" has the vllm container the binding
     * was meant for, so the miss names it (only it) and its account */
    assert_miss(&u, "b", KF_R_SERVICE_ACCOUNT_MISMATCH, "spec.serviceAccountName");
    assert_null(unit_result(&u, "b", KF_R_CONTAINER_NOT_FOUND));
    assert_true(unit_says(&u, "b", KF_R_SERVICE_ACCOUNT_MISMATCH, "theirs"));
    assert_true(unit_says_not(&u, "b", KF_R_SERVICE_ACCOUNT_MISMATCH, "mine"));
    assert_int_equal(unit_nresults(&u, "b"), 1); /* exactly one miss */
    unit_run_free(&u);
}

/* No candidate: NoMatchingWorkload. */
static void test_workloads_miss_no_match(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("d", "{app: q}", POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    assert_miss(&u, "b", KF_R_NO_MATCHING_WORKLOAD, "spec.poolRef.name");
    assert_true(unit_says(&u, "b", KF_R_NO_MATCHING_WORKLOAD,
                          "no workload in namespace ns carries the labels of pool ns/p (app: p)"));
    unit_run_free(&u);
}

/* A package of identities without workloads in the namespace is normal. */
static void test_workloads_none_in_namespace(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   "- apiVersion: apps/v1\n  kind: Deployment\n"
                   "  metadata: {name: elsewhere, namespace: other}\n"
                   "  spec: {template: {metadata: {labels: {app: p}}, "
                   "spec: {serviceAccountName: sa, containers: [{name: a}]}}}\n"
                   BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    assert_int_equal(unit_nresults(&u, "b"), 0);
    assert_int_equal(unit_nreceivers(&u, "b"), 0);
    unit_run_free(&u);
}

/* A template without a service account runs as default. */
static void test_workloads_default_service_account(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("d", "{app: p}", "{containers: [{name: a}]}")
                   BINDING("b", SPEC_POOL_ONLY("p", "default")));
    assert_int_equal(unit_nreceivers(&u, "b"), 1);
    unit_run_free(&u);
}

/* One container receiving two identities: each binding is told. */
static void test_workloads_multiple_identities(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   DEPLOY("d", "{app: p}", POD_SPEC("sa", "[{name: vllm}, {name: side}]"))
                   BINDING("all", SPEC_POOL_ONLY("p", "sa"))
                   BINDING("one", SPEC_PER_OBJECTIVE("p", "o", "sa", "vllm")));
    const kf_result *r = unit_result(&u, "all", KF_R_MULTIPLE_IDENTITIES);
    assert_non_null(r);
    assert_int_equal(r->severity, KF_SEV_WARNING);
    assert_null(r->field);
    assert_true(unit_says(&u, "all", KF_R_MULTIPLE_IDENTITIES,
                          "container vllm of Deployment ns/d (<stdin>:2) receives 2 identities"));
    assert_true(unit_says(&u, "one", KF_R_MULTIPLE_IDENTITIES,
                          "spiffe://example.org/ns/ns/pool/p (ns/all)"));
    assert_true(unit_binding(&u, "all")->ok && unit_binding(&u, "one")->ok);
    unit_run_free(&u);
}

/* workloadCheck: off checks nothing; error makes findings errors. */
static void test_workloads_check_setting(void **state)
{
    (void)state;
    const char *items = POOL("p", "{app: p}")
                        DEPLOY("d", "{app: q}", POD_SPEC("sa", "[{name: a}]"))
                        BINDING("b", SPEC_POOL_ONLY("p", "sa"));
    unit_run u;
    unit_run_items(&u, "{workloadCheck: \"off\"}", items);
    assert_true(u.p.w.off);
    assert_int_equal(unit_nresults(&u, "b"), 0);
    unit_run_free(&u);
    unit_run_items(&u, "{workloadCheck: error}", items);
    const kf_result *r = unit_result(&u, "b", KF_R_NO_MATCHING_WORKLOAD);
    assert_non_null(r);
    assert_int_equal(r->severity, KF_SEV_ERROR);
    assert_true(unit_binding(&u, "b")->ok); /* it still renders */
    unit_run_free(&u);
}

/* A template whose labels are not plain strings is left out, with a
 * warning on the workload; it still counts as a workload of its
 * namespace. */
static void test_workloads_unreadable(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   DEPLOY("d", "{app: p, n: 1}", POD_SPEC("sa", "[{name: a}]"))
                   BINDING("b", SPEC_POOL_ONLY("p", "sa")));
    const kf_result *r = unit_result(&u, "d", KF_R_UNREADABLE_TEMPLATE);
    assert_non_null(r);
    assert_int_equal(r->severity, KF_SEV_WARNING);
    assert_miss(&u, "b", KF_R_NO_MATCHING_WORKLOAD, "spec.poolRef.name");
    assert_true(unit_says(&u, "b", KF_R_NO_MATCHING_WORKLOAD, "left out of the check"));
    unit_run_free(&u);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_workloads_pool_match),
    cmocka_unit_test(test_workloads_container_match),
    cmocka_unit_test(test_workloads_init_container),
    cmocka_unit_test(test_workloads_variant_match),
    cmocka_unit_test(test_workloads_miss_container),
    cmocka_unit_test(test_workloads_miss_variant),
    cmocka_unit_test(test_workloads_miss_service_account),
    cmocka_unit_test(test_workloads_miss_order),
    cmocka_unit_test(test_workloads_miss_no_match),
    cmocka_unit_test(test_workloads_none_in_namespace),
    cmocka_unit_test(test_workloads_default_service_account),
    cmocka_unit_test(test_workloads_multiple_identities),
    cmocka_unit_test(test_workloads_check_setting),
    cmocka_unit_test(test_workloads_unreadable),
};
const unit_group unit_workloads = {tests, sizeof tests / sizeof *tests};
