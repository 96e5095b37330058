/* test_results.c - unit tests for the results (results.c): their
 * reporting order, a message made when written from memory the results
 * keep, and the in-place sort that orders them (sort.c). */
#include "unit.h"

#include <stdlib.h>

#include "kf_report.h"
#include "kf_results.h"
#include "kf_sort.h"
#include "offsets.h"

static void test_results_sorted(void **state)
{
    (void)state;
    kf_results rs = {0};
    kf_ref a = {"v", "K", "b", "ns", "", "", NULL, 0, 0}, b = {"v", "K", "a", "ns", "", "", NULL, 1, 0},
           c = {"v", "K", "a", "", "", "", NULL, 2, 0};
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
    assert_non_null(rs.v[0].text);
    assert_string_equal(kf_result_message(&rs.v[0], &scratch), "peer ns/b and more");
    assert_string_equal(kf_result_message(&rs.v[1], &scratch), "m");
    kf_buf_free(&scratch);
    kf_results_free(&rs);
}

/* A run's member: its name from the run's memory. */
typedef struct names_run {
    kf_result_run head;
    const char *names[3];
} names_run;

static int names_member(const void *arg, uint32_t m, kf_buf *out, const char **field,
                        kf_ref *ref)
{
    const names_run *r = arg;
    (void)ref;
    *field = m == 1 ? "data.b" : NULL;
    return kf_buf_cat(out, "key ", r->names[m], NULL);
}

/* Three results held as one run sort as three, stay among the others of
 * their resource in order, and become three when expanded; equal shared
 * texts are stored once. */
static void test_results_run_and_shared(void **state)
{
    (void)state;
    kf_results rs = {0};
    kf_ref a = {.api_version = "v", .kind = "K", .name = "a", .namespace = "",
                .path = "", .index = ""};
    kf_ref b = a;
    b.name = "b";
    names_run *run = malloc(sizeof *run);
    assert_non_null(run);
    *run = (names_run){{names_member, 3}, {"x", "y", "z"}};
    assert_int_equal(kf_results_add(&rs, &b, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, NULL, "last"), 0);
    assert_int_equal(kf_results_add(&rs, &a, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, NULL, "first"), 0);
    assert_int_equal(kf_results_keep(&rs, run), 0);
    assert_int_equal(kf_results_add_run(&rs, &a, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, NULL,
                                        &run->head), 0);
    assert_int_equal(kf_results_add(&rs, &a, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, NULL, "after"), 0);
    assert_int_equal(kf_results_add_fail(&rs, &a, KF_R_INVALID_VALUE, "f", "same"), 0);
    assert_int_equal(kf_results_add_fail(&rs, &b, KF_R_INVALID_VALUE, "f", "same"), 0);
    assert_int_equal(kf_results_end_fails(&rs), 0);
    /* a group each, sharing one list */
    assert_int_equal(rs.ngroups, 2);
    assert_int_equal(rs.nfails, 1);
    assert_int_equal(rs.groups[0].fail, rs.groups[1].fail);
    assert_true(kf_results_has_error(&rs));
    assert_int_equal(rs.n, 4);
    assert_int_equal(rs.norder, 8);
    assert_int_equal(kf_result_count(&rs.v[2]), 3);
    double *held = kf_results_hold(&rs, sizeof *held, _Alignof(double));
    assert_non_null(held);
    assert_int_equal((uintptr_t)held % _Alignof(double), 0);
    kf_results_sort(&rs);
    assert_int_equal(kf_results_expand(&rs), 0);
    const char *order[] = {"same", "first", "key x", "key y", "key z", "after", "same", "last"};
    assert_int_equal(rs.n, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(rs.v[i].message, order[i]);
    assert_string_equal(rs.v[3].field, "data.b");
    assert_null(rs.v[2].field);
    assert_false(rs.v[3].run);
    kf_results_free(&rs);
}

/* A binding's failures held as a group come out in report order: a
 * stored result on the same (namespace, name) between two of them splits
 * the group, a second resource of that (namespace, name) gets results of
 * its own, and inspect's expansion gives the same order. */
static void test_results_fail_groups(void **state)
{
    (void)state;
    kf_results rs = {0};
    kf_ref a = {.api_version = "v", .kind = "K", .name = "a", .namespace = "ns",
                .path = "", .index = ""};
    kf_ref a2 = a, z = a;
    a2.api_version = "v2";
    z.name = "z";
    assert_int_equal(kf_results_add_fail(&rs, &a, KF_R_MISSING_NAMESPACE, NULL, "a mn"), 0);
    assert_int_equal(kf_results_add_fail(&rs, &a, KF_R_INVALID_POOL_REF, NULL, "a ipr"), 0);
    assert_int_equal(kf_results_add_fail(&rs, &a2, KF_R_INVALID_POOL_REF, NULL, "a2 ipr"), 0);
    assert_int_equal(kf_results_add_fail(&rs, &z, KF_R_MISSING_NAMESPACE, NULL, "z mn"), 0);
    assert_int_equal(kf_results_add(&rs, &a, KF_SEV_ERROR, KF_R_INVALID_SERVICE_ACCOUNT_NAME,
                                    NULL, "a isan"), 0);
    assert_int_equal(rs.ngroups, 2); /* a's and z's; a2's are results */
    assert_int_equal(rs.n, 2);
    kf_results_sort(&rs);
    kf_plan plan = {0};
    kf_workloads w = {0};
    kf_report rep;
    assert_int_equal(kf_report_build(&rep, &rs, &plan, &w), 0);
    const char *order[] = {"a ipr", "a2 ipr", "a isan", "a mn", "z mn"};
    assert_int_equal(rep.n, 5);
    assert_int_equal(rep.npieces, 2);
    kf_result tmp;
    for (size_t i = 0; i < 5; i++) {
        const kf_result *r = kf_report_get(&rep, i, &tmp);
        assert_non_null(r);
        assert_string_equal(r->message, order[i]);
        assert_int_equal(r->severity, KF_SEV_ERROR);
    }
    assert_ptr_equal(kf_report_get(&rep, 3, &tmp)->ref, &a);
    kf_report_free(&rep);
    assert_int_equal(kf_results_expand(&rs), 0);
    assert_int_equal(rs.n, 5);
    assert_int_equal(rs.ngroups, 0);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(rs.v[i].message, order[i]);
    kf_results_free(&rs);
}

/* An element of the sort test: few distinct keys, made total by place. */
typedef struct sorted {
    unsigned key, place;
    char pad[32];
} sorted;

static int cmp_sorted(const void *pa, const void *pb)
{
    const sorted *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->place < b->place ? -1 : a->place > b->place;
}

/* kf_sort() gives qsort()'s order for a comparison with no ties, on
 * random, ascending, descending and equal-keyed arrays of every length up
 * to past its insertion-sort runs, and on a large one. */
static void test_sort_in_place(void **state)
{
    (void)state;
    enum { MOST = 5000 };
    sorted *a = malloc(MOST * sizeof *a), *b = malloc(MOST * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    unsigned seed = 7;
    for (size_t n = 0; n <= MOST; n = n < 70 ? n + 1 : n * 3 / 2 + 1) {
        for (int shape = 0; shape < 4; shape++) {
            size_t m = n > MOST ? MOST : n;
            for (size_t i = 0; i < m; i++) {
                seed = seed * 1103515245u + 12345u;
                unsigned k = shape == 0 ? (seed >> 8) % 13 : shape == 1 ? (unsigned)i
                             : shape == 2 ? (unsigned)(m - i) : 1;
                a[i] = (sorted){.key = k, .place = (unsigned)((seed >> 4) % 100000)};
                a[i].place = a[i].place * MOST + (unsigned)i; /* distinct */
            }
            memcpy(b, a, m * sizeof *a);
            qsort(a, m, sizeof *a, cmp_sorted);
            kf_sort(b, m, sizeof *b, cmp_sorted);
            assert_memory_equal(a, b, m * sizeof *a);
        }
    }
    free(a);
    free(b);
}

/* A run's keys held as byte deltas (offsets.h): every member read back,
 * whatever the steps between them (up, down, none, the whole 32 bits). */
static void test_offsets_round_trip(void **state)
{
    (void)state;
    enum { N = 1000 };
    uint32_t *want = malloc(N * sizeof *want);
    assert_non_null(want);
    kf_offsets o = {0};
    unsigned seed = 11;
    uint32_t at = 0;
    for (uint32_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned step = (seed >> 8) % 7;
        at = step == 0 ? at + 11 : step == 1 ? at : step == 2 ? at - (seed >> 20)
             : step == 3 ? UINT32_MAX : step == 4 ? 0 : at + (seed >> 4);
        want[i] = at;
        assert_int_equal(kf_offsets_add(&o, at), 0);
    }
    assert_int_equal(o.count, N);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(kf_offsets_get(&o, i), want[i]);
    kf_offsets_free(&o);
    free(want);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sort_in_place),
    cmocka_unit_test(test_results_sorted),
    cmocka_unit_test(test_results_made_when_written),
    cmocka_unit_test(test_results_run_and_shared),
    cmocka_unit_test(test_results_fail_groups),
    cmocka_unit_test(test_offsets_round_trip),
};
const unit_group unit_results = {tests, sizeof tests / sizeof *tests};
