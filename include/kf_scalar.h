/* kf_scalar.h - how YAML readers type plain scalars, and when we must quote.
 *
 * Kubernetes reads manifests with a YAML 1.1 resolver (go-yaml v2 behind
 * sigs.k8s.io/yaml); many other tools use YAML 1.2. A plain (unquoted)
 * scalar that either of them resolves to null, bool, int, float or timestamp
 * is not a string, whatever it looks like to a human: `on`, `no`, `0x1F`,
 * `1e3`, `1:20`, `2024-01-01`. The reader refuses such values where a string
 * is required, and the emitters quote any string that could be read so.
 */
#ifndef KF_SCALAR_H
#define KF_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

/* True when a plain scalar with this text resolves to a non-string type
 * under YAML 1.1 or YAML 1.2 (core schema) or go-yaml v2. */
bool kf_plain_is_nonstring(const char *s, size_t n);

/* True when the string may be written as a plain scalar in block context and
 * every YAML 1.1/1.2 reader takes it back as the same string. Conservative:
 * anything doubtful is reported unsafe, which means "quote it". */
bool kf_plain_is_safe(const char *s, size_t n);

/* True when a plain scalar with this text is null: empty, ~ or null. */
bool kf_plain_is_null(const char *s, size_t n);

/* True for the JSON/YAML boolean words "true" and "false" exactly. */
bool kf_is_bool_word(const char *s, size_t n, bool *value);

#endif
