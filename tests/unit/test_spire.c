/* test_spire.c - SPIRE's side (SPEC section 15): ignoreNamespaces patterns
 * as Go's regexp reads them. */
#include "unit.h"

#include "kf_spirecheck.h"

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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_regex_go_syntax),
};
const unit_group unit_spire = {tests, sizeof tests / sizeof *tests};
