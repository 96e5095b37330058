/* test_spire.c - SPIRE's side (SPEC section 15): ignoreNamespaces patterns
 * as Go's regexp reads them, and the decisions of the check: which class
 * SCM reconciles, which namespaces it ignores, which foreign
 * ClusterSPIFFEIDs select a template, and SCM's fallback order. */
#include "unit.h"

#include "spire.h"

#include <stdio.h>

/* SCM's ignoreNamespaces: Go RE2 syntax, matched anywhere in the name. */
static int regex_search(const char *pattern, const char *s)
{
    char buf[256];
    const char *why;
    bool oom;
    kf_regex *re = kf_regex_compile(pattern, buf, sizeof buf, &why, &oom);
    if (!re)
        return oom ? -2 : -1; /* refused */
    int rc = kf_regex_search(re, s);
    kf_regex_free(re);
    return rc;
}

static void test_regex_go_syntax(void **state)
{
    (void)state;
    /* unanchored, as MatchString */
    assert_int_equal(regex_search("kube-public", "team-kube-public-x"), 1);
    assert_int_equal(regex_search("^kube-public$", "team-kube-public-x"), 0);
    assert_int_equal(regex_search("openshift-.*", "openshift-monitoring"), 1);
    /* $ at the very end only, as Go without (?m) */
    assert_int_equal(regex_search("a$", "a\n"), 0);
    /* \v is a vertical tab in Go, not a class */
    assert_int_equal(regex_search("a\\vb", "a b"), 0);
    /* what Go accepts: classes, named groups, flags, lazy quantifiers */
    assert_int_equal(regex_search("(?i)KUBE-[[:alpha:]]+", "kube-system"), 1);
    assert_int_equal(regex_search("(?P<n>a)(?<m>b)+?", "ab"), 1);
    assert_int_equal(regex_search("\\pL\\d{1,3}", "x12"), 1);
    assert_int_equal(regex_search("a{,3}", "a{,3}"), 1); /* a literal brace in Go */
    /* what Go refuses, though PCRE2 would accept it */
    const char *refused[] = {"(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "(?>a)", "a*+", "a++",
                             "a{2}{3}", "(a)\\1", "\\k<n>", "(?R)", "(?(1)a|b)", "(?#c)",
                             "\\Ka", "a\\Z", "\\h", "(*UTF)a", "a{1001}", "(?x)a",
                             "\\e", "team-(a"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(regex_search(refused[i], "a"), -1);
    /* catastrophic backtracking costs nothing: the DFA never backtracks */
    assert_int_equal(regex_search("^(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"), 0);
}

/* SCM's configuration as an item of the list. */
#define SCM(body)                                                             \
    "- apiVersion: spire.spiffe.io/v1alpha1\n  kind: ControllerManagerConfig\n" \
    "  metadata: {name: scm, namespace: spire}\n"                             \
    "  trustDomain: example.org\n  clusterName: c\n" body
#define FOREIGN(name, spec)                                                   \
    "- apiVersion: spire.spiffe.io/v1alpha1\n  kind: ClusterSPIFFEID\n"        \
    "  metadata: {name: " name "}\n  spec: " spec "\n"
#define WORKLOAD                                                              \
    POOL("p", "{app: p}") BINDING("b", SPEC_POOL_ONLY("p", "sa"))             \
    DEPLOY("d", "{app: p, tier: gpu}", "{serviceAccountName: sa, containers: [{name: c}]}")

/* (className == "" && watchClassless) || className == config.className */
static void test_spire_class(void **state)
{
    (void)state;
    static const struct {
        const char *fc, *scm;
        bool reconciled;
    } cases[] = {
        {NULL, "  className: platform\n", false},
        {NULL, "  className: platform\n  watchClassless: true\n", true},
        {"{clusterSPIFFEIDClassName: platform}", "  className: platform\n", true},
        {"{clusterSPIFFEIDClassName: other}", "  className: platform\n  watchClassless: true\n",
         false},
        {NULL, "", true}, /* no className: classless ones only */
        {"{clusterSPIFFEIDClassName: other}", "", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unit_run u;
        kf_buf items = {0};
        assert_int_equal(kf_buf_printf(&items, "%s" SCM("%s"), WORKLOAD, cases[i].scm), 0);
        char fc[128];
        snprintf(fc, sizeof fc, "%s", cases[i].fc ? cases[i].fc : "{trustDomain: example.org}");
        if (cases[i].fc)
            snprintf(fc, sizeof fc, "{trustDomain: example.org, %s", cases[i].fc + 1);
        unit_run_items(&u, fc, items.data);
        assert_int_equal(unit_result(&u, "b", KF_R_CLASS_NOT_RECONCILED) == NULL,
                         cases[i].reconciled);
        unit_run_free(&u);
        kf_buf_free(&items);
    }
}

/* ignoreNamespaces: SCM's defaults when the key is absent, unanchored. */
static void test_spire_ignored_namespace(void **state)
{
    (void)state;
    unit_run u;
    /* the binding's namespace is ns: "s" matches it anywhere */
    unit_run_items(&u, NULL, WORKLOAD SCM("  ignoreNamespaces: [\"s\"]\n"));
    assert_non_null(unit_result(&u, "b", KF_R_NAMESPACE_IGNORED));
    assert_true(unit_says(&u, "b", KF_R_NAMESPACE_IGNORED, "entry \"s\""));
    unit_run_free(&u);
    unit_run_items(&u, NULL, WORKLOAD SCM("  ignoreNamespaces: [\"^s$\"]\n"));
    assert_null(unit_result(&u, "b", KF_R_NAMESPACE_IGNORED));
    unit_run_free(&u);
    unit_run_items(&u, NULL, WORKLOAD SCM("")); /* defaults: kube-system, ... */
    assert_null(unit_result(&u, "b", KF_R_NAMESPACE_IGNORED));
    assert_null(unit_result(&u, "b", KF_R_TRUST_DOMAIN_MISMATCH));
    unit_run_free(&u);
}

/* A foreign ClusterSPIFFEID's selector, operator by operator; a fallback
 * one is replaced, not added. */
static void test_spire_foreign(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        enum kf_reason want; /* KF_R_COUNT: none */
    } cases[] = {
        {"{spiffeIDTemplate: x, podSelector: {matchLabels: {tier: gpu}}}", KF_R_EXTRA_IDENTITY},
        {"{spiffeIDTemplate: x, podSelector: {matchExpressions: [{key: tier, operator: In, "
         "values: [cpu, gpu]}]}}", KF_R_EXTRA_IDENTITY},
        {"{spiffeIDTemplate: x, podSelector: {matchExpressions: [{key: tier, operator: NotIn, "
         "values: [gpu]}]}}", KF_R_COUNT},
        {"{spiffeIDTemplate: x, podSelector: {matchExpressions: [{key: tier, operator: "
         "Exists}]}}", KF_R_EXTRA_IDENTITY},
        {"{spiffeIDTemplate: x, podSelector: {matchExpressions: [{key: tier, operator: "
         "DoesNotExist}]}}", KF_R_COUNT},
        {"{spiffeIDTemplate: x, namespaceSelector: {matchLabels: {team: ml}}}", KF_R_COUNT},
        {"{spiffeIDTemplate: x, namespaceSelector: {matchLabels: "
         "{kubernetes.io/metadata.name: ns}}}", KF_R_EXTRA_IDENTITY},
        {"{spiffeIDTemplate: x, fallback: true}", KF_R_FALLBACK_REPLACED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unit_run u;
        kf_buf items = {0};
        assert_int_equal(kf_buf_printf(&items, "%s" FOREIGN("f", "%s"), WORKLOAD,
                                       cases[i].spec), 0);
        unit_run_items(&u, NULL, items.data);
        bool extra = unit_result(&u, "b", KF_R_EXTRA_IDENTITY) != NULL;
        bool replaced = unit_result(&u, "b", KF_R_FALLBACK_REPLACED) != NULL;
        if (extra != (cases[i].want == KF_R_EXTRA_IDENTITY) ||
            replaced != (cases[i].want == KF_R_FALLBACK_REPLACED))
            fail_msg("case %zu: ExtraIdentity %d, FallbackReplaced %d", i, extra, replaced);
        unit_run_free(&u);
        kf_buf_free(&items);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_regex_go_syntax),
    cmocka_unit_test(test_spire_class),
    cmocka_unit_test(test_spire_ignored_namespace),
    cmocka_unit_test(test_spire_foreign),
};
const unit_group unit_spire = {tests, sizeof tests / sizeof *tests};
