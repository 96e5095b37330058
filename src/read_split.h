/* read_split.h - where the two-thread read cuts the input, and how its two
 * halves become one (read_split.c says why this is safe). */
#ifndef KF_SRC_READ_SPLIT_H
#define KF_SRC_READ_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "kf_input.h"

/* A block-style ResourceList cut at an item of `items:`. */
typedef struct kf_split_plan {
    uint32_t split;      /* first byte of the line of the cut item's '-' */
    uint32_t col;        /* column of the items' '-' */
    int split_line;      /* 0-based line of split */
    uint32_t tail;       /* first byte of the line after the items (what
                          * follows `items:`), or the input's end */
    int tail_line;       /* 0-based line of tail */
} kf_split_plan;

/* read_split_plan.c: scan the line starts of buf for a cut at the first
 * item at or after byte at (0: the item nearest the middle). buf is a
 * ResourceList, or with list a List. NULL with *p filled, or why the input
 * is not cut. */
const char *kf_split_plan_make(const char *buf, size_t len, size_t at, bool list,
                               kf_split_plan *p);

/* read_split_merge.c: append what the slice read (part) to what the head
 * read (in): items, fields, layouts, texts, each of part's given back once
 * copied (kf_input_free() still frees the rest of part). 0, or -1: out of
 * memory (in is then to be freed). */
int kf_split_merge(kf_input *in, kf_input *part);

#endif
