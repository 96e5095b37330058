/* svid.h - the value rules of the SVID options (SPEC section 14).
 *
 * Two parsers, nothing else: Go durations (ttl, jwtTtl), exactly as Go's
 * time.ParseDuration reads them, and lists of SPIFFE trust domains
 * (federatesWith). config_svid.c reads the functionConfig's values and
 * reports; render.c writes what passed. Neither accepts '{', so no option
 * can carry a Go template action (`{{`) to SPIRE Controller Manager.
 */
#ifndef KF_SRC_SVID_H
#define KF_SRC_SVID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_buf.h"

enum kf_duration_status {
    KF_DURATION_OK,
    KF_DURATION_SYNTAX,   /* not a Go duration ("5 minutes", "5", "") */
    KF_DURATION_RANGE,    /* beyond an int64 of nanoseconds */
};

/* Parse s[0..n) as Go's time.ParseDuration does: an optional sign, then
 * one or more decimal numbers, each with an optional fraction and a unit
 * (ns, us, µs, μs, ms, s, m, h); or a lone "0". *ns receives the value in
 * nanoseconds when the status is KF_DURATION_OK. */
enum kf_duration_status kf_go_duration(const char *s, size_t n, int64_t *ns);

/* Why s[0..n) is not an SVID time-to-live (a Go duration greater than
 * zero): a static phrase such as "is not a Go duration", or NULL when it
 * is one. */
const char *kf_ttl_problem(const char *s, size_t n);

/* A list of trust domains as the user wrote it: entries trimmed of
 * whitespace, in order, until kf_td_list_check() sorts them. */
typedef struct kf_td_list {
    kf_buf text;          /* the entries, each followed by a NUL */
    size_t *off;          /* where entry i starts in text */
    size_t n, cap;
} kf_td_list;

/* Add one entry, trimmed of spaces, tabs and line breaks. 0, or -1 when
 * memory runs out. */
int kf_td_list_add(kf_td_list *l, const char *s, size_t n);
/* Add the entries of a comma-separated string ("b.org, a.org"). A string
 * of nothing but whitespace adds none. 0, or -1 when memory runs out. */
int kf_td_list_split(kf_td_list *l, const char *s, size_t n);
/* Entry i (NUL-terminated). */
const char *kf_td_list_get(const kf_td_list *l, size_t i);
/* Check the entries in order: the first one that is empty, not a valid
 * trust domain, or equal to own (the function's own trust domain; NULL or
 * "" to skip that rule) sets *why to its rule, a static phrase, and *bad to
 * its index; an empty list sets *why with *bad = l->n. When every entry is
 * good (*why NULL): sort them bytewise and drop repeats. Returns 0, or -1
 * when memory runs out. */
int kf_td_list_check(kf_td_list *l, const char *own, const char **why,
                     size_t *bad);
/* The entries, each followed by '\n', appended to out. 0 or -1. */
int kf_td_list_join(const kf_td_list *l, kf_buf *out);
void kf_td_list_free(kf_td_list *l);

#endif
