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
#include <stdio.h>

#include "kf_input.h"
#include "kleym.h"

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
 * with *fatal filled. kf_input_free() must be called in both cases. opts
 * says whether a large input may be read on two threads (read_split.c);
 * NULL reads on one. Whichever read runs, *in and *fatal are the same. */
int kf_read(const char *buf, size_t len, const kf_read_opts *opts, kf_input *in,
            kf_fatal *fatal);
/* Read buf as one functionConfig document (what a Kptfile's configPath
 * names, or a configMap made into a ConfigMap): in->fc holds it, as if it
 * were the functionConfig of an empty ResourceList. */
int kf_read_config(const char *buf, size_t len, kf_input *in, kf_fatal *fatal);
/* The fatal line on err: "kleym-fn: fatal: <where>:L:C: why", one line
 * whatever a file name or the message holds. */
void kf_print_fatal(const kf_fatal *fatal, const char *where, FILE *err);
/* Read items[item], a List, on its own: its entries as items, appended
 * to in (read_list.c). Called by kf_read() for every List; opts as for
 * kf_read() (a large List at column 0 may be read on two threads). */
int kf_read_list(kf_input *in, size_t item, const kf_read_opts *opts, kf_fatal *fatal);

#endif
