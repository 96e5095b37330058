/* offsets.c - a list of 32-bit offsets held as byte deltas (offsets.h). */
#include "offsets.h"

#include <stdlib.h>

#include "kf_buf.h"

#define MARK_EVERY 16

int kf_offsets_add(kf_offsets *o, uint32_t off)
{
    if (o->count == UINT32_MAX)
        return -1;
    /* at most 5 bytes of delta (a 33-bit zigzag value, 7 bits a byte) */
    if (kf_array_grow((void **)&o->delta, &o->cap, o->len + 5, 1) < 0)
        return -1;
    if (o->count % MARK_EVERY == 0) {
        size_t j = o->count / MARK_EVERY;
        if (kf_array_grow((void **)&o->mark, &o->marks_cap, j + 1, sizeof *o->mark) < 0)
            return -1;
        o->mark[j][0] = off;
        o->mark[j][1] = (uint32_t)o->len;
    } else {
        int64_t d = (int64_t)off - (int64_t)o->last;
        uint64_t z = d < 0 ? ((uint64_t)(-d) << 1) - 1 : (uint64_t)d << 1;
        do {
            uint8_t byte = z & 0x7f;
            z >>= 7;
            o->delta[o->len++] = (uint8_t)(byte | (z ? 0x80 : 0));
        } while (z);
    }
    o->last = off;
    o->count++;
    return 0;
}

uint32_t kf_offsets_get(const kf_offsets *o, uint32_t m)
{
    const uint32_t *mark = o->mark[m / MARK_EVERY];
    int64_t off = mark[0];
    size_t at = mark[1];
    for (uint32_t i = 0; i < m % MARK_EVERY; i++) {
        uint64_t z = o->delta[at++];
        if (z & 0x80) { /* more than one byte: rare for keys */
            z &= 0x7f;
            unsigned shift = 7;
            uint8_t byte;
            do {
                byte = o->delta[at++];
                z |= (uint64_t)(byte & 0x7f) << shift;
                shift += 7;
            } while (byte & 0x80);
        }
        off += z & 1 ? -(int64_t)((z + 1) >> 1) : (int64_t)(z >> 1);
    }
    return (uint32_t)off;
}

void kf_offsets_free(kf_offsets *o)
{
    free(o->delta);
    free(o->mark);
    *o = (kf_offsets){0};
}
