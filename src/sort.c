/* sort.c - an introsort in place (kf_sort.h). */
#include "kf_sort.h"

#include <stdint.h>
#include <string.h>

typedef int (*cmp_fn)(const void *, const void *);

/* Runs this short are finished by insertion sort. */
#define INSERTION_MAX 16

/* Eight bytes at a time (every element sorted is a struct of pointers and
 * integers, a multiple of 8 bytes), the rest a byte at a time: a memcpy()
 * of a size known only here was a call to the library's, three a swap. */
static void swap(char *a, char *b, size_t size)
{
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        memcpy(a + i, &y, 8);
        memcpy(b + i, &x, 8);
    }
    for (; i < size; i++) {
        char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
            swap(base + (j - 1) * size, base + j * size, size);
}

/* The heap of base[0..n) below node i restored. */
static void sift_down(char *base, size_t i, size_t n, size_t size, cmp_fn cmp)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && cmp(base + l * size, base + big * size) > 0)
            big = l;
        if (r < n && cmp(base + r * size, base + big * size) > 0)
            big = r;
        if (big == i)
            return;
        swap(base + i * size, base + big * size, size);
        i = big;
    }
}

static void heap_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, i, n, size, cmp);
    for (size_t end = n; end-- > 1;) {
        swap(base, base + end * size, size);
        sift_down(base, 0, end, size, cmp);
    }
}

/* The next of a fixed sequence of pseudo-random numbers (xorshift). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Partitions base[0..n) (n > 2) around the median of three elements
 * taken at pseudo-random places (first, middle and last would go badly on
 * two sorted runs one after the other, which is how results are added);
 * returns where that pivot ends: what is before it compares <= it, what
 * is after it >= it. The order it gives does not depend on the choice. */
static size_t partition(char *base, size_t n, size_t size, cmp_fn cmp, uint64_t *state)
{
    char *lo = base + (next_random(state) % n) * size,
         *mid = base + (next_random(state) % n) * size,
         *hi = base + (next_random(state) % n) * size;
    if (lo == mid || mid == hi || lo == hi) {
        lo = base;
        mid = base + (n / 2) * size;
        hi = base + (n - 1) * size;
    }
    if (cmp(mid, lo) < 0)
        swap(mid, lo, size);
    if (cmp(hi, mid) < 0) {
        swap(hi, mid, size);
        if (cmp(mid, lo) < 0)
            swap(mid, lo, size);
    }
    swap(base, mid, size); /* the pivot at base[0], left where it is */
    size_t i = 1, j = n - 1;
    for (;;) {
        while (i < n && cmp(base + i * size, base) < 0)
            i++;
        while (cmp(base + j * size, base) > 0) /* stops at base[0] at worst */
            j--;
        if (i >= j)
            break;
        swap(base + i * size, base + j * size, size);
        i++;
        j--;
    }
    swap(base, base + j * size, size);
    return j;
}

/* depth: how many more partitions before heapsort takes over. */
static void sort_range(char *b, size_t n, size_t size, cmp_fn cmp, int depth,
                       uint64_t *state)
{
    while (n > INSERTION_MAX) {
        if (depth-- == 0) {
            heap_sort(b, n, size, cmp);
            return;
        }
        size_t p = partition(b, n, size, cmp, state);
        /* the shorter side sorted by recursion, the longer by the loop:
         * the stack stays within log2(n) frames */
        if (p < n - p - 1) {
            sort_range(b, p, size, cmp, depth, state);
            b += (p + 1) * size;
            n -= p + 1;
        } else {
            sort_range(b + (p + 1) * size, n - p - 1, size, cmp, depth, state);
            n = p;
        }
    }
    insertion_sort(b, n, size, cmp);
}

void kf_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    uint64_t state = 0x9e3779b97f4a7c15u;
    sort_range(base, n, size, cmp, depth, &state);
}
