/* scalar.c - YAML plain scalar typing and quoting decisions (kf_scalar.h). */
#include "kf_scalar.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The null and bool words of YAML 1.1 (a superset of YAML 1.2 core's),
 * each read as one number: its bytes, first byte highest, and its length
 * above them (five bytes at most). A switch on it finds a word in a few
 * compares where a list took one per word. */
#define W1(a) (((uint64_t)1 << 40) | (uint64_t)(a))
#define W2(a, b) (((uint64_t)2 << 40) | (uint64_t)(a) << 8 | (uint64_t)(b))
#define W3(a, b, c) (((uint64_t)3 << 40) | (uint64_t)(a) << 16 | (uint64_t)(b) << 8 | (uint64_t)(c))
#define W4(a, b, c, d) (((uint64_t)4 << 40) | (uint64_t)(a) << 24 | (uint64_t)(b) << 16 | \
                        (uint64_t)(c) << 8 | (uint64_t)(d))
#define W5(a, b, c, d, e) (((uint64_t)5 << 40) | (uint64_t)(a) << 32 | (uint64_t)(b) << 24 | \
                           (uint64_t)(c) << 16 | (uint64_t)(d) << 8 | (uint64_t)(e))

/* The null and bool words are at most this long: a longer scalar is
 * neither, without a look at the words (most scalars written are). */
#define TYPED_WORD_MAX 5

enum word { WORD_NONE, WORD_NULL, WORD_BOOL };

static enum word typed_word(const char *s, size_t n)
{
    if (n == 0 || n > TYPED_WORD_MAX)
        return WORD_NONE;
    switch (s[0]) { /* the letters the words start with: most keys differ */
    case '~': case 'n': case 'N': case 'y': case 'Y': case 't': case 'T':
    case 'f': case 'F': case 'o': case 'O':
        break;
    default:
        return WORD_NONE;
    }
    uint64_t w = (uint64_t)n << 40;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)(unsigned char)s[i] << (8 * (n - 1 - i));
    switch (w) {
    case W1('~'):
    case W4('n', 'u', 'l', 'l'): case W4('N', 'u', 'l', 'l'): case W4('N', 'U', 'L', 'L'):
        return WORD_NULL;
    case W1('y'): case W1('Y'):
    case W3('y', 'e', 's'): case W3('Y', 'e', 's'): case W3('Y', 'E', 'S'):
    case W1('n'): case W1('N'):
    case W2('n', 'o'): case W2('N', 'o'): case W2('N', 'O'):
    case W4('t', 'r', 'u', 'e'): case W4('T', 'r', 'u', 'e'): case W4('T', 'R', 'U', 'E'):
    case W5('f', 'a', 'l', 's', 'e'): case W5('F', 'a', 'l', 's', 'e'):
    case W5('F', 'A', 'L', 'S', 'E'):
    case W2('o', 'n'): case W2('O', 'n'): case W2('O', 'N'):
    case W3('o', 'f', 'f'): case W3('O', 'f', 'f'): case W3('O', 'F', 'F'):
        return WORD_BOOL;
    default:
        return WORD_NONE;
    }
}

bool kf_plain_is_null(const char *s, size_t n)
{
    return n == 0 || typed_word(s, n) == WORD_NULL;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool all_in(const char *s, size_t n, const char *set)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]) || s[i] == '\0')
            return false;
    return true;
}

static bool lower_equals(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/* [0-9]+(:[0-5]?[0-9])+(\.[0-9]*)? : YAML 1.1 base 60 int or float. */
static bool is_sexagesimal(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == 0 || i == n || s[i] != ':')
        return false;
    int groups = 0;
    while (i < n && s[i] == ':') {
        size_t start = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        size_t len = i - start;
        if (len == 0 || len > 2 || (len == 2 && s[start] > '5'))
            return false;
        groups++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i]))
            i++;
    }
    return groups > 0 && i == n;
}

/* digits? (. digits?)? ([eE] [-+]? digits)? with a digit in the mantissa. */
static bool is_decimal_float(const char *s, size_t n)
{
    size_t i = 0, mant = 0;
    while (i < n && is_digit(s[i]))
        i++, mant++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i]))
            i++, mant++;
    }
    if (mant == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp = 0;
        while (i < n && is_digit(s[i]))
            i++, exp++;
        if (exp == 0)
            return false;
    }
    return i == n;
}

/* YYYY-M-D..., the start of a YAML 1.1 timestamp. */
static bool is_timestamp(const char *s, size_t n)
{
    return n >= 8 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
           is_digit(s[3]) && s[4] == '-' && is_digit(s[5]);
}

bool kf_plain_is_nonstring(const char *s, size_t n)
{
    if (n == 0 || typed_word(s, n) != WORD_NONE)
        return true;
    if (s[0] != '+' && s[0] != '-' && s[0] != '.' && !is_digit(s[0]))
        return false;
    if (is_timestamp(s, n))
        return true;

    /* Numbers: drop one sign and every '_' (YAML 1.1 digit separators). */
    char tmp[128];
    bool signed_ = (s[0] == '+' || s[0] == '-');
    size_t k = 0;
    for (size_t i = signed_ ? 1 : 0; i < n; i++) {
        if (s[i] == '_')
            continue;
        if (k == sizeof tmp - 1) /* too long to copy: judge by alphabet */
            return all_in(s, n, "0123456789._+-:eExXoObBabcdfABCDF");
        tmp[k++] = s[i];
    }
    tmp[k] = '\0';
    if (k == 0)
        return false;
    if (k > 2 && tmp[0] == '0' && strchr("xXoObB", tmp[1])) {
        const char *set = (tmp[1] == 'x' || tmp[1] == 'X')
                              ? "0123456789abcdefABCDEF.pP+-"
                          : (tmp[1] == 'o' || tmp[1] == 'O') ? "01234567"
                                                            : "01";
        return all_in(tmp + 2, k - 2, set);
    }
    if (is_decimal_float(tmp, k) || is_sexagesimal(tmp, k))
        return true;
    const char *special = tmp[0] == '.' ? tmp + 1 : tmp;
    size_t sn = strlen(special);
    if (tmp[0] == '.' || signed_)
        if (lower_equals(special, sn, "inf") || lower_equals(special, sn, "nan") ||
            (signed_ && lower_equals(special, sn, "infinity")))
            return true;
    return false;
}

/* The bytes a plain scalar may hold here: letters, digits and "._/:-",
 * marked 'x' by ASCII code (one load a byte: every key and value written
 * goes through it). */
static const char plain_safe[128] =
    "................................" /* 0x00-0x1f */
    ".............xxxxxxxxxxxxxx....." /* 0x20-0x3f: - . / 0-9 : */
    ".xxxxxxxxxxxxxxxxxxxxxxxxxx....." /* 0x40-0x5f: A-Z */
    ".xxxxxxxxxxxxxxxxxxxxxxxxxx....."; /* 0x60-0x7f: a-z */

static bool plain_safe_byte(unsigned char c)
{
    return c < 128 && plain_safe[c] == 'x';
}

/* Whether all eight bytes of w are plain-safe: ASCII (no high bit) in
 * '-' to ':', 'A' to 'Z' or 'a' to 'z'. For a byte x below 0x80, x + (0x80
 * - lo) sets its high bit exactly when x >= lo and carries into no other
 * byte; a range is [lo, hi] where lo sets it and hi + 1 does not. */
static bool plain_safe_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
#define GE(lo) (w + (0x80u - (lo)) * ones)
    uint64_t in = (GE('-') & ~GE(':' + 1)) | (GE('A') & ~GE('Z' + 1)) |
                  (GE('a') & ~GE('z' + 1));
#undef GE
    return (w & highs) == 0 && (in & highs) == highs;
}

static bool plain_safe_at(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return plain_safe_word(w);
}

#if defined(__SSE2__)
/* Whether the sixteen bytes at s are plain-safe. The compares are of
 * signed bytes: one with its high bit set is below every range. */
static bool plain_safe_16(const char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
#define IN(lo, hi) _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((lo) - 1)), \
                                 _mm_cmplt_epi8(v, _mm_set1_epi8((hi) + 1)))
    __m128i in = _mm_or_si128(_mm_or_si128(IN('-', ':'), IN('A', 'Z')), IN('a', 'z'));
#undef IN
    return _mm_movemask_epi8(in) == 0xffff;
}
#endif

/* Whether s[0..n) is all plain-safe: every key and value written is
 * looked at, sixteen or eight bytes a step, the last step's bytes taken
 * from the end (overlapping the step before) rather than one by one. */
static bool plain_safe_span(const char *s, size_t n)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (!plain_safe_byte((unsigned char)s[i]))
                return false;
        return true;
    }
    size_t i = 0;
#if defined(__SSE2__)
    if (n >= 16) {
        for (; i + 16 <= n; i += 16)
            if (!plain_safe_16(s + i))
                return false;
        return i == n || plain_safe_16(s + n - 16);
    }
#endif
    for (; i + 8 <= n; i += 8)
        if (!plain_safe_at(s + i))
            return false;
    return i == n || plain_safe_at(s + n - 8);
}

bool kf_plain_is_safe(const char *s, size_t n)
{
    if (n == 0 || !plain_safe_span(s, n))
        return false;
    char c = s[0];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && c != '/')
        return false;
    if (s[n - 1] == ':')
        return false;
    /* Starting with a letter or '/', only the null and bool words type. */
    return typed_word(s, n) == WORD_NONE;
}

bool kf_is_bool_word(const char *s, size_t n, bool *value)
{
    if (n == 4 && memcmp(s, "true", 4) == 0) {
        *value = true;
        return true;
    }
    if (n == 5 && memcmp(s, "false", 5) == 0) {
        *value = false;
        return true;
    }
    return false;
}
