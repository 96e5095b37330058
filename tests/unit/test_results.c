/* test_results.c - unit tests for the results (results.c): their
 * reporting order, and a message made when written from memory the
 * results keep. */
#include "unit.h"

#include <stdlib.h>

#include "kf_results.h"

static void test_results_sorted(void **state)
{
    (void)state;
    kf_results rs = {0};
    kf_ref a = {"v", "K", "b", "ns", "", "", 0, NULL, 0}, b = {"v", "K", "a", "ns", "", "", 1, NULL, 0},
           c = {"v", "K", "a", "", "", "", 2, NULL, 0};
    assert_int_equal(kf_results_add(&rs, &a, KF_SEV_ERROR, KF_R_VARIANT_CONFLICT, NULL, "m1"), 0);
    assert_int_equal(kf_results_add(&rs, &b, KF_SEV_INFO, KF_R_DUPLICATE_OBJECT, NULL, "m2"), 0);
    assert_int_equal(kf_results_add(&rs, &b, KF_SEV_ERROR, KF_R_INVALID_VALUE, NULL, "m3"), 0);
    assert_int_equal(kf_results_add(&rs, &b, KF_SEV_ERROR, KF_R_DUPLICATE_OBJECT, NULL, "m4"), 0);
    assert_int_equal(kf_results_add(&rs, &c, KF_SEV_WARNING, KF_R_DUPLICATE_OBJECT, NULL, "m5"), 0);
    kf_results_sort(&rs);
    const char *order[] = {"m5", "m4", "m3", "m2", "m1"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(rs.v[i].message, order[i]);
    assert_true(kf_results_has_error(&rs));
    kf_results_free(&rs);
}

/* A message made when written: from memory the results keep, in pieces. */
static int kept_text(const void *arg, kf_buf *out)
{
    return kf_buf_cat(out, "peer ", (const char *)arg, "", " and more", NULL);
}

static void test_results_made_when_written(void **state)
{
    (void)state;
    kf_results rs = {0};
    kf_buf scratch = {0};
    kf_ref a = {.api_version = "v", .kind = "K", .name = "a", .namespace = "ns",
                 .path = "", .index = ""};
    char *kept = strdup("ns/b");
    assert_non_null(kept);
    assert_int_equal(kf_results_add_text(&rs, &a, KF_SEV_ERROR, KF_R_VARIANT_CONFLICT, NULL,
                                         kept_text, kept), 0);
    assert_int_equal(kf_results_keep(&rs, kept), 0); /* freed with rs */
    assert_int_equal(kf_results_add(&rs, &a, KF_SEV_ERROR, KF_R_DUPLICATE_OBJECT, NULL, "m"), 0);
    assert_null(rs.v[0].message);
    assert_string_equal(kf_result_message(&rs.v[0], &scratch), "peer ns/b and more");
    assert_string_equal(kf_result_message(&rs.v[1], &scratch), "m");
    kf_buf_free(&scratch);
    kf_results_free(&rs);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_results_sorted),
    cmocka_unit_test(test_results_made_when_written),
};
const unit_group unit_results = {tests, sizeof tests / sizeof *tests};
