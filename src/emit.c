/* emit.c - generated YAML/JSON as text (kf_emit.h).
 *
 * What we generate has a fixed shape (mappings of strings, sequences of
 * strings, one boolean, one integer), so it is written directly: block YAML
 * with two-space indentation and indentless sequences, or one-line JSON, the
 * layout libfyaml's emitter produced with FYECF_INDENT_2 | FYECF_WIDTH_INF.
 * libfyaml's emitter was used first and cost 60% of a run's instructions
 * (an input, a token and a text analysis per scalar); see docs/design.md.
 * Every string is either plain (kf_plain_is_safe) or double-quoted with
 * escapes that YAML and JSON read alike; the unit tests read the output back
 * with libfyaml's parser.
 */
#include "kf_emit.h"

#include <string.h>

#include "kf_scalar.h"

enum { LV_MAP, LV_SEQ };

/* s[0..n) moved to d. Most pieces are a few bytes (a key, a separator,
 * an indentation): two fixed-size moves that may overlap, not a call to
 * memcpy(); reads and writes stay within s[0..n), d[0..n). */
static inline void move(char *d, const char *s, size_t n)
{
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* Append s[0..n): in place while the buffer has room (nearly always: it
 * is the caller's, reused item after item), else through kf_buf_append. */
static void put(kf_emit *e, const char *s, size_t n)
{
    kf_buf *t = e->text;
    if (t->cap - t->len > n) {
        move(t->data + t->len, s, n);
        t->len += n;
        t->data[t->len] = '\0';
        return;
    }
    if (!e->failed && kf_buf_append(t, s, n) < 0)
        e->failed = true;
}

static void puts_(kf_emit *e, const char *s)
{
    put(e, s, strlen(s));
}

/* A line break and up to 32 spaces: the start of a line at an indentation. */
static const char line[] = "\n                                ";

/* A new line at the current level's indentation (none before the first). */
static void newline(kf_emit *e, size_t indent)
{
    if (e->text->len == e->start)
        return;
    indent += e->base;
    if (indent < sizeof line - 1) {
        put(e, line, indent + 1);
        return;
    }
    put(e, "\n", 1);
    if (!e->failed && kf_buf_spaces(e->text, indent) < 0)
        e->failed = true;
}

/* A block line's start at the level's indentation (none before the
 * first), then a, b and c, moved in at once: false, with nothing
 * written, when it does not fit (the caller writes it piece by piece). */
static inline bool put_line(kf_emit *e, size_t indent, const char *a, size_t an,
                            const char *b, size_t bn, const char *c, size_t cn)
{
    kf_buf *t = e->text;
    indent += e->base;
    size_t lead = t->len == e->start ? 0 : indent + 1;
    size_t need = lead + an + bn + cn;
    if (indent >= sizeof line - 1 || t->cap - t->len <= need)
        return false;
    char *d = t->data + t->len;
    move(d, line, lead);
    move(d + lead, a, an);
    move(d + lead + an, b, bn);
    move(d + lead + an + bn, c, cn);
    t->len += need;
    t->data[t->len] = '\0';
    return true;
}

/* A byte a double-quoted scalar holds as it is: printable ASCII but the
 * quote and the backslash. */
static bool quoted_as_is(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Whether all eight bytes of w are quoted_as_is(): no high bit, each in
 * [0x20, 0x7e], none '"' or '\\'. For a byte x below 0x80, x + (0x80 - lo)
 * sets its high bit exactly when x >= lo and carries into no other byte
 * (as scalar.c's plain-safety test); x ^ c is 0 exactly when x is c, and
 * (0x80 - 1) + (x ^ c) sets the high bit unless it is. */
static bool quoted_as_is_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t printable = (w + (0x80u - 0x20u) * ones) & ~(w + (0x80u - 0x7fu) * ones);
    uint64_t not_quote = (w ^ ('"' * ones)) + 0x7fu * ones;
    uint64_t not_backslash = (w ^ ('\\' * ones)) + 0x7fu * ones;
    return (w & highs) == 0 && (printable & not_quote & not_backslash & highs) == highs;
}

/* Escape one string for a double-quoted scalar that YAML 1.1, YAML 1.2 and
 * JSON all read back as the same text: JSON's escapes, plus \u for the
 * characters YAML does not allow raw (C1 controls, NEL, line and paragraph
 * separators, BOM, U+FFFE/U+FFFF). Invalid UTF-8 becomes U+FFFD. */
static void quoted(kf_emit *e, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    put(e, "\"", 1);
    size_t run = 0; /* start of bytes copied as they are */
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), quoted_as_is_word(w))) {
            i += 8; /* a message's words and spaces, eight bytes a step */
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (quoted_as_is(c)) {
            i++;
            continue;
        }
        const char *esc = NULL;
        unsigned cp = 0;
        size_t len = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\t')
            esc = "\\t";
        else if (c == '\r')
            esc = "\\r";
        else if (c < 0x20 || c == 0x7f)
            cp = c;
        else if (c >= 0x80) {
            /* Decode one UTF-8 sequence; anything malformed is U+FFFD. */
            size_t need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
            unsigned v = c & (0x3f >> need);
            bool ok = need > 0 && c < 0xf5 && i + need < n;
            for (size_t k = 1; ok && k <= need; k++) {
                unsigned char d = (unsigned char)s[i + k];
                ok = (d & 0xc0) == 0x80;
                v = (v << 6) | (d & 0x3f);
            }
            if (ok && ((need == 2 && v < 0x800) || (need == 3 && v < 0x10000) ||
                       (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff))
                ok = false;
            if (!ok)
                cp = 0xfffd;
            else {
                len = need + 1;
                if ((v >= 0x80 && v <= 0x9f) || v == 0x2028 || v == 0x2029 ||
                    v == 0xfeff || v == 0xfffe || v == 0xffff)
                    cp = v;
            }
        }
        if (!esc && !cp) {
            i += len;
            continue;
        }
        put(e, s + run, i - run);
        if (esc)
            puts_(e, esc);
        else {
            char u[6] = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
                         hex[(cp >> 4) & 15], hex[cp & 15]};
            put(e, u, sizeof u);
        }
        i += len;
        run = i;
    }
    put(e, s + run, n - run);
    put(e, "\"", 1);
}

/* Before a node: the separator or line its position in the parent needs. */
static void before_node(kf_emit *e)
{
    if (e->depth == 0)
        return;
    kf_emit_level *lv = &e->levels[e->depth - 1];
    if (e->json) {
        if (lv->kind == LV_MAP && !lv->want_key)
            put(e, ": ", 2);
        else if (lv->count > 0)
            put(e, ", ", 2);
        return;
    }
    if (lv->kind == LV_SEQ) {
        newline(e, lv->indent);
        put(e, "- ", 2);
    } else if (lv->want_key) {
        newline(e, lv->indent);
    }
}

/* After a node: a key wants its value next; anything else is an entry. */
static void after_node(kf_emit *e)
{
    if (e->depth == 0)
        return;
    kf_emit_level *lv = &e->levels[e->depth - 1];
    if (lv->kind == LV_MAP && lv->want_key) {
        lv->want_key = false;
        if (!e->json)
            put(e, ":", 1);
        return;
    }
    lv->want_key = true;
    lv->count++;
}

static void scalar(kf_emit *e, const char *s, size_t n, bool plain)
{
    before_node(e);
    kf_emit_level *lv = e->depth ? &e->levels[e->depth - 1] : NULL;
    if (!e->json && lv && lv->kind == LV_MAP && !lv->want_key)
        put(e, " ", 1);
    if (plain)
        put(e, s, n);
    else
        quoted(e, s, n);
    after_node(e);
}

static void open_level(kf_emit *e, int kind)
{
    if (e->depth == KF_EMIT_MAX_DEPTH) {
        e->failed = true;
        return;
    }
    kf_emit_level *parent = e->depth ? &e->levels[e->depth - 1] : NULL;
    if (!e->json && parent && parent->kind == LV_SEQ)
        e->failed = true; /* a collection inside a sequence: never generated */
    before_node(e);
    if (e->json)
        put(e, kind == LV_MAP ? "{" : "[", 1);
    kf_emit_level *lv = &e->levels[e->depth++];
    lv->kind = kind;
    lv->want_key = kind == LV_MAP;
    lv->count = 0;
    /* Block: a mapping's keys go two columns in; a sequence in a mapping is
     * indentless. */
    lv->indent = !parent ? 0 : kind == LV_MAP ? parent->indent + 2 : parent->indent;
}

static void close_level(kf_emit *e)
{
    if (e->depth == 0) {
        e->failed = true;
        return;
    }
    kf_emit_level *lv = &e->levels[--e->depth];
    if (e->json)
        put(e, lv->kind == LV_MAP ? "}" : "]", 1);
    else if (lv->count == 0)
        puts_(e, lv->kind == LV_MAP ? " {}" : " []");
    after_node(e);
}

int kf_emit_open(kf_emit *e, bool json)
{
    memset(e, 0, sizeof *e);
    e->json = json;
    e->text = &e->own;
    return 0;
}

int kf_emit_open_into(kf_emit *e, bool json, kf_buf *out)
{
    return kf_emit_open_at(e, json, out, KF_EMIT_AS_IS);
}

int kf_emit_open_at(kf_emit *e, bool json, kf_buf *out, long entry_col)
{
    kf_emit_open(e, json);
    e->text = out;
    e->origin = out->len;
    if (entry_col >= 0) {
        if (kf_buf_spaces(out, (size_t)entry_col) < 0 || kf_buf_append(out, "- ", 2) < 0)
            e->failed = true;
        e->base = (size_t)entry_col + 2;
    }
    e->start = out->len;
    return 0;
}

void kf_emit_map_begin(kf_emit *e)
{
    open_level(e, LV_MAP);
}

void kf_emit_map_end(kf_emit *e)
{
    close_level(e);
}

void kf_emit_seq_begin(kf_emit *e)
{
    open_level(e, LV_SEQ);
}

void kf_emit_seq_end(kf_emit *e)
{
    close_level(e);
}

void kf_emit_strn(kf_emit *e, const char *s, size_t n)
{
    bool plain = !e->json && kf_plain_is_safe(s, n);
    kf_emit_level *lv = e->depth ? &e->levels[e->depth - 1] : NULL;
    /* what scalar() writes for a block mapping's plain key (its line and
     * ':') or a block sequence's plain entry (its line and "- "), in one
     * move when it fits */
    if (plain && lv && lv->kind == LV_MAP && lv->want_key &&
        put_line(e, lv->indent, s, n, ":", 1, "", 0)) {
        lv->want_key = false;
        return;
    }
    if (plain && lv && lv->kind == LV_SEQ && put_line(e, lv->indent, "- ", 2, s, n, "", 0)) {
        lv->want_key = true;
        lv->count++;
        return;
    }
    scalar(e, s, n, plain);
}

void kf_emit_str(kf_emit *e, const char *s)
{
    kf_emit_strn(e, s, strlen(s));
}

void kf_emit_bool(kf_emit *e, bool v)
{
    scalar(e, v ? "true" : "false", v ? 4 : 5, true);
}

void kf_emit_number(kf_emit *e, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || strspn(s, "0123456789") != n || (n > 1 && s[0] == '0')) {
        kf_emit_str(e, s);
        return;
    }
    scalar(e, s, n, true);
}

/* A key and its string value: what scalar() writes for the two, in one
 * step where a mapping wants a key (nearly every pair generated), without
 * the separators worked out for each. */
void kf_emit_kv(kf_emit *e, const char *key, const char *value)
{
    size_t kn = strlen(key), vn = strlen(value);
    kf_emit_level *lv = e->depth ? &e->levels[e->depth - 1] : NULL;
    if (lv && lv->kind == LV_MAP && lv->want_key) {
        if (e->json) {
            if (lv->count > 0)
                put(e, ", ", 2);
            quoted(e, key, kn);
            put(e, ": ", 2);
            quoted(e, value, vn);
            lv->count++;
            return;
        }
        if (kf_plain_is_safe(key, kn)) {
            /* a plain value: the line made in one piece, when it fits */
            bool plain = kf_plain_is_safe(value, vn);
            if (plain && put_line(e, lv->indent, key, kn, ": ", 2, value, vn)) {
                lv->count++;
                return;
            }
            newline(e, lv->indent);
            put(e, key, kn);
            put(e, ": ", 2);
            if (plain)
                put(e, value, vn);
            else
                quoted(e, value, vn);
            lv->count++;
            return;
        }
    }
    kf_emit_strn(e, key, kn);
    kf_emit_strn(e, value, vn);
}

int kf_emit_close(kf_emit *e, kf_buf *out)
{
    int rc = -1;
    bool whole = !e->failed && e->depth == 0;
    if (e->text != &e->own) { /* written in out already */
        rc = whole ? 0 : -1;
        if (!whole) { /* out as it was */
            out->len = e->origin;
            if (out->data)
                out->data[out->len] = '\0';
        }
    } else if (whole) {
        rc = kf_buf_append(out, e->own.data ? e->own.data : "", e->own.len);
    }
    kf_buf_free(&e->own);
    return rc;
}
