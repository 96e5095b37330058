/* buf.c - growable byte buffers and arrays, sorted string arrays (see
 * kf_buf.h). */
#include "kf_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kf_array_grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -1;
        ncap *= 2;
    }
    void *p = realloc(*items, ncap * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

int kf_buf_reserve(kf_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1 ||
        kf_array_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1) < 0) {
        b->failed = true;
        return -1;
    }
    return 0;
}

int kf_buf_append(kf_buf *b, const void *p, size_t n)
{
    /* room already (nearly always): no reserve to ask */
    if (b->cap - b->len <= n && kf_buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kf_buf_puts(kf_buf *b, const char *s)
{
    return kf_buf_append(b, s, strlen(s));
}

int kf_buf_cat(kf_buf *b, ...)
{
    size_t len = b->len;
    va_list ap;
    va_start(ap, b);
    int rc = 0;
    for (const char *s; rc == 0 && (s = va_arg(ap, const char *));)
        rc = kf_buf_puts(b, s);
    va_end(ap);
    if (rc < 0) { /* as it was */
        b->len = len;
        if (b->data)
            b->data[len] = '\0';
    }
    return rc;
}

int kf_buf_putc(kf_buf *b, char c)
{
    return kf_buf_append(b, &c, 1);
}

int kf_buf_spaces(kf_buf *b, size_t n)
{
    if (kf_buf_reserve(b, n) < 0)
        return -1;
    memset(b->data + b->len, ' ', n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Formatted once into the room the buffer has (a new buffer is given a
 * little), and only formatted again, measured, when the text did not fit:
 * vsnprintf is most of what a message costs. */
int kf_buf_printf(kf_buf *b, const char *fmt, ...)
{
    if (b->cap == 0 && kf_buf_reserve(b, 128) < 0)
        return -1;
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < room) {
        b->len += (size_t)n;
        return 0;
    }
    b->data[b->len] = '\0'; /* as it was */
    if (n < 0) {
        b->failed = true;
        return -1;
    }
    if (kf_buf_reserve(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void kf_buf_clear(kf_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void kf_buf_free(kf_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

int kf_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void kf_strs_sort_unique(const char **v, size_t *n)
{
    if (*n < 2)
        return;
    if (*n <= 8) {
        /* a binding's few selectors: an insertion sort, stable as
         * qsort()'s merge sort is (no call a comparison, no setup) */
        for (size_t i = 1; i < *n; i++) {
            const char *s = v[i];
            size_t j = i;
            for (; j > 0 && strcmp(v[j - 1], s) > 0; j--)
                v[j] = v[j - 1];
            v[j] = s;
        }
    } else {
        qsort(v, *n, sizeof *v, kf_str_cmp);
    }
    size_t kept = 1;
    for (size_t i = 1; i < *n; i++)
        if (strcmp(v[i], v[kept - 1]) != 0)
            v[kept++] = v[i];
    *n = kept;
}

static uint32_t lead_u32(const void *v, size_t i, size_t size)
{
    uint32_t k;
    memcpy(&k, (const char *)v + i * size, sizeof k);
    return k;
}

size_t kf_u32_run(const void *v, size_t n, size_t size, uint32_t key, size_t *first)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (lead_u32(v, m, size) < key)
            lo = m + 1;
        else
            hi = m;
    }
    size_t end = lo;
    while (end < n && lead_u32(v, end, size) == key)
        end++;
    *first = lo;
    return end - lo;
}

/* FNV-1a's step for one byte, and the byte that ends a text (so that
 * hashing "a" then "b" differs from "ab" then ""): kf_hash_str() and
 * kf_hash_mem() give one text the same hash. */
static inline uint64_t fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3u;
}

static inline uint64_t fnv_end(uint64_t h)
{
    return fnv_step(h, 0xff);
}

uint64_t kf_hash_str(uint64_t h, const char *s)
{
    /* to the NUL: no strlen() first */
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        h = fnv_step(h, *p);
    return fnv_end(h);
}

uint64_t kf_hash_mem(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, s[i]);
    return fnv_end(h);
}

struct kf_arena_block {
    kf_arena_block *next;
    size_t used, cap;
    char data[];
};

/* Blocks of 64 KiB with their header and malloc's (under glibc's mmap
 * threshold: from the heap). */
#define ARENA_BLOCK (64 * 1024 - 64)

void *kf_arena_alloc(kf_arena *a, size_t size, size_t align)
{
    kf_arena_block *b = a->head;
    size_t at = 0;
    if (b) { /* the next address in b aligned to align */
        uintptr_t next = (uintptr_t)(b->data + b->used);
        at = b->used + ((align - next % align) % align);
    }
    if (!b || at > b->cap || b->cap - at < size) {
        size_t cap = size + align > ARENA_BLOCK ? size + align : ARENA_BLOCK;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        *b = (kf_arena_block){a->head, 0, cap};
        a->head = b;
        uintptr_t first = (uintptr_t)b->data;
        at = (align - first % align) % align;
    }
    b->used = at + size;
    return b->data + at;
}

char *kf_arena_strdup(kf_arena *a, const char *s, size_t n)
{
    char *out = kf_arena_alloc(a, n + 1, 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

void kf_arena_free(kf_arena *a)
{
    for (kf_arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}
