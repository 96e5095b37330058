/* read_event.h - what one libfyaml event says: its text, type and bytes.
 *
 * libfyaml's marks give byte offsets, with quirks (libfyaml 0.7.12) that
 * these helpers correct, each found by fuzzing: a quoted scalar's mark
 * excludes its quotes; an empty scalar has no mark (an empty key or value
 * ends after its ':', or after its tag or anchor); a block scalar's end mark
 * is the next token, past the next line's indentation; a block mapping's
 * end mark is the next token. So the reader tracks the end of the last
 * scalar or flow collection itself (kf_ends.last).
 */
#ifndef KF_SRC_READ_EVENT_H
#define KF_SRC_READ_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "kf_input.h"

/* A scalar event's marks (raw, as libfyaml gives them) and style. */
typedef struct kf_smarks {
    uint32_t start, end;  /* 0 when absent */
    bool has_start, has_end;
    bool one_line;        /* both marks, on one line: no line break between */
    enum fy_scalar_style style;
} kf_smarks;

/* The input, and where the content read so far ends. */
typedef struct kf_ends {
    const char *buf;
    size_t len;
    /* Where the text the parser reads starts in buf, and the lines before
     * it: the two-thread read (read_split.c) parses slices of buf, whose
     * marks count from the slice. Every mark is read through kf_mark_pos()
     * and kf_mark_line(), so positions are always offsets into buf. */
    uint32_t base;
    int line_base;
    /* A slice's reader does not know where the content before the slice
     * ends: until its first note, last is a guess; a reading that needs
     * it there (an empty key without a mark) makes the slice unsure, and
     * read_split.c reads the input again on one thread. */
    bool last_unknown;
    bool unsure;
    uint32_t last;        /* end of the latest scalar / flow collection */
    uint32_t scalar;      /* end of the latest scalar's text, quotes included */
    /* The scalar event being read and its marks, taken once by
     * kf_ends_scalar() for every helper that asks; NULL between events
     * (libfyaml reuses an event's memory). */
    const struct fy_event *cur;
    kf_smarks cur_marks;
    /* The event being read (kf_ends_event_begin()) and its start mark,
     * taken once for every helper that asks; NULL between events. */
    const struct fy_event *ev;
    const struct fy_mark *ev_start;
} kf_ends;

/* A mark's offset into buf (0 when there is no mark) and 0-based line. */
static inline uint32_t kf_mark_pos(const kf_ends *en, const struct fy_mark *m)
{
    return m ? en->base + (uint32_t)m->input_pos : 0;
}

static inline int kf_mark_line(const kf_ends *en, const struct fy_mark *m)
{
    return m ? en->line_base + m->line : 0;
}

/* The start mark of event e: the one kept when e is the event being read,
 * else libfyaml's. */
static inline const struct fy_mark *kf_event_start_mark(const kf_ends *en,
                                                        struct fy_event *e)
{
    return e == en->ev ? en->ev_start : fy_event_start_mark(e);
}

/* 0-based line and column of an event; 0 when it has no mark. Slices start
 * at a line's start, so columns need no translation. */
int kf_event_line(const kf_ends *en, struct fy_event *e);
int kf_event_col(struct fy_event *e);
/* The event's first byte (0 when it has no mark). */
uint32_t kf_event_start(const kf_ends *en, struct fy_event *e);

/* Content read so far ends at least at end. */
static inline void kf_ends_note(kf_ends *en, uint32_t end)
{
    if (end > en->last) {
        en->last = end;
        en->last_unknown = false;
    }
}
/* A scalar (of any event of the walk, skipped ones included) ends its
 * node: note it, and where it has no mark, find its end. Its marks are
 * kept until kf_ends_event_done(). */
void kf_ends_scalar(kf_ends *en, struct fy_event *e);
/* Event e is being read: keep its start mark. */
void kf_ends_event_begin(kf_ends *en, struct fy_event *e);
/* The event is over: forget its marks. */
void kf_ends_event_done(kf_ends *en);
/* Byte span of a scalar event, quotes included. Returns whether the
 * scalar has a start mark (an empty one has none). */
bool kf_scalar_span(const kf_ends *en, struct fy_event *e, uint32_t *start,
                    uint32_t *end);
/* Just past the ':' that follows a key ending at pos on the same line, or
 * pos itself when there is none (`{a, b}`, an explicit `? key`). */
uint32_t kf_after_colon(const kf_ends *en, uint32_t pos);

/* A collection end event of a flow collection (whose end mark is its
 * closing bracket). */
bool kf_event_is_flow_end(const kf_ends *en, struct fy_event *e);
/* A scalar's decoded text (from the input bytes when it is them). */
const char *kf_scalar_text(const kf_ends *en, struct fy_event *e, size_t *n);
/* enum kf_vtype of a scalar with that text. */
uint8_t kf_scalar_type(const kf_ends *en, struct fy_event *e, const char *text, size_t n);
/* A plain, untagged scalar that YAML reads as null: empty, ~, null. */
bool kf_scalar_is_null(const kf_ends *en, struct fy_event *e);
/* The tag of a node event, or NULL. */
struct fy_token *kf_event_tag(struct fy_event *e);

#endif
