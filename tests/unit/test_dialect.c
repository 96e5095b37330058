/* test_dialect.c - the dialect table (kf_dialect.h): its rows agree with
 * one another, and each row renders the identity SPEC section 5 gives. */
#include "unit.h"

#include <stdlib.h>

#include "kf_dialect.h"

static void test_dialect_rows(void **state)
{
    (void)state;
    size_t defaults = 0, chosen = 0;
    for (unsigned m = 0; m < KF_MODE_COUNT; m++) {
        const kf_dialect *d = kf_dialect_get(m);
        assert_non_null(d);
        assert_non_null(d->name);
        assert_non_null(d->name_mode);
        assert_string_equal(d->id[0].segment, "ns");     /* namespace-scoped */
        assert_int_equal(d->id[0].value, KF_IDV_NAMESPACE);
        /* chosen by a spec.mode value, or by a field, not both */
        assert_true((d->mode != NULL) != (d->chosen_by != KF_F_NONE));
        assert_true((d->chosen_by != KF_F_NONE) == (d->chosen_path != NULL));
        /* a marker on the pods (container, variant) has the field naming it;
         * check_mode() tells people to keep a field-chosen row's */
        assert_true((d->match != KF_MATCH_POOL) == (d->marker_path != NULL));
        defaults += d->is_default;
        chosen += d->chosen_by != KF_F_NONE;
        assert_false(d->is_default && !d->mode);
    }
    assert_int_equal(defaults, 1);
    assert_int_equal(chosen, 1);
    assert_null(kf_dialect_get(KF_MODE_COUNT));
    assert_true(kf_dialect_get(kf_dialect_default())->is_default);
}

/* What a row checks follows its match key and its identity. */
static void test_dialect_checks_follow_match(void **state)
{
    (void)state;
    for (unsigned m = 0; m < KF_MODE_COUNT; m++) {
        const kf_dialect *d = kf_dialect_get(m);
        assert_true(((d->checks & KF_FC_CONTAINER) != 0) == (d->match == KF_MATCH_CONTAINER));
        assert_true(((d->checks & KF_FC_VARIANT) != 0) == (d->match == KF_MATCH_VARIANT));
        assert_false((d->checks & KF_FC_CONTAINER) && (d->checks & KF_FC_NO_CONTAINER));
        bool names_objective = false, names_variant = false;
        for (size_t i = 0; i < KF_ID_PARTS && d->id[i].segment; i++) {
            names_objective |= d->id[i].value == KF_IDV_OBJECTIVE;
            names_variant |= d->id[i].value == KF_IDV_VARIANT;
        }
        assert_true(names_objective == ((d->checks & KF_FC_OBJECTIVE) != 0));
        assert_true(names_variant == ((d->checks & KF_FC_VARIANT) != 0));
    }
}

static void test_dialect_by_mode(void **state)
{
    (void)state;
    assert_int_equal(kf_dialect_by_mode("PoolOnly"), KF_MODE_POOL_ONLY);
    assert_int_equal(kf_dialect_by_mode("PerObjective"), KF_MODE_PER_OBJECTIVE);
    assert_int_equal(kf_dialect_by_mode("poolonly"), -1);
    assert_int_equal(kf_dialect_by_mode(""), -1);
    assert_int_equal(kf_dialect_default(), KF_MODE_PER_OBJECTIVE);
    char text[64];
    kf_dialect_modes_text(text, sizeof text);
    assert_string_equal(text, "PoolOnly or PerObjective");
}

static void test_dialect_pool_apis(void **state)
{
    (void)state;
    int all = kf_kind_api_count(KF_KC_POOL);
    assert_int_equal(kf_dialect_pool_last(kf_dialect_get(KF_MODE_POOL_ONLY)), all - 1);
    assert_int_equal(kf_dialect_pool_last(kf_dialect_get(KF_MODE_PER_OBJECTIVE)), all - 1);
    assert_int_equal(kf_dialect_pool_last(kf_dialect_get(KF_MODE_VARIANT)), 0);
    assert_string_equal(kf_dialect_get(KF_MODE_VARIANT)->name, "Kleym 0.12");
    assert_string_equal(kf_dialect_get(KF_MODE_POOL_ONLY)->name, "Kleym 0.7");
}

/* Each row's SPIFFE ID and ClusterSPIFFEID name (SPEC section 5). */
static void test_dialect_identities(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   ONE_OF_EACH("{app: p}"));
    const kf_binding *a = unit_binding(&u, "a"), *b = unit_binding(&u, "b"),
                     *c = unit_binding(&u, "c");
    assert_true(a->ok && b->ok && c->ok);
    assert_int_equal(a->mode, KF_MODE_POOL_ONLY);
    assert_int_equal(b->mode, KF_MODE_PER_OBJECTIVE);
    assert_int_equal(c->mode, KF_MODE_VARIANT);
    assert_string_equal(a->spiffe_id, "spiffe://example.org/ns/ns/pool/p");
    assert_string_equal(b->spiffe_id, "spiffe://example.org/ns/ns/objective/o");
    assert_string_equal(c->spiffe_id,
                        "spiffe://example.org/ns/ns/sa/sa/inference/pool/p/variant/decode");
    assert_non_null(strstr(a->csid_name, "kleym-ns-a-pool-"));
    assert_non_null(strstr(b->csid_name, "kleym-ns-b-objective-"));
    assert_non_null(strstr(c->csid_name, "kleym-ns-c-pool-"));
    assert_string_equal(kf_binding_dialect(a), "Kleym 0.7");
    assert_string_equal(kf_binding_dialect(c), "Kleym 0.12");
    unit_run_free(&u);
}

static void selectors(const unit_run *u, const char *name, kf_buf *out)
{
    const kf_binding *b = unit_binding(u, name);
    out->len = 0;
    assert_int_equal(kf_binding_selectors(b, &u->p.plan.pools[b->pool], out), 0);
}

/* The match key decides the selectors beyond namespace, SA and labels. */
static void test_dialect_selectors(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   ONE_OF_EACH("{app: p, tier: x}"));
    kf_buf s = {0};
    selectors(&u, "a", &s);
    assert_string_equal(s.data, "k8s:ns:ns\nk8s:pod-label:app:p\nk8s:pod-label:tier:x\n"
                                "k8s:sa:sa\n");
    selectors(&u, "b", &s);
    assert_string_equal(s.data, "k8s:container-name:c\nk8s:ns:ns\nk8s:pod-label:app:p\n"
                                "k8s:pod-label:tier:x\nk8s:sa:sa\n");
    selectors(&u, "c", &s);
    assert_string_equal(s.data, "k8s:ns:ns\nk8s:pod-label:app:p\n"
                                "k8s:pod-label:identity.kleym.sonda.red/variant:decode\n"
                                "k8s:pod-label:tier:x\nk8s:sa:sa\n");
    kf_buf_free(&s);
    unit_run_free(&u);
}

/* A variant binding's pod labels: the pool's with the variant label in key
 * order, once even when the pool selects it too. */
static void test_dialect_pod_labels(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{a: x, z: w}")
                   POOL("q", "{app: q, identity.kleym.sonda.red/variant: decode}")
                   BINDING("v", SPEC_VARIANT("p", "sa", "decode"))
                   BINDING("w", SPEC_VARIANT("q", "sb", "decode"))
                   BINDING("o", SPEC_POOL_ONLY("p", "sa")));
    kf_label pod[4];
    const kf_binding *v = unit_binding(&u, "v");
    size_t n = kf_binding_pod_labels(v, &u.p.plan.pools[v->pool], pod);
    assert_int_equal(n, 3);
    assert_string_equal(pod[0].key, "a");
    assert_string_equal(pod[1].key, KF_VARIANT_LABEL);
    assert_string_equal(pod[1].value, "decode");
    assert_string_equal(pod[2].key, "z");
    const kf_binding *w = unit_binding(&u, "w");
    assert_true(w->ok);
    assert_int_equal(kf_binding_pod_labels(w, &u.p.plan.pools[w->pool], pod), 2);
    const kf_binding *o = unit_binding(&u, "o");
    assert_int_equal(kf_binding_pod_labels(o, &u.p.plan.pools[o->pool], pod), 2);
    unit_run_free(&u);
}

/* A binding's dialect is decided per binding: one package mixes both. */
static void test_dialect_per_binding(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   BINDING("old", "{poolRef: {name: p}, serviceAccountName: sa, mode: PoolOnly}")
                   BINDING("new", "{poolRef: {name: p}, serviceAccountName: sb, "
                                  "identityBoundary: {variant: v1}}"));
    assert_int_equal(unit_binding(&u, "old")->mode, KF_MODE_POOL_ONLY);
    assert_int_equal(unit_binding(&u, "new")->mode, KF_MODE_VARIANT);
    assert_true(unit_binding(&u, "old")->ok && unit_binding(&u, "new")->ok);
    unit_run_free(&u);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dialect_rows),
    cmocka_unit_test(test_dialect_checks_follow_match),
    cmocka_unit_test(test_dialect_by_mode),
    cmocka_unit_test(test_dialect_pool_apis),
    cmocka_unit_test(test_dialect_identities),
    cmocka_unit_test(test_dialect_selectors),
    cmocka_unit_test(test_dialect_pod_labels),
    cmocka_unit_test(test_dialect_per_binding),
};
const unit_group unit_dialect = {tests, sizeof tests / sizeof *tests};
