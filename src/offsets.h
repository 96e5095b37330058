/* offsets.h - a list of 32-bit offsets held as byte deltas (offsets.c).
 *
 * For long lists of offsets that mostly grow by a little from one to the
 * next (the keys of a functionConfig, one after another in the text
 * pool): each is stored as its difference from the one before, zigzag and
 * LEB128 coded (one byte when it is within 64), with the offset of every
 * 16th member and where its successor's bytes start, so that any member
 * is found by decoding at most 15 deltas. About 1.5 bytes a member, not 4.
 */
#ifndef KF_SRC_OFFSETS_H
#define KF_SRC_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct kf_offsets {
    uint8_t *delta;     /* owned: members 1.. as coded differences */
    size_t len, cap;
    uint32_t (*mark)[2]; /* owned: of member 16 j, its offset and where the
                         * next member's delta starts */
    size_t marks_cap;
    uint32_t count;     /* members */
    uint32_t last;      /* the last member's offset */
} kf_offsets;

/* Append off; 0, or -1: out of memory (the list unchanged). */
int kf_offsets_add(kf_offsets *o, uint32_t off);
/* Member m (below count). */
uint32_t kf_offsets_get(const kf_offsets *o, uint32_t m);
void kf_offsets_free(kf_offsets *o);

#endif
