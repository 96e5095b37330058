/* kf_buf.h - growable byte buffers and arrays, sorted string arrays.
 *
 * Every module that builds text (rendered items, results, messages) does it
 * in a kf_buf. A kf_buf owns its memory; kf_buf_free() releases it. All
 * append functions return 0 on success and -1 when memory runs out, leaving
 * the buffer as it was, so callers can propagate the failure; a printer
 * that makes many appends may check the sticky `failed` once at the end.
 */
#ifndef KF_BUF_H
#define KF_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kf_buf {
    char *data;  /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    bool failed; /* an append ran out of memory (kept until freed) */
} kf_buf;

int kf_buf_reserve(kf_buf *b, size_t extra);
int kf_buf_append(kf_buf *b, const void *p, size_t n);
int kf_buf_puts(kf_buf *b, const char *s);
int kf_buf_putc(kf_buf *b, char c);
int kf_buf_spaces(kf_buf *b, size_t n);
int kf_buf_printf(kf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empty b for new text, keeping its memory (and `failed`): data reads ""
 * until something is appended, so text that failed to append never shows
 * what was there before. */
void kf_buf_clear(kf_buf *b);
/* The strings, up to a NULL, appended in turn: text made of pieces where
 * kf_buf_printf() would parse a format for each (hot paths). */
int kf_buf_cat(kf_buf *b, ...) __attribute__((sentinel));
void kf_buf_free(kf_buf *b);

/* Grow an array *items of *cap elements of size elem so it holds need
 * elements. Returns 0 or -1 (out of memory, array untouched). */
int kf_array_grow(void **items, size_t *cap, size_t need, size_t elem);

/* Arrays of C strings: compared through pointers to them, bytewise (for
 * qsort() and bsearch()); sorted with repeats dropped, *n becoming how
 * many are left. */
int kf_str_cmp(const void *a, const void *b);
void kf_strs_sort_unique(const char **v, size_t *n);

/* In v[0..n) (elements of size bytes, sorted by a leading uint32_t), the
 * run whose leading uint32_t is key: returns its length, *first its start. */
size_t kf_u32_run(const void *v, size_t n, size_t size, uint32_t key, size_t *first);

/* Memory that never moves, given out piece after piece from blocks of
 * about 64 KiB (a larger piece gets a block of its own) and freed all at
 * once: texts and small records kept to the end of a run. */
typedef struct kf_arena_block kf_arena_block;
typedef struct kf_arena {
    kf_arena_block *head;            /* the block being filled, then the
                                      * earlier ones */
} kf_arena;
/* size bytes aligned to align (a power of two); NULL: out of memory. */
void *kf_arena_alloc(kf_arena *a, size_t size, size_t align);
/* A copy of s[0..n) and a NUL; NULL: out of memory. */
char *kf_arena_strdup(kf_arena *a, const char *s, size_t n);
void kf_arena_free(kf_arena *a);

/* FNV-1a of h and string s (NULL: empty), ended by a 0xff step so that
 * the parts "a","bc" and "ab","c" hash apart; start from KF_HASH_BASIS. */
#define KF_HASH_BASIS 0xcbf29ce484222325u
uint64_t kf_hash_str(uint64_t h, const char *s);
/* The same over p[0..n) (which may hold any byte). */
uint64_t kf_hash_mem(uint64_t h, const void *p, size_t n);

#endif
