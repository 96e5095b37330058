/* kf_sort.h - sorting in place, without a scratch copy.
 *
 * glibc's qsort() is a merge sort that first allocates a copy of the
 * array (n * size bytes, or 16 bytes an element for elements over 32
 * bytes): on the conflict-heavy inputs that copy was the largest thing
 * alive at the peak (9 MB for the SharedSelectors check of 80 000
 * bindings). kf_sort() is an introsort (quicksort, insertion sort for
 * short runs, heapsort when partitions go badly): no allocation,
 * O(n log n) in the worst case, not stable. It gives qsort()'s order
 * only for a comparison that never calls two distinct elements equal,
 * which is how every caller breaks its ties.
 */
#ifndef KF_SORT_H
#define KF_SORT_H

#include <stddef.h>

/* Sort base[0..n) of size-byte elements by cmp, as qsort() does. */
void kf_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
