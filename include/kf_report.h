/* kf_report.h - the results in the order they are reported.
 *
 * Every binding that renders gets one info result naming its SPIFFE ID, its
 * ClusterSPIFFEID and the workloads and containers that receive it. Those are not stored with the other results (at 100 000
 * items that would be 26 000 records holding nothing the binding does not
 * already hold): a report merges them, made from their binding when they
 * are written, into the order of the sorted stored results, as if they had
 * been added last (kf_result_cmp()). The bindings' check failures, held
 * as groups (kf_results_add_fail()), are merged in the same way. The
 * report also lists the bindings that render, which is the order of the
 * generated items.
 */
#ifndef KF_REPORT_H
#define KF_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kf_resolve.h"
#include "kf_results.h"
#include "kf_workloads.h"

typedef struct kf_report {
    const kf_results *rs;    /* sorted */
    const kf_plan *plan;
    const kf_workloads *w;   /* who receives each identity */
    uint32_t *rendered;      /* indexes of the bindings that render, in order */
    size_t nrendered;
    uint32_t *order;         /* per slot: below rs->n, a stored result (a
                              * run: its members); then the info result of
                              * rendered[order - rs->n]; then group
                              * order - rs->n - nrendered of rs->groups
                              * (its members); then a piece */
    size_t nslots;
    struct kf_report_piece {  /* some members of a group: when a stored
                              * result comes between its members */
        uint32_t group;
        uint16_t first, count;
    } *pieces;
    size_t npieces, pieces_cap;
    size_t n;                /* the results: the runs' members counted */
    size_t at, at_slot;      /* where kf_report_get() was last: result at
                              * is member at_member of slot at_slot */
    uint32_t at_member;
    kf_buf msg;              /* the message made last (an info result's,
                              * or a stored one's made when written) */
    kf_ref ref;              /* the ref of the run's member made last */
} kf_report;

/* Build the report of rs (already sorted) and plan. 0, or -1: out of
 * memory. kf_report_free() must be called in both cases. */
int kf_report_build(kf_report *rep, const kf_results *rs, const kf_plan *plan,
                    const kf_workloads *w);
/* Result i of the report, its message text (quickest for i in turn). An info result, or a stored
 * one whose message is made when written, is made in *tmp, its message in
 * the report's buffer: valid until the next call. NULL: out of memory. */
const kf_result *kf_report_get(kf_report *rep, size_t i, kf_result *tmp);
/* The stderr lines: errors only, or every result when all is true. -1: out
 * of memory (lines written so far stay written). */
int kf_report_print(kf_report *rep, bool all, FILE *err);
void kf_report_free(kf_report *rep);

#endif
