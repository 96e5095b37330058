/* read_strict.h - input refused before or while it is read.
 *
 * kf_strict_encoding(): what YAML cannot carry, checked before the parser
 * sees it: invalid UTF-8, NUL bytes, and lone CR line breaks (YAML reads a
 * lone CR as a line break; everything here that finds lines looks for LF).
 *
 * kf_strict_event(): YAML that libfyaml accepts but YAML 1.2 does not.
 * kleym-fn edits its input as text and hands it to tools that parse it with
 * other YAML readers (go-yaml in kpt and kustomize). Input that only
 * libfyaml accepts could become invalid once something is appended after it,
 * so the reader refuses it up front. Known cases (libfyaml 0.7.12), the
 * first two at the end of a document:
 *
 *   - a block mapping value that starts on a later line than its key, at
 *     the key's column or left of it:
 *
 *         metadata:
 *         name: x          <- the value of metadata, for libfyaml only
 *
 *   - an implicit key without its ':' (libfyaml reads a key with no value):
 *
 *         kind: ResourceList
 *         trailing         <- a key, for libfyaml only
 *
 *   - an alias that names no anchor defined before it in its document.
 *
 * The checker follows every event of the stream, skipped subtrees included,
 * with one small entry per open collection.
 */
#ifndef KF_SRC_READ_STRICT_H
#define KF_SRC_READ_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "kf_buf.h"
#include "read_event.h"

typedef struct kf_strict_level {
    uint32_t key_line;          /* 0-based line of the current key */
    uint32_t key_col;           /* 0-based column of the mapping's keys */
    uint8_t block_map;          /* a block mapping (else flow or sequence) */
    uint8_t want_key;           /* the next node is a key */
    uint8_t check;              /* the current key is an implicit scalar key */
} kf_strict_level;

/* An anchor defined in the current document (its name in kf_strict.names). */
typedef struct kf_anchor {
    uint64_t hash;              /* 0: a free slot */
    uint32_t off, len;
} kf_anchor;

typedef struct kf_strict {
    kf_strict_level *levels;
    size_t depth, cap;
    /* The anchors of the current document, by name: an alias must name
     * one defined before it (YAML 1.2, 7.1); libfyaml's event parser does
     * not check, and a tool after kleym-fn would refuse the output. */
    kf_anchor *anchors;         /* open addressing, a power of two slots */
    size_t nanchors, anchors_cap;
    kf_buf names;
    /* The text read is part of a document whose aliases an earlier read
     * has checked: a List's own read (read_list.c) starts mid-document,
     * where an alias may rightly name an anchor defined before the List. */
    bool aliases_checked;
} kf_strict;

/* NULL when buf[0..len) may be parsed; else why not, with the 1-based line
 * and column of the first offending byte. */
const char *kf_strict_encoding(const char *buf, size_t len, int *line, int *col);

enum kf_strict_rc {
    KF_STRICT_OK = 0,
    KF_STRICT_REFUSED = -1,  /* *line, *col (1-based) and *why say why */
    KF_STRICT_OOM = -2,      /* out of memory */
};

/* Follow one event. node_end is the end of a scalar (quotes included) or an
 * alias, else ignored. Returns an enum kf_strict_rc. */
int kf_strict_event(kf_strict *s, const kf_ends *en, struct fy_event *e,
                    uint32_t node_end, int *line, int *col, const char **why);

/* Start where a slice of ResourceList.items begins (read_split.c): inside
 * a block sequence that is the value of a key of the root block mapping,
 * as the serial read is there. 0, or KF_STRICT_OOM. */
int kf_strict_begin_slice(kf_strict *s);

void kf_strict_free(kf_strict *s);

#endif
