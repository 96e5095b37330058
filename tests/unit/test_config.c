/* test_config.c - unit tests for the configuration (config.c,
 * config_svid.c, svid.c): the SVID option values' rules (Go durations,
 * trust-domain lists) and the merge of the configuration sources. */
#include "unit.h"

#include "kf_config.h"
#include "svid.h"

#define S(x) x, strlen(x)

/* Go durations: vectors checked against Go 1.19's time.ParseDuration (the
 * same value, or an error, for each; 400 000 generated strings agreed). */
static void test_go_duration(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t ns;
    } ok[] = {
        {"90s", 90000000000}, {"1h30m", 5400000000000}, {"1.5h", 5400000000000},
        {"0", 0}, {"-0", 0}, {"+0", 0}, {"0s", 0}, {"-5m", -300000000000},
        {"+5m", 300000000000}, {".5s", 500000000}, {"5.s", 5000000000},
        {"1\xc2\xb5s", 1000}, {"1\xce\xbcs", 1000}, {"1us", 1000}, {"1ns", 1},
        {"2562047h47m16.854775807s", INT64_MAX},
        {"-2562047h47m16.854775808s", INT64_MIN},
        {"9223372036854775807ns", INT64_MAX},
        {"0.0000000001s", 0}, /* the fraction rounds away, as in Go */
        {"1.00000000000000000000000000001h", 3600000000000},
        {"0.9999999999999999999999h", 3600000000000}, /* float64 rounding */
        {"3.0000000000000000001ns", 3},
        /* Go's uint64 sum wraps 2^63 + 2^63 to 0: the same here */
        {"9223372036854775808ns9223372036854775808ns", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int64_t ns = 42;
        assert_int_equal(kf_go_duration(S(ok[i].s), &ns), KF_DURATION_OK);
        assert_true(ns == ok[i].ns);
    }
    const char *syntax[] = {"", "5", "5 minutes", ".s", "-.s", "1h-5m", "1e3s", "1_000s",
                            "{{.x}}", " 1h", "1h ", "1H", "1hh", "1.2.3s", "-", "+",
                            "1d", "s", "1m{{", "\xc2\xb5s"};
    for (size_t i = 0; i < sizeof syntax / sizeof *syntax; i++) {
        int64_t ns;
        assert_int_equal(kf_go_duration(S(syntax[i]), &ns), KF_DURATION_SYNTAX);
    }
    const char *range[] = {"2562047h47m16.854775808s", "2562047h47m16.854775807s1ns",
                           "-2562047h47m16.854775809s", "9223372036854775808ns",
                           "99999999999999999999s", "2562048h"};
    for (size_t i = 0; i < sizeof range / sizeof *range; i++) {
        int64_t ns;
        assert_int_equal(kf_go_duration(S(range[i]), &ns), KF_DURATION_RANGE);
    }
    /* the SVID rule: a Go duration greater than zero */
    assert_null(kf_ttl_problem(S("90s")));
    assert_null(kf_ttl_problem(S("1ns")));
    assert_null(kf_ttl_problem(S("2562047h47m16.854775807s")));
    assert_string_equal(kf_ttl_problem(S("0s")), "is not greater than zero");
    assert_string_equal(kf_ttl_problem(S("0")), "is not greater than zero");
    assert_string_equal(kf_ttl_problem(S("-5m")), "is not greater than zero");
    assert_string_equal(kf_ttl_problem(S("-9999999h")), "is not greater than zero");
    assert_string_equal(kf_ttl_problem(S("0.0000000001s")), "is not greater than zero");
    assert_string_equal(kf_ttl_problem(S("5 minutes")), "is not a Go duration");
    assert_string_equal(kf_ttl_problem(S("{{.x}}")), "is not a Go duration");
    assert_non_null(strstr(kf_ttl_problem(S("2562048h")), "longest Go duration"));
}

/* federatesWith: entries trimmed, checked in order, sorted and unique. */
static void test_trust_domain_list(void **state)
{
    (void)state;
    kf_td_list l = {0};
    kf_buf out = {0};
    const char *why;
    size_t bad;
    assert_int_equal(kf_td_list_split(&l, S(" c.org ,a.org,b.org, a.org\n")), 0);
    assert_int_equal(kf_td_list_add(&l, S("\tB-2.org ")), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(kf_td_list_get(&l, 0), "c.org");
    assert_string_equal(kf_td_list_get(&l, 4), "B-2.org");
    assert_int_equal(kf_td_list_check(&l, "example.org", &why, &bad), 0);
    assert_non_null(why); /* upper case */
    assert_int_equal(bad, 4);
    kf_td_list_free(&l);

    assert_int_equal(kf_td_list_split(&l, S("c.org,a.org,b.org,a.org,c.org")), 0);
    assert_int_equal(kf_td_list_check(&l, "example.org", &why, &bad), 0);
    assert_null(why);
    assert_int_equal(kf_td_list_join(&l, &out), 0);
    assert_string_equal(out.data, "a.org\nb.org\nc.org\n");
    kf_td_list_free(&l);
    kf_buf_free(&out);

    /* bytewise order: '-' < '.' < digits < '_' < letters */
    assert_int_equal(kf_td_list_split(&l, S("a_b,a.b,a-b,a9b,ab")), 0);
    assert_int_equal(kf_td_list_check(&l, NULL, &why, &bad), 0);
    assert_null(why);
    assert_int_equal(kf_td_list_join(&l, &out), 0);
    assert_string_equal(out.data, "a-b\na.b\na9b\na_b\nab\n");
    kf_td_list_free(&l);
    kf_buf_free(&out);

    /* an empty entry, the own trust domain, a template, nothing at all */
    assert_int_equal(kf_td_list_split(&l, S("a.org,,b.org")), 0);
    assert_int_equal(kf_td_list_check(&l, NULL, &why, &bad), 0);
    assert_string_equal(why, "is empty");
    assert_int_equal(bad, 1);
    kf_td_list_free(&l);
    assert_int_equal(kf_td_list_split(&l, S("a.org,example.org")), 0);
    assert_int_equal(kf_td_list_check(&l, "example.org", &why, &bad), 0);
    assert_non_null(strstr(why, "own trust domain"));
    assert_int_equal(bad, 1);
    kf_td_list_free(&l);
    assert_int_equal(kf_td_list_split(&l, S("a.org,example.org")), 0);
    assert_int_equal(kf_td_list_check(&l, "", &why, &bad), 0); /* no own: no rule */
    assert_null(why);
    kf_td_list_free(&l);
    assert_int_equal(kf_td_list_split(&l, S("{{.x}}")), 0);
    assert_int_equal(kf_td_list_check(&l, NULL, &why, &bad), 0);
    assert_non_null(strstr(why, "not a valid SPIFFE trust domain"));
    kf_td_list_free(&l);
    const char *bad_entries[] = {"spiffe://a.org", "a.org/x", "a b", "Example.org", ","};
    for (size_t i = 0; i < sizeof bad_entries / sizeof *bad_entries; i++) {
        assert_int_equal(kf_td_list_split(&l, S(bad_entries[i])), 0);
        assert_int_equal(kf_td_list_check(&l, NULL, &why, &bad), 0);
        assert_non_null(why);
        kf_td_list_free(&l);
    }
    assert_int_equal(kf_td_list_split(&l, S(" \n")), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(kf_td_list_check(&l, NULL, &why, &bad), 0);
    assert_non_null(strstr(why, "names no trust domain"));
    kf_td_list_free(&l);
}

/* Configuration sources merged setting by setting (SPEC section 12): each
 * setting from the first source that gives it, an invalid value included;
 * the environment only where no source gave the setting. */
static void test_config_merge(void **state)
{
    (void)state;
    static const char first[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
                                "data: {trustDomain: a.example, ttl: 0s}\n";
    static const char second[] = "apiVersion: fn.kleym.sonda.red/v1alpha1\n"
                                 "kind: ClusterSPIFFEIDGenerator\nmetadata: {name: b}\n"
                                 "spec: {trustDomain: b.example, ttl: 1h, "
                                 "clusterSPIFFEIDClassName: spire, "
                                 "federatesWith: [p.example, a.example]}\n";
    kf_input a, b;
    kf_fatal fatal;
    assert_int_equal(kf_read_config(first, strlen(first), &a, &fatal), 0);
    assert_int_equal(kf_read_config(second, strlen(second), &b, &fatal), 0);
    const kf_config_source srcs[] = {{.in = &a, .origin = "a.yaml"},
                                     {.in = &b, .origin = "b.yaml", .origin_index = "0"}};
    kf_settings st = {.env_trust_domain = "env.example", .env_class_name = "envclass"};
    kf_config cfg;
    kf_results rs = {0};
    assert_int_equal(kf_config_load(srcs, 2, &st, &cfg, &rs), 0);
    assert_string_equal(cfg.trust_domain, "a.example"); /* the first source's */
    assert_string_equal(cfg.class_name, "spire");       /* the second fills it */
    assert_null(cfg.ttl);                               /* 0s refused, 1h not read */
    assert_true(cfg.options_invalid);
    /* federatesWith from the second, checked against the first's trust domain */
    assert_int_equal(rs.n, 2);
    bool ttl_refused = false, own_td = false;
    for (size_t i = 0; i < rs.n; i++) {
        assert_int_equal(rs.v[i].reason, KF_R_INVALID_VALUE);
        ttl_refused |= strstr(rs.v[i].message, "data.ttl") != NULL &&
                       strcmp(rs.v[i].ref->path, "a.yaml") == 0;
        own_td |= strstr(rs.v[i].message, "spec.federatesWith") != NULL &&
                  strcmp(rs.v[i].ref->path, "b.yaml") == 0;
    }
    assert_true(ttl_refused);
    assert_true(own_td);
    kf_config_free(&cfg);
    kf_results_free(&rs);

    /* a trust domain given but refused is not replaced by the environment */
    static const char refused[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                                  "data: {trustDomain: 5}\n";
    kf_input c;
    assert_int_equal(kf_read_config(refused, strlen(refused), &c, &fatal), 0);
    const kf_config_source only[] = {{.in = &c}};
    assert_int_equal(kf_config_load(only, 1, &st, &cfg, &rs), 0);
    assert_string_equal(cfg.trust_domain, "");
    assert_string_equal(cfg.class_name, "envclass"); /* not given: the environment */
    kf_config_free(&cfg);
    kf_results_free(&rs);
    kf_input_free(&a);
    kf_input_free(&b);
    kf_input_free(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_go_duration),
    cmocka_unit_test(test_trust_domain_list),
    cmocka_unit_test(test_config_merge),
};
const unit_group unit_config = {tests, sizeof tests / sizeof *tests};
