/* read_textpool.h - the string pool that captured texts live in.
 *
 * Every captured text is a C string in one growing buffer, named by its
 * 32-bit offset (offset 0 is ""). Kinds, apiVersions, namespaces and file
 * paths repeat from item to item: a small cache shares a short string
 * equal to the one last stored in its slot. A text holding NUL bytes is
 * stored with each NUL written as the two characters \0, so no string is
 * ever cut short.
 */
#ifndef KF_SRC_READ_TEXTPOOL_H
#define KF_SRC_READ_TEXTPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_buf.h"

#define KF_INTERN_SLOTS 256  /* slots for shared short strings */
#define KF_INTERN_MAX 128    /* longest string shared */

/* A string in the pool, as the intern cache remembers it. */
typedef struct kf_pooled {
    uint32_t off, len;
} kf_pooled;

typedef struct kf_textpool {
    kf_buf *text;                        /* the pool (owned by the input) */
    kf_pooled intern[KF_INTERN_SLOTS];   /* latest short string per slot */
} kf_textpool;

enum kf_pool_rc {
    KF_POOL_OK = 0,
    KF_POOL_OOM = -1,      /* out of memory */
    KF_POOL_FULL = -2,     /* more than 4 GiB of text */
};

/* Start a pool in text (empty): offset 0 becomes "". */
int kf_textpool_init(kf_textpool *tp, kf_buf *text);
/* Store s[0..n) NUL-terminated; *out is its offset. With share, a short
 * string may be shared with an equal one stored before; without, it is the
 * pool's last string (so a key and the value pooled right after it are
 * contiguous). */
int kf_textpool_add(kf_textpool *tp, const char *s, size_t n, bool share,
                    uint32_t *out);
/* kf_textpool_add() of a text the caller knows holds no NUL byte. */
int kf_textpool_add_nonul(kf_textpool *tp, const char *s, size_t n, bool share,
                          uint32_t *out);
/* Give back everything stored from offset mark on. */
void kf_textpool_truncate(kf_textpool *tp, uint32_t mark);
/* The pool's size: a mark for kf_textpool_truncate(). */
static inline uint32_t kf_textpool_mark(const kf_textpool *tp)
{
    return (uint32_t)tp->text->len;
}

#endif
