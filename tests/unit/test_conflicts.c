/* test_conflicts.c - bindings that must not render together
 * (conflicts.c): which match keys collide, which pairs are harmless, and
 * how peers are named. */
#include "unit.h"

#include <stdio.h>

static void assert_conflict(const unit_run *u, const char *name, enum kf_reason r)
{
    const kf_result *res = unit_result(u, name, r);
    if (!res)
        fail_msg("%s: no %s", name, kf_reason_name(r));
    assert_int_equal(res->severity, KF_SEV_ERROR);
    assert_null(res->field);
    assert_false(unit_binding(u, name)->ok);
}

/* Bindings matched by container: the same namespace, pool labels, service
 * account and container select the same containers. */
static void test_conflict_identity_collision(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o1", "p") OBJECTIVE("o2", "p")
                   OBJECTIVE("o3", "p")
                   BINDING("a", SPEC_PER_OBJECTIVE("p", "o1", "sa", "c"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o2", "sa", "c"))
                   BINDING("c", SPEC_PER_OBJECTIVE("p", "o3", "sa", "other")));
    assert_conflict(&u, "a", KF_R_IDENTITY_COLLISION);
    assert_conflict(&u, "b", KF_R_IDENTITY_COLLISION);
    assert_true(unit_says(&u, "a", KF_R_IDENTITY_COLLISION,
                          "as ns/b (spiffe://example.org/ns/ns/objective/o2)"));
    assert_true(unit_binding(&u, "c")->ok); /* another container */
    unit_run_free(&u);
}

/* Another service account on the same pool and container: other pods. */
static void test_conflict_collision_needs_same_account(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o1", "p") OBJECTIVE("o2", "p")
                   BINDING("a", SPEC_PER_OBJECTIVE("p", "o1", "sa", "c"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o2", "sb", "c")));
    assert_true(unit_binding(&u, "a")->ok);
    assert_true(unit_binding(&u, "b")->ok);
    assert_int_equal(unit_nresults(&u, "a"), 0);
    unit_run_free(&u);
}

/* Matched by pool: two service accounts on one pool give one SPIFFE ID. */
static void test_conflict_duplicate_spiffe_id(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   BINDING("a", SPEC_POOL_ONLY("p", "sa"))
                   BINDING("b", SPEC_POOL_ONLY("p", "sb")));
    assert_conflict(&u, "a", KF_R_DUPLICATE_SPIFFE_ID);
    assert_conflict(&u, "b", KF_R_DUPLICATE_SPIFFE_ID);
    assert_null(unit_result(&u, "a", KF_R_IDENTITY_COLLISION));
    unit_run_free(&u);
}

/* Matched by variant: the same namespace, service account and variant on
 * two pools. */
static void test_conflict_variant(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") POOL("q", "{app: q}")
                   BINDING("a", SPEC_VARIANT("p", "sa", "decode"))
                   BINDING("b", SPEC_VARIANT("q", "sa", "decode"))
                   BINDING("c", SPEC_VARIANT("q", "sa", "prefill")));
    assert_conflict(&u, "a", KF_R_VARIANT_CONFLICT);
    assert_conflict(&u, "b", KF_R_VARIANT_CONFLICT);
    assert_true(unit_says(&u, "a", KF_R_VARIANT_CONFLICT, "ns/b (variant decode, spiffe://"));
    assert_true(unit_binding(&u, "c")->ok);
    unit_run_free(&u);
}

/* The same SPIFFE ID twice is a DuplicateSPIFFEID only. */
static void test_conflict_variant_same_id(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}")
                   BINDING("a", SPEC_VARIANT("p", "sa", "decode"))
                   BINDING("b", SPEC_VARIANT("p", "sa", "decode")));
    assert_conflict(&u, "a", KF_R_DUPLICATE_SPIFFE_ID);
    assert_null(unit_result(&u, "a", KF_R_VARIANT_CONFLICT));
    assert_null(unit_result(&u, "b", KF_R_VARIANT_CONFLICT));
    unit_run_free(&u);
}

/* Nesting selector sets is not a conflict: PoolOnly and PerObjective on
 * one pool and service account both render. */
static void test_conflict_none_across_match_keys(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   ONE_OF_EACH("{app: p}"));
    assert_true(unit_binding(&u, "a")->ok);
    assert_true(unit_binding(&u, "b")->ok);
    assert_true(unit_binding(&u, "c")->ok);
    unit_run_free(&u);
}

/* n bindings in conflict cost O(n) text: five peers named, then a count. */
static void test_conflict_peers_named(void **state)
{
    (void)state;
    kf_buf items = {0};
    assert_int_equal(kf_buf_puts(&items, POOL("p", "{app: p}")), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(kf_buf_printf(&items, BINDING("b%d", SPEC_POOL_ONLY("p", "sa%d")),
                                       i, i), 0);
    unit_run u;
    unit_run_items(&u, NULL, items.data);
    assert_true(unit_says(&u, "b0", KF_R_DUPLICATE_SPIFFE_ID,
                          "as ns/b1 (spiffe://example.org/ns/ns/pool/p), ns/b2"));
    assert_true(unit_says(&u, "b0", KF_R_DUPLICATE_SPIFFE_ID, "ns/b5 (spiffe://example.org/"
                          "ns/ns/pool/p) and 2 more;"));
    assert_true(unit_says(&u, "b7", KF_R_DUPLICATE_SPIFFE_ID, "as ns/b0 "));
    unit_run_free(&u);
    kf_buf_free(&items);
}

/* A binding failed by one conflict still counts as a peer in the next. */
static void test_conflict_failed_still_peer(void **state)
{
    (void)state;
    unit_run u;
    unit_run_items(&u, NULL,
                   POOL("p", "{app: p}") OBJECTIVE("o", "p")
                   BINDING("a", SPEC_PER_OBJECTIVE("p", "o", "sa", "c"))
                   BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "c")));
    assert_conflict(&u, "a", KF_R_IDENTITY_COLLISION);
    assert_conflict(&u, "a", KF_R_DUPLICATE_SPIFFE_ID);
    assert_conflict(&u, "b", KF_R_DUPLICATE_SPIFFE_ID);
    unit_run_free(&u);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_conflict_identity_collision),
    cmocka_unit_test(test_conflict_collision_needs_same_account),
    cmocka_unit_test(test_conflict_duplicate_spiffe_id),
    cmocka_unit_test(test_conflict_variant),
    cmocka_unit_test(test_conflict_variant_same_id),
    cmocka_unit_test(test_conflict_none_across_match_keys),
    cmocka_unit_test(test_conflict_peers_named),
    cmocka_unit_test(test_conflict_failed_still_peer),
};
const unit_group unit_conflicts = {tests, sizeof tests / sizeof *tests};
