/* kf_emit.h - writing generated YAML or JSON.
 *
 * One kf_emit produces one mapping (a generated item, or a result) as text:
 * block YAML at column 0 (two-space indentation, indentless sequences) or
 * one-line JSON. Strings are written plain only when every YAML reader takes
 * them back as the same string (kf_plain_is_safe); otherwise double-quoted.
 * In JSON mode every string is quoted. Collections inside a sequence are not
 * supported (nothing generated needs them). Errors are sticky: check
 * kf_emit_close().
 */
#ifndef KF_EMIT_H
#define KF_EMIT_H

#include <stdbool.h>

#include "kf_buf.h"

#define KF_EMIT_MAX_DEPTH 8

typedef struct kf_emit_level {
    int kind;        /* mapping or sequence */
    bool want_key;   /* mapping: the next scalar is a key */
    size_t count;    /* entries written */
    size_t indent;   /* block: column of its keys or dashes */
} kf_emit_level;

typedef struct kf_emit {
    kf_buf own;      /* the text, opened with kf_emit_open() */
    kf_buf *text;    /* where the text goes: &own, or kf_emit_open_into()'s */
    size_t origin;   /* text->len when opened */
    size_t start;    /* where the mapping starts (after an entry's "- ") */
    size_t base;     /* columns before every line but the first */
    kf_emit_level levels[KF_EMIT_MAX_DEPTH];
    size_t depth;
    bool json;
    bool failed;
} kf_emit;

int kf_emit_open(kf_emit *e, bool json);
/* The same, the text written straight at the end of out (no copy): give
 * kf_emit_close() that out, which it leaves as it was if anything failed. */
int kf_emit_open_into(kf_emit *e, bool json, kf_buf *out);
/* Where a rendered mapping goes: as it is (KF_EMIT_AS_IS: block YAML at
 * column 0, or one line of JSON), or, entry_col >= 0, as the entry of a
 * block sequence whose dash is at that column: entry_col spaces and "- "
 * first, every other line indented entry_col + 2 columns more. Written
 * so from the start, the writer copies it to the output as it is. */
#define KF_EMIT_AS_IS (-1)
int kf_emit_open_at(kf_emit *e, bool json, kf_buf *out, long entry_col);
void kf_emit_map_begin(kf_emit *e);
void kf_emit_map_end(kf_emit *e);
void kf_emit_seq_begin(kf_emit *e);
void kf_emit_seq_end(kf_emit *e);
void kf_emit_str(kf_emit *e, const char *s);
/* The same for s[0..n), which need not be NUL-terminated. */
void kf_emit_strn(kf_emit *e, const char *s, size_t n);
void kf_emit_bool(kf_emit *e, bool v);
/* A decimal integer when s is all digits, else a string. */
void kf_emit_number(kf_emit *e, const char *s);
/* key: value, both strings */
void kf_emit_kv(kf_emit *e, const char *key, const char *value);
/* Finish and append the text (without a trailing newline) to out.
 * Returns 0, or -1 if anything failed. Always releases the emitter. */
int kf_emit_close(kf_emit *e, kf_buf *out);

#endif
