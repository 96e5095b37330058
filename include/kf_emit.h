/* kf_emit.h - writing generated YAML or JSON through libfyaml's emitter.
 *
 * One kf_emit produces one mapping (a generated item, or a result) as text.
 * Strings are written plain only when every YAML reader takes them back as
 * the same string (kf_plain_is_safe); otherwise double-quoted. In JSON mode
 * every string is quoted. Errors are sticky: check kf_emit_close().
 */
#ifndef KF_EMIT_H
#define KF_EMIT_H

#include <stdbool.h>

#include "kf_buf.h"

struct fy_emitter;

typedef struct kf_emit {
    struct fy_emitter *em;
    bool json;
    bool failed;
} kf_emit;

int kf_emit_open(kf_emit *e, bool json);
void kf_emit_map_begin(kf_emit *e);
void kf_emit_map_end(kf_emit *e);
void kf_emit_seq_begin(kf_emit *e);
void kf_emit_seq_end(kf_emit *e);
void kf_emit_str(kf_emit *e, const char *s);
void kf_emit_bool(kf_emit *e, bool v);
/* A decimal integer when s is all digits, else a string. */
void kf_emit_number(kf_emit *e, const char *s);
/* key: value, both strings */
void kf_emit_kv(kf_emit *e, const char *key, const char *value);
/* Finish and append the text (without a trailing newline) to out.
 * Returns 0, or -1 if anything failed. Always releases the emitter. */
int kf_emit_close(kf_emit *e, kf_buf *out);

#endif
