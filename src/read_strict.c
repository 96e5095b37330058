/* read_strict.c - input refused before or while it is read (read_strict.h). */
#include "read_strict.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kf_buf.h"

/* An implicit key is followed by ':' on its own line; an explicit one
 * (`? key` / `: value`) is not. */
static bool colon_follows(const char *buf, size_t len, uint32_t end)
{
    while (end < len && (buf[end] == ' ' || buf[end] == '\t'))
        end++;
    return end < len && buf[end] == ':';
}

/* The first byte of a scalar or alias key, its quotes, anchor and tag
 * included. */
static uint32_t key_start(const kf_ends *en, struct fy_event *e)
{
    const char *buf = en->buf;
    uint32_t start = kf_event_start(en, e);
    if (e->type != FYET_SCALAR)
        return start > 0 && buf[start - 1] == '*' ? start - 1 : start;
    enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
    if (start > 0 && (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED))
        start--;
    struct fy_token *props[2] = {e->scalar.anchor, e->scalar.tag};
    for (int i = 0; i < 2; i++) {
        const struct fy_mark *pm = props[i] ? fy_token_start_mark(props[i]) : NULL;
        if (!pm)
            continue;
        uint32_t at = kf_mark_pos(en, pm);
        while (at > 0 && buf[at - 1] != ' ' && buf[at - 1] != '\t' &&
               buf[at - 1] != '\n' && buf[at - 1] != '?')
            at--; /* the mark may be past the '&' or '!' */
        if (at < start)
            start = at;
    }
    return start;
}

/* Why a key without ':' after it is refused, or NULL for an explicit key
 * (`? key`) placed right: its '?' indicator comes before it, past blanks
 * and line breaks, and a key on a later line is indented more than the '?'
 * (libfyaml also takes one at the '?' column, which breaks once anything
 * follows it). */
static const char *keyless_problem(const char *buf, uint32_t start)
{
    uint32_t p = start;
    bool newline = false;
    while (p > 0 && strchr(" \t\r\n", buf[p - 1]))
        newline |= buf[--p] == '\n';
    if (p == 0 || buf[p - 1] != '?')
        return "invalid YAML: a mapping key must be followed by ':' on its line";
    if (!newline)
        return NULL;
    uint32_t q = p - 1, key_col = 0;
    while (q > 0 && buf[q - 1] != '\n')
        q--;
    uint32_t mark_col = p - 1 - q;
    for (uint32_t k = start; k > 0 && buf[k - 1] != '\n'; k--)
        key_col++;
    return key_col > mark_col ? NULL
                              : "invalid YAML: an explicit key on the line after its "
                                "'?' must be indented more than the '?'";
}

static void on_node(kf_strict_level *lv, const kf_ends *en, struct fy_event *e,
                    uint32_t node_end, int *line, int *col, int *rc,
                    const char **why)
{
    if (!lv->block_map) /* nothing to check in a flow collection or a sequence */
        return;
    const char *buf = en->buf;
    size_t len = en->len;
    const struct fy_mark *m = kf_event_start_mark(en, e);
    uint32_t mline = (uint32_t)kf_mark_line(en, m);
    if (lv->want_key) {
        lv->want_key = 0;
        /* An implicit key is followed by ':' on its line. libfyaml takes
         * one without at the end of a document as a key with no value;
         * once anything is appended after it, no reader takes it. */
        bool implicit = m && (e->type == FYET_SCALAR || e->type == FYET_ALIAS) &&
                        colon_follows(buf, len, node_end);
        const char *keyless = NULL;
        if (m && (e->type == FYET_SCALAR || e->type == FYET_ALIAS) && !implicit &&
            (keyless = keyless_problem(buf, key_start(en, e)))) {
            *line = (int)mline + 1;
            *col = m->column + 1;
            *why = keyless;
            *rc = -1;
            return;
        }
        /* An empty key has no mark; its ':' sits at the mapping's column,
         * so a value at or left of that column is on a later line. */
        lv->check = (!m && e->type == FYET_SCALAR) || implicit;
        lv->key_line = mline;
        return;
    }
    lv->want_key = 1;
    /* Nearly every value shares its key's line: nothing more to look at. */
    if (!lv->check || !m || mline <= lv->key_line)
        return;
    /* A block sequence may sit at its key's column; nothing else may. A
     * block scalar's mark is its content, past the `|` or `>` line. */
    if ((e->type == FYET_SEQUENCE_START && buf[kf_mark_pos(en, m)] != '[') ||
        (e->type == FYET_SCALAR &&
         (fy_token_scalar_style(e->scalar.value) == FYSS_LITERAL ||
          fy_token_scalar_style(e->scalar.value) == FYSS_FOLDED)))
        return;
    /* A quoted scalar's mark is past its opening quote; a node with an
     * anchor or tag starts at the first of them. */
    uint32_t vline = mline, vcol = (uint32_t)m->column;
    if (e->type == FYET_SCALAR && vcol > 0 &&
        (fy_token_scalar_style(e->scalar.value) == FYSS_SINGLE_QUOTED ||
         fy_token_scalar_style(e->scalar.value) == FYSS_DOUBLE_QUOTED))
        vcol--;
    struct fy_token *props[2] = {NULL, NULL};
    if (e->type == FYET_SCALAR)
        props[0] = e->scalar.anchor, props[1] = e->scalar.tag;
    else if (e->type == FYET_MAPPING_START)
        props[0] = e->mapping_start.anchor, props[1] = e->mapping_start.tag;
    else if (e->type == FYET_SEQUENCE_START)
        props[0] = e->sequence_start.anchor, props[1] = e->sequence_start.tag;
    for (int i = 0; i < 2; i++) {
        const struct fy_mark *pm = props[i] ? fy_token_start_mark(props[i]) : NULL;
        if (!pm || (uint32_t)kf_mark_line(en, pm) != vline)
            continue;
        /* The mark may be past the '&' or '!': walk back to the token's
         * first byte. */
        uint32_t pcol = (uint32_t)pm->column;
        for (size_t at = kf_mark_pos(en, pm); at > 0 && pcol > 0 &&
                                        buf[at - 1] != ' ' && buf[at - 1] != '\t';
             at--)
            pcol--;
        if (pcol < vcol)
            vcol = pcol;
    }
    if (vcol <= lv->key_col) {
        *line = (int)mline + 1;
        *col = (int)vcol + 1;
        *why = "invalid YAML: a mapping value on its own line must be indented "
               "more than its key";
        *rc = KF_STRICT_REFUSED;
    }
}

/* ---- anchors -------------------------------------------------------------- */

/* The slot of name t[0..n) with hash h: its own, or the free one it would
 * take. */
static kf_anchor *anchor_slot(const kf_strict *s, uint64_t h, const char *t, size_t n)
{
    size_t mask = s->anchors_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        kf_anchor *a = &s->anchors[i];
        if (!a->hash || (a->hash == h && a->len == n &&
                         memcmp(s->names.data + a->off, t, n) == 0))
            return a;
    }
}

/* Slots for twice the anchors there will be, at least 16. */
static int anchors_grow(kf_strict *s)
{
    if (2 * (s->nanchors + 1) <= s->anchors_cap)
        return 0;
    size_t cap = s->anchors_cap ? 2 * s->anchors_cap : 16;
    kf_anchor *old = s->anchors;
    size_t oldcap = s->anchors_cap;
    s->anchors = calloc(cap, sizeof *s->anchors);
    if (!s->anchors) {
        s->anchors = old;
        return -1;
    }
    s->anchors_cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].hash)
            *anchor_slot(s, old[i].hash, s->names.data + old[i].off, old[i].len) = old[i];
    free(old);
    return 0;
}

static uint64_t anchor_hash(const char *t, size_t n)
{
    uint64_t h = kf_hash_mem(KF_HASH_BASIS, t, n);
    return h ? h : 1; /* 0 marks a free slot */
}

/* Remember the anchor a node defines (a later one of the same name
 * replaces it: the same slot). */
static int define_anchor(kf_strict *s, struct fy_token *anchor)
{
    size_t n = 0;
    const char *t = fy_token_get_text(anchor, &n);
    if (!t || n >= UINT32_MAX || anchors_grow(s) < 0)
        return KF_STRICT_OOM;
    uint64_t h = anchor_hash(t, n);
    kf_anchor *a = anchor_slot(s, h, t, n);
    if (a->hash)
        return 0;
    *a = (kf_anchor){h, (uint32_t)s->names.len, (uint32_t)n};
    if (kf_buf_append(&s->names, t, n) < 0)
        return KF_STRICT_OOM;
    s->nanchors++;
    return 0;
}

static bool anchor_defined(const kf_strict *s, struct fy_token *anchor)
{
    size_t n = 0;
    const char *t = fy_token_get_text(anchor, &n);
    return t && s->anchors_cap && anchor_slot(s, anchor_hash(t, n), t, n)->hash;
}

static struct fy_token *defined_anchor(struct fy_event *e)
{
    switch (e->type) {
    case FYET_SCALAR:
        return e->scalar.anchor;
    case FYET_MAPPING_START:
        return e->mapping_start.anchor;
    case FYET_SEQUENCE_START:
        return e->sequence_start.anchor;
    default:
        return NULL;
    }
}

/* ---- events ----------------------------------------------------------------- */

int kf_strict_event(kf_strict *s, const kf_ends *en, struct fy_event *e,
                    uint32_t node_end, int *line, int *col, const char **why)
{
    int rc = 0;
    struct fy_token *anchor = defined_anchor(e);
    if (anchor && define_anchor(s, anchor) < 0)
        return KF_STRICT_OOM;
    if (e->type == FYET_ALIAS && !s->aliases_checked &&
        !anchor_defined(s, e->alias.anchor)) {
        const struct fy_mark *m = kf_event_start_mark(en, e);
        *line = m ? kf_mark_line(en, m) + 1 : 0;
        *col = m ? m->column + 1 : 0;
        *why = "invalid YAML: an alias names no anchor defined before it in its "
               "document";
        return KF_STRICT_REFUSED;
    }
    switch (e->type) {
    case FYET_DOCUMENT_START: /* anchors are a document's own */
        if (s->nanchors) {
            memset(s->anchors, 0, s->anchors_cap * sizeof *s->anchors);
            s->nanchors = 0;
            s->names.len = 0;
        }
        return 0;
    case FYET_SCALAR:
    case FYET_ALIAS:
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START:
        if (s->depth > 0)
            on_node(&s->levels[s->depth - 1], en, e, node_end, line, col, &rc,
                    why);
        if (rc < 0 || e->type == FYET_SCALAR || e->type == FYET_ALIAS)
            return rc;
        if (kf_array_grow((void **)&s->levels, &s->cap, s->depth + 1,
                          sizeof *s->levels) < 0)
            return KF_STRICT_OOM;
        kf_strict_level *lv = &s->levels[s->depth++];
        const struct fy_mark *m = kf_event_start_mark(en, e);
        lv->block_map = e->type == FYET_MAPPING_START &&
                        !(m && en->buf[kf_mark_pos(en, m)] == '{');
        lv->want_key = 1;
        lv->check = 0;
        /* A block mapping's mark is its first key, properties and quotes
         * included: the column of all its keys. */
        lv->key_col = m ? (uint32_t)m->column : 0;
        return 0;
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        if (s->depth > 0)
            s->depth--;
        return 0;
    default:
        return 0;
    }
}

int kf_strict_begin_slice(kf_strict *s)
{
    if (kf_array_grow((void **)&s->levels, &s->cap, 2, sizeof *s->levels) < 0)
        return KF_STRICT_OOM;
    /* The root mapping, reading the value of its items key (the key's
     * line is never looked at again: the value has started). */
    s->levels[0] = (kf_strict_level){.block_map = 1};
    s->levels[1] = (kf_strict_level){.block_map = 0, .want_key = 1};
    s->depth = 2;
    return 0;
}

void kf_strict_free(kf_strict *s)
{
    free(s->levels);
    free(s->anchors);
    kf_buf_free(&s->names);
    s->levels = NULL;
    s->anchors = NULL;
    s->depth = s->cap = s->nanchors = s->anchors_cap = 0;
}

#if defined(__SSE2__)
/* The length of the longest prefix of s[0..n), in blocks of 64 bytes, that
 * is ASCII without a NUL or a CR: four SSE2 loads a step, where the words
 * below take sixteen bytes (x86-64 always has SSE2). */
static size_t plain_ascii_blocks(const unsigned char *s, size_t n)
{
    const __m128i zero = _mm_setzero_si128(), cr = _mm_set1_epi8('\r');
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 48));
        /* a high bit: not ASCII; a byte equal to 0 or to CR: stop */
        __m128i high = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d));
        __m128i nul = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero)),
                                   _mm_or_si128(_mm_cmpeq_epi8(c, zero), _mm_cmpeq_epi8(d, zero)));
        __m128i crs = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, cr), _mm_cmpeq_epi8(b, cr)),
                                   _mm_or_si128(_mm_cmpeq_epi8(c, cr), _mm_cmpeq_epi8(d, cr)));
        if (_mm_movemask_epi8(_mm_or_si128(high, _mm_or_si128(nul, crs))))
            break;
    }
    return i;
}
#else
static size_t plain_ascii_blocks(const unsigned char *s, size_t n)
{
    (void)s, (void)n;
    return 0;
}
#endif

const char *kf_strict_encoding(const char *buf, size_t len, int *line, int *col)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    const char *what = NULL;
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const uint64_t crs = 0x0d0d0d0d0d0d0d0du;
    while (i < len) {
        i += plain_ascii_blocks(s + i, len - i);
        /* Sixteen, then eight ASCII bytes without a NUL or a CR at a time:
         * the common case (a zero byte in w, or in w ^ CRs, sets its high
         * bit). */
        while (i + 16 <= len) {
            uint64_t w, v;
            memcpy(&w, s + i, 8);
            memcpy(&v, s + i + 8, 8);
            uint64_t x = w ^ crs, y = v ^ crs;
            if (((w | v | ((w - ones) & ~w) | ((v - ones) & ~v) | ((x - ones) & ~x) |
                  ((y - ones) & ~y)) & highs) != 0)
                break;
            i += 16;
        }
        if (i == len)
            break;
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t x = w ^ crs;
            if (((w | ((w - ones) & ~w) | ((x - ones) & ~x)) & highs) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        size_t need = 0;
        uint32_t cp = 0, min = 0;
        if (c < 0x80) {
            if (c == 0) {
                what = "NUL byte in input";
                break;
            }
            if (c == '\r' && (i + 1 >= len || s[i + 1] != '\n')) {
                what = "a carriage return without a line feed (a lone CR line "
                       "break) is not supported";
                break;
            }
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            need = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            need = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            what = "input is not valid UTF-8";
            break;
        }
        for (size_t k = 1; k <= need && !what; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                what = "input is not valid UTF-8";
            else
                cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (!what && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            what = "input is not valid UTF-8";
        if (what)
            break;
        i += need + 1;
    }
    if (!what)
        return NULL;
    /* Only now count lines, for the message. */
    size_t line_start_at = 0;
    *line = 1;
    for (const unsigned char *p = s; (p = memchr(p, '\n', (size_t)(s + i - p)));) {
        (*line)++;
        line_start_at = (size_t)(++p - s);
    }
    *col = (int)(i - line_start_at + 1);
    return what;
}
