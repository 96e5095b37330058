/* read_event.c - text, type and bytes of one libfyaml event (read_event.h). */
#include "read_event.h"

#include <string.h>

#include "kf_scalar.h"

int kf_event_line(const kf_ends *en, struct fy_event *e)
{
    return kf_mark_line(en, kf_event_start_mark(en, e));
}

int kf_event_col(struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    return m ? m->column : 0;
}

uint32_t kf_event_start(const kf_ends *en, struct fy_event *e)
{
    return kf_mark_pos(en, kf_event_start_mark(en, e));
}

/* Ask libfyaml for the marks and style of scalar e. */
static void take_marks(const kf_ends *en, struct fy_event *e, kf_smarks *m)
{
    /* a scalar event's marks are its value token's (libfyaml 0.7.12,
     * fy_event_start_mark()): asked of the token, without the switch */
    const struct fy_mark *m0 = kf_event_start_mark(en, e),
                         *m1 = fy_token_end_mark(e->scalar.value);
    m->start = kf_mark_pos(en, m0);
    m->end = kf_mark_pos(en, m1);
    m->has_start = m0 != NULL;
    m->has_end = m1 != NULL;
    m->one_line = m0 && m1 && m0->line == m1->line;
    m->style = fy_token_scalar_style(e->scalar.value);
}

/* The marks and style of scalar e: the kept ones when e is the scalar
 * being read, else taken into *tmp. */
static const kf_smarks *scalar_marks(const kf_ends *en, struct fy_event *e,
                                     kf_smarks *tmp)
{
    if (en->cur == e)
        return &en->cur_marks;
    take_marks(en, e, tmp);
    return tmp;
}

static void span_of(const kf_ends *en, const kf_smarks *m, uint32_t *start,
                    uint32_t *end)
{
    *start = m->start;
    *end = m->end;
    enum fy_scalar_style st = m->style;
    if (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) {
        if (*start > 0)
            (*start)--;
        (*end)++;
    } else if (st == FYSS_LITERAL || st == FYSS_FOLDED) {
        /* A block scalar's end mark is the next token, past the next
         * line's indentation: it really ends at that line's start. */
        uint32_t p = *end;
        while (p > 0 && en->buf[p - 1] == ' ')
            p--;
        if (p == 0 || en->buf[p - 1] == '\n')
            *end = p;
    }
}

bool kf_scalar_span(const kf_ends *en, struct fy_event *e, uint32_t *start,
                    uint32_t *end)
{
    kf_smarks tmp;
    const kf_smarks *m = scalar_marks(en, e, &tmp);
    span_of(en, m, start, end);
    return m->has_start;
}

/* An empty key has no mark: it is where its ':' is, the first thing after
 * the content read so far (past blanks, comments and an explicit '?'). */
static uint32_t empty_key_colon(const kf_ends *en)
{
    uint32_t p = en->last;
    bool question = false;
    while (p < en->len) {
        char c = en->buf[p];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            p++;
        } else if (c == '#') {
            while (p < en->len && en->buf[p] != '\n')
                p++;
        } else if (c == '?' && !question) {
            question = true;
            p++;
        } else {
            return c == ':' ? p : en->last;
        }
    }
    return en->last;
}

/* An empty scalar has no mark: an empty key or value ends after its ':',
 * or after its tag or anchor (which `key: !tag` may even put on a later
 * line). */
void kf_ends_scalar(kf_ends *en, struct fy_event *e)
{
    take_marks(en, e, &en->cur_marks);
    en->cur = e;
    uint32_t s, end;
    span_of(en, &en->cur_marks, &s, &end);
    en->scalar = end;
    kf_ends_note(en, end);
    if (en->cur_marks.has_start)
        return;
    if (en->last_unknown)
        en->unsure = true;
    uint32_t colon = empty_key_colon(en);
    if (colon < en->len && en->buf[colon] == ':')
        kf_ends_note(en, colon + 1);
    struct fy_token *props[2] = {e->scalar.tag, e->scalar.anchor};
    for (int i = 0; i < 2; i++)
        if (props[i])
            kf_ends_note(en, kf_mark_pos(en, fy_token_end_mark(props[i])));
}

void kf_ends_event_begin(kf_ends *en, struct fy_event *e)
{
    en->ev_start = e->type == FYET_SCALAR ? fy_token_start_mark(e->scalar.value)
                                          : fy_event_start_mark(e);
    en->ev = e;
}

void kf_ends_event_done(kf_ends *en)
{
    en->cur = NULL;
    en->ev = NULL;
}

uint32_t kf_after_colon(const kf_ends *en, uint32_t pos)
{
    uint32_t p = pos;
    while (p < en->len && (en->buf[p] == ' ' || en->buf[p] == '\t'))
        p++;
    return p < en->len && en->buf[p] == ':' ? p + 1 : pos;
}

bool kf_event_is_flow_end(const kf_ends *en, struct fy_event *e)
{
    const struct fy_mark *s = kf_event_start_mark(en, e), *t = fy_event_end_mark(e);
    return s && t && t->input_pos > s->input_pos;
}

uint8_t kf_scalar_type(const kf_ends *en, struct fy_event *e, const char *text, size_t n)
{
    if (e->scalar.tag)
        return KF_V_TAGGED;
    /* Text taken from the input holds no NUL (kf_strict_encoding() refuses
     * an input with one before any reader starts); a decoded one may. */
    bool from_input = text >= en->buf && text < en->buf + en->len;
    if (n && !from_input && memchr(text, '\0', n))
        return KF_V_NUL;
    if (fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN &&
        kf_plain_is_nonstring(text, n))
        return KF_V_NONSTR;
    return KF_V_STR;
}

/* Most scalars are their input bytes (a one-line plain scalar, a quoted one
 * without escapes or folding): those are taken from the buffer, which is
 * far cheaper than libfyaml building the text. */
const char *kf_scalar_text(const kf_ends *en, struct fy_event *e, size_t *n)
{
    kf_smarks tmp;
    const kf_smarks *m = scalar_marks(en, e, &tmp);
    enum fy_scalar_style st = m->style;
    if (m->has_start && m->has_end && m->end >= m->start && m->end <= en->len) {
        const char *t = en->buf + m->start;
        size_t len = m->end - m->start;
        /* Line breaks fold; '' and backslash escapes decode. */
        char esc = st == FYSS_SINGLE_QUOTED ? '\'' : st == FYSS_DOUBLE_QUOTED ? '\\' : '\n';
        bool direct = st == FYSS_PLAIN || st == FYSS_SINGLE_QUOTED ||
                      st == FYSS_DOUBLE_QUOTED;
        /* Marks on one line hold no line break between them (and a CR
         * comes only before a LF: kf_strict_encoding). */
        direct = direct && (m->one_line || (!memchr(t, '\n', len) && !memchr(t, '\r', len))) &&
                 (esc == '\n' || !memchr(t, esc, len));
        if (direct) {
            *n = len;
            return t;
        }
    }
    const char *t = fy_token_get_text(e->scalar.value, n);
    if (!t) {
        *n = 0;
        return "";
    }
    return t;
}

bool kf_scalar_is_null(const kf_ends *en, struct fy_event *e)
{
    if (e->type != FYET_SCALAR || e->scalar.tag ||
        fy_token_scalar_style(e->scalar.value) != FYSS_PLAIN)
        return false;
    size_t n = 0;
    const char *t = kf_scalar_text(en, e, &n);
    return kf_plain_is_null(t, n);
}

struct fy_token *kf_event_tag(struct fy_event *e)
{
    switch (e->type) {
    case FYET_SCALAR:
        return e->scalar.tag;
    case FYET_MAPPING_START:
        return e->mapping_start.tag;
    case FYET_SEQUENCE_START:
        return e->sequence_start.tag;
    default:
        return NULL;
    }
}
