/* spire_regex.c - SPIRE Controller Manager's ignoreNamespaces patterns
 * (spire.h).
 *
 * SCM compiles each entry with Go's regexp.Compile (RE2 syntax, Perl
 * flags) and calls MatchString: matched anywhere in the namespace name.
 * PCRE2 does the matching; RE2 syntax is nearly a subset of PCRE2's, so a
 * scan first refuses what Go refuses and PCRE2 would accept
 * (backreferences, lookaround, atomic groups, possessive quantifiers,
 * recursion, conditionals, callouts, verbs, escapes Go does not know,
 * repeat counts over 1000) and rewrites the one escape that means another
 * thing in PCRE2 (\v: a vertical tab in Go, a class in PCRE2). PCRE2 is
 * compiled for UTF-8 with $ matching at the very end only (Go's default),
 * and matched by its DFA algorithm, which never backtracks: a pattern such
 * as (a+)+$ costs what it costs RE2. docs/design.md says more.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spire.h"

struct kf_regex {
    pcre2_code *code;
};

/* The letters Go's regexp/syntax accepts after a backslash, outside and
 * inside a class (digits apart: \0 starts an octal code, \1..\9 would be
 * a backreference). */
static const char go_escapes[] = "afnrtvxdDsSwWpPQ";
static const char go_escapes_outside[] = "AzbB";

/* A decimal count in p (at most 4 digits read); -1 when none. */
static int count_at(const char *p, const char **end)
{
    int n = -1;
    while (*p >= '0' && *p <= '9') {
        n = (n < 0 ? 0 : n) * 10 + (*p - '0');
        if (n > 100000)
            n = 100000;
        p++;
    }
    *end = p;
    return n;
}

/* A repeat {n}, {n,} or {n,m} at p: its length, 0 when p is a literal
 * '{' (as in Go), and *big when a count is over Go's 1000. */
static size_t repeat_at(const char *p, bool *big)
{
    const char *q;
    int lo = count_at(p + 1, &q), hi = lo;
    if (lo < 0)
        return 0;
    if (*q == ',') {
        hi = count_at(q + 1, &q);
        if (hi < 0)
            hi = lo;
    }
    if (*q != '}')
        return 0;
    *big = lo > 1000 || hi > 1000;
    return (size_t)(q + 1 - p);
}

/* Check one escape at p (p[0] == '\\'); in_class: inside [...]. Appends
 * its PCRE2 form to out. Returns the escape's length, 0 when Go refuses. */
static size_t escape_at(const char *p, bool in_class, kf_buf *out, int *err)
{
    char c = p[1];
    if (!c)
        return 0;
    if (c == 'v') { /* Go: the vertical tab; PCRE2: a class */
        *err |= kf_buf_puts(out, "\\x0b");
        return 2;
    }
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '_';
    if (word && !(c == '0' || strchr(go_escapes, c) ||
                  (!in_class && strchr(go_escapes_outside, c))))
        return 0;
    *err |= kf_buf_append(out, p, 2);
    return 2;
}

/* Whether Go's regexp.Compile accepts pattern; the PCRE2 form in out.
 * NULL, or why not. */
static const char *go_syntax(const char *p, kf_buf *out, int *err)
{
    bool quantified = false; /* the previous atom carries a quantifier */
    while (*p) {
        size_t n = 1;
        bool quantifier = false;
        if (p[0] == '\\' && p[1] == 'Q') { /* literal text up to \E */
            const char *e = strstr(p + 2, "\\E");
            n = e ? (size_t)(e + 2 - p) : strlen(p);
        } else if (p[0] == '\\') {
            if (!(n = escape_at(p, false, out, err)))
                return p[1] >= '1' && p[1] <= '9'
                           ? "a backreference (Go's RE2 syntax has none)"
                           : "an escape sequence Go's RE2 syntax does not know";
            p += n;
            quantified = false;
            continue;
        } else if (p[0] == '[') { /* a class: up to its closing ']' */
            *err |= kf_buf_putc(out, '[');
            p++;
            if (*p == '^')
                *err |= kf_buf_putc(out, *p++);
            if (*p == ']')
                *err |= kf_buf_putc(out, *p++);
            while (*p && *p != ']') {
                if (p[0] == '[' && p[1] == ':') {
                    const char *e = strstr(p + 2, ":]");
                    n = e ? (size_t)(e + 2 - p) : 1;
                } else if (p[0] == '\\') {
                    if (!(n = escape_at(p, true, out, err)))
                        return "an escape sequence Go's RE2 syntax does not know";
                    p += n;
                    continue;
                } else {
                    n = 1;
                }
                *err |= kf_buf_append(out, p, n);
                p += n;
            }
            if (!*p)
                return "a character class without its closing ]";
            *err |= kf_buf_putc(out, *p++);
            quantified = false;
            continue;
        } else if (p[0] == '(' && p[1] == '*') {
            return "a PCRE verb (*...) (Go's RE2 syntax has none)";
        } else if (p[0] == '(' && p[1] == '?') {
            const char *q = p + 2;
            if (*q == 'P' && q[1] == '<')
                q += 2;
            else if (*q == '<' && q[1] != '=' && q[1] != '!')
                q += 1;
            else
                q = NULL;
            if (q) { /* a named group */
                n = (size_t)(q - p);
            } else {
                q = p + 2;
                while (*q && strchr("imsU-", *q))
                    q++;
                if (*q != ')' && *q != ':')
                    return "a group construct Go's RE2 syntax does not have "
                           "(lookahead, lookbehind, atomic group, recursion, "
                           "conditional, callout or comment)";
                n = (size_t)(q + 1 - p);
            }
        } else if (p[0] == '*' || p[0] == '+' || p[0] == '?') {
            quantifier = true;
        } else if (p[0] == '{') {
            bool big = false;
            size_t r = repeat_at(p, &big);
            if (big)
                return "a repeat count over 1000 (Go refuses it)";
            if (r)
                n = r, quantifier = true;
        }
        if (quantifier) {
            if (quantified)
                return "a quantifier on a quantifier (a possessive quantifier "
                       "such as *+, or a nested repeat: Go refuses both)";
            quantified = true;
            *err |= kf_buf_append(out, p, n);
            p += n;
            if (*p == '?') /* lazy: Go has it */
                *err |= kf_buf_putc(out, *p++);
            continue;
        }
        quantified = false;
        *err |= kf_buf_append(out, p, n);
        p += n;
    }
    return NULL;
}

kf_regex *kf_regex_compile(const char *pattern, char *buf, size_t cap,
                           const char **why, bool *oom)
{
    kf_buf pcre;
    memset(&pcre, 0, sizeof pcre);
    int err = 0;
    *why = go_syntax(pattern, &pcre, &err);
    *oom = err != 0;
    kf_regex *re = NULL;
    if (*why || *oom || kf_buf_putc(&pcre, '\0') < 0) {
        *oom = !*why;
        goto out;
    }
    int code;
    PCRE2_SIZE offset;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pcre.data, PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &code, &offset, NULL);
    if (!c) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(buf, cap, "not a valid regular expression (%s)", (const char *)msg);
        *why = buf;
        goto out;
    }
    re = malloc(sizeof *re);
    if (!re) {
        pcre2_code_free(c);
        *oom = true;
        goto out;
    }
    re->code = c;
out:
    kf_buf_free(&pcre);
    return re;
}

int kf_regex_search(const kf_regex *re, const char *s)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return -1;
    int ws[2000];
    int rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)s, strlen(s), 0, PCRE2_DFA_SHORTEST,
                             md, NULL, ws, sizeof ws / sizeof *ws);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

void kf_regex_free(kf_regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    free(re);
}
