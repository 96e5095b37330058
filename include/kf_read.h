/* kf_read.h - the input reader: one streaming pass over the input.
 *
 * kf_read() runs libfyaml's event parser over the whole input once and
 * fills a kf_input (kf_input.h). It never builds a document tree: what it
 * captures is what the capture schema (kf_schema.h) names; every other
 * subtree is skipped by depth counting.
 *
 * Two input shapes are recognised from the first document:
 *   - a ResourceList (config.kubernetes.io/v1 or v1beta1), YAML or JSON;
 *   - any other stream of mappings, where every document is an item.
 */
#ifndef KF_READ_H
#define KF_READ_H

#include <stddef.h>

#include "kf_input.h"

/* Inputs larger than this are refused with a clear error (offsets are 32 bit). */
#define KF_MAX_INPUT ((size_t)1 << 30)
/* Deepest nesting accepted anywhere in the input. */
#define KF_MAX_DEPTH 1000

/* A fatal input error: nothing is written to stdout. */
typedef struct kf_fatal {
    int line, col;       /* 1-based; 0 when unknown */
    char msg[256];
} kf_fatal;

/* Read buf[0..len) (which must stay alive as long as *in). Returns 0, or -1
 * with *fatal filled. kf_input_free() must be called in both cases. */
int kf_read(const char *buf, size_t len, kf_input *in, kf_fatal *fatal);
/* Read buf as one functionConfig document (what a Kptfile's configPath
 * names, or a configMap made into a ConfigMap): in->fc holds it, as if it
 * were the functionConfig of an empty ResourceList. */
int kf_read_config(const char *buf, size_t len, kf_input *in, kf_fatal *fatal);
/* Give back the captured fields once they have been interpreted (after
 * kf_resolve()): the writer needs the items, their layouts and the pool of
 * texts, which resolved strings point into. Items then have no fields. */
void kf_input_drop_fields(kf_input *in);
void kf_input_free(kf_input *in);

#endif
