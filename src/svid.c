/* svid.c - the value rules of the SVID options: Go durations and trust-domain
 * lists (svid.h). It parses and checks; it reads no input and reports
 * nothing (config_svid.c does). */
#include "svid.h"

#include <stdlib.h>
#include <string.h>

#include "kf_identity.h"

/* ---- Go durations ----------------------------------------------------------- */

/* The units of Go's time package, in nanoseconds. µ is U+00B5 (micro sign),
 * μ U+03BC (Greek mu), both as UTF-8. */
static const struct {
    const char *name;
    uint64_t ns;
} units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xc2\xb5s", 1000},
    {"\xce\xbcs", 1000},
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60ull * 1000000000},
    {"h", 3600ull * 1000000000},
};

#define TWO63 (1ull << 63)

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* This follows Go's time.ParseDuration (src/time/format.go) step by step,
 * its unsigned arithmetic and its float64 rounding of fractions included,
 * so a value is accepted exactly when SPIRE Controller Manager (Go) would
 * accept it. Where Go says "invalid duration" because a number overflows,
 * this says KF_DURATION_RANGE. */
enum kf_duration_status kf_go_duration(const char *s, size_t n, int64_t *ns)
{
    const char *p = s, *end = s + n;
    uint64_t d = 0;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    if (end - p == 1 && *p == '0') { /* a lone "0" needs no unit */
        *ns = 0;
        return KF_DURATION_OK;
    }
    if (p == end)
        return KF_DURATION_SYNTAX;
    while (p < end) {
        uint64_t v = 0, f = 0;
        double scale = 1;
        if (*p != '.' && !digit(*p))
            return KF_DURATION_SYNTAX;
        /* [0-9]* */
        const char *start = p;
        for (; p < end && digit(*p); p++) {
            if (v > TWO63 / 10)
                return KF_DURATION_RANGE;
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > TWO63)
                return KF_DURATION_RANGE;
        }
        bool pre = p != start, post = false;
        /* (\.[0-9]*)? : past 19 digits a fraction only stops gaining
         * precision, as in Go */
        if (p < end && *p == '.') {
            p++;
            start = p;
            bool overflow = false;
            for (; p < end && digit(*p); p++) {
                if (overflow)
                    continue;
                if (f > (TWO63 - 1) / 10) {
                    overflow = true;
                    continue;
                }
                uint64_t y = f * 10 + (uint64_t)(*p - '0');
                if (y > TWO63) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            post = p != start;
        }
        if (!pre && !post) /* ".s", "-.s" */
            return KF_DURATION_SYNTAX;
        /* the unit: everything up to the next '.' or digit */
        start = p;
        while (p < end && *p != '.' && !digit(*p))
            p++;
        size_t ulen = (size_t)(p - start);
        uint64_t unit = 0;
        for (size_t i = 0; i < sizeof units / sizeof *units; i++)
            if (strlen(units[i].name) == ulen && memcmp(units[i].name, start, ulen) == 0)
                unit = units[i].ns;
        if (!unit) /* missing or unknown unit */
            return KF_DURATION_SYNTAX;
        if (v > TWO63 / unit)
            return KF_DURATION_RANGE;
        v *= unit;
        if (f > 0) {
            /* Go: v += uint64(float64(f) * (float64(unit) / scale)) */
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > TWO63)
                return KF_DURATION_RANGE;
        }
        d += v; /* as in Go, 2^63 + 2^63 wraps to 0 */
        if (d > TWO63)
            return KF_DURATION_RANGE;
    }
    if (neg) {
        *ns = d == TWO63 ? INT64_MIN : -(int64_t)d;
        return KF_DURATION_OK;
    }
    if (d > TWO63 - 1)
        return KF_DURATION_RANGE;
    *ns = (int64_t)d;
    return KF_DURATION_OK;
}

const char *kf_ttl_problem(const char *s, size_t n)
{
    int64_t ns = 0;
    switch (kf_go_duration(s, n, &ns)) {
    case KF_DURATION_SYNTAX:
        return "is not a Go duration";
    case KF_DURATION_RANGE:
        if (n > 0 && s[0] == '-')
            return "is not greater than zero";
        return "is longer than the longest Go duration, 2562047h47m16.854775807s";
    default:
        return ns > 0 ? NULL : "is not greater than zero";
    }
}

/* ---- trust-domain lists ---------------------------------------------------- */

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int kf_td_list_add(kf_td_list *l, const char *s, size_t n)
{
    while (n > 0 && blank(s[0]))
        s++, n--;
    while (n > 0 && blank(s[n - 1]))
        n--;
    if (kf_array_grow((void **)&l->off, &l->cap, l->n + 1, sizeof *l->off) < 0)
        return -1;
    size_t at = l->text.len;
    if (kf_buf_append(&l->text, s, n) < 0 || kf_buf_putc(&l->text, '\0') < 0) {
        l->text.len = at;
        return -1;
    }
    l->off[l->n++] = at;
    return 0;
}

int kf_td_list_split(kf_td_list *l, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && blank(s[i]))
        i++;
    if (i == n)
        return 0; /* nothing written: no entry, not one empty entry */
    for (;;) {
        const char *comma = memchr(s, ',', n);
        size_t len = comma ? (size_t)(comma - s) : n;
        if (kf_td_list_add(l, s, len) < 0)
            return -1;
        if (!comma)
            return 0;
        n -= len + 1;
        s = comma + 1;
    }
}

const char *kf_td_list_get(const kf_td_list *l, size_t i)
{
    return l->text.data + l->off[i];
}

int kf_td_list_check(kf_td_list *l, const char *own, const char **why,
                     size_t *bad)
{
    *why = NULL;
    *bad = l->n;
    if (l->n == 0) {
        *why = "names no trust domain (to federate with none, leave the key out)";
        return 0;
    }
    for (size_t i = 0; i < l->n && !*why; i++) {
        const char *e = kf_td_list_get(l, i);
        *bad = i;
        if (!e[0])
            *why = "is empty";
        else if (!kf_is_trust_domain(e, strlen(e)))
            *why = "is not a valid SPIFFE trust domain (1-255 of a-z 0-9 . - _; "
                   "no scheme, no '/', no upper case)";
        else if (own && strcmp(e, own) == 0)
            *why = "is the function's own trust domain, which does not "
                   "federate with itself";
    }
    if (*why)
        return 0;
    *bad = l->n;
    /* Sort bytewise (strcmp compares unsigned bytes), drop repeats. The
     * pointers stay valid: nothing is appended any more. */
    const char **v = malloc(l->n * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < l->n; i++)
        v[i] = kf_td_list_get(l, i);
    size_t k = l->n;
    kf_strs_sort_unique(v, &k);
    for (size_t i = 0; i < k; i++)
        l->off[i] = (size_t)(v[i] - l->text.data);
    l->n = k;
    free(v);
    return 0;
}

int kf_td_list_join(const kf_td_list *l, kf_buf *out)
{
    for (size_t i = 0; i < l->n; i++)
        if (kf_buf_puts(out, kf_td_list_get(l, i)) < 0 || kf_buf_putc(out, '\n') < 0)
            return -1;
    return 0;
}

void kf_td_list_free(kf_td_list *l)
{
    kf_buf_free(&l->text);
    free(l->off);
    memset(l, 0, sizeof *l);
}
