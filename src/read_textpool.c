/* read_textpool.c - the string pool of captured texts (read_textpool.h). */
#include "read_textpool.h"

#include <string.h>

int kf_textpool_init(kf_textpool *tp, kf_buf *text)
{
    memset(tp, 0, sizeof *tp);
    tp->text = text;
    return kf_buf_append(text, "", 1) < 0 ? KF_POOL_OOM : KF_POOL_OK;
}

/* Store a text holding NUL bytes (a double-quoted "\0" decodes to one) with
 * each NUL written as the two characters \0: pool strings are C strings, and
 * a NUL must never cut a name short ("b\0x" is not "b"). The reader types
 * such a value KF_V_NUL, so its escaped text is only ever shown; a key so
 * escaped never equals a key the function reads, and is no valid label key. */
static int add_escaped(kf_textpool *tp, const char *s, size_t n, uint32_t *out)
{
    kf_buf *pool = tp->text;
    size_t start = pool->len;
    for (size_t i = 0; i < n; i++) {
        int rc = s[i] ? kf_buf_putc(pool, s[i]) : kf_buf_puts(pool, "\\0");
        if (rc < 0)
            return KF_POOL_OOM;
    }
    if (kf_buf_append(pool, "", 1) < 0)
        return KF_POOL_OOM;
    if (pool->len >= UINT32_MAX)
        return KF_POOL_FULL;
    *out = (uint32_t)start;
    return KF_POOL_OK;
}

/* Which intern slot a short string belongs to: a multiplicative hash of
 * its length and its first and last eight bytes (names that repeat differ
 * there; a slot is only a guess that memcmp() confirms, so strings that
 * share those bytes at most share less). */
static size_t intern_slot(const char *s, size_t n)
{
    uint64_t head = 0, tail = 0;
    memcpy(&head, s, n < 8 ? n : 8);
    if (n > 8)
        memcpy(&tail, s + n - 8, 8);
    uint64_t h = (head * 0x9E3779B97F4A7C15u) ^ (tail + n) * 0xC2B2AE3D27D4EB4Fu;
    return (size_t)(h >> 56) % KF_INTERN_SLOTS;
}

int kf_textpool_add(kf_textpool *tp, const char *s, size_t n, bool share,
                    uint32_t *out)
{
    if (n && memchr(s, '\0', n))
        return add_escaped(tp, s, n, out);
    return kf_textpool_add_nonul(tp, s, n, share, out);
}

/* A slot may point past a pool that was truncated since (an unrelated item
 * gave its strings back), so it is used only when its bytes are still
 * there. */
int kf_textpool_add_nonul(kf_textpool *tp, const char *s, size_t n, bool share,
                          uint32_t *out)
{
    kf_buf *pool = tp->text;
    size_t slot = share && n <= KF_INTERN_MAX ? intern_slot(s, n) : KF_INTERN_SLOTS;
    if (slot < KF_INTERN_SLOTS) {
        kf_pooled c = tp->intern[slot];
        if (c.len == n && (size_t)c.off + n < pool->len &&
            memcmp(pool->data + c.off, s, n) == 0 && pool->data[c.off + n] == '\0') {
            *out = c.off;
            return KF_POOL_OK;
        }
    }
    if (pool->len + n >= UINT32_MAX)
        return KF_POOL_FULL;
    *out = (uint32_t)pool->len;
    if (kf_buf_reserve(pool, n + 1) < 0) /* the text and its NUL */
        return KF_POOL_OOM;
    memcpy(pool->data + pool->len, s, n);
    pool->len += n + 1;
    pool->data[pool->len - 1] = pool->data[pool->len] = '\0';
    if (slot < KF_INTERN_SLOTS)
        tp->intern[slot] = (kf_pooled){*out, (uint32_t)n};
    return KF_POOL_OK;
}

void kf_textpool_truncate(kf_textpool *tp, uint32_t mark)
{
    if (mark < tp->text->len)
        tp->text->len = mark;
}
