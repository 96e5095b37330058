/* results.h - what results.c and results_fails.c share: not an interface
 * for the rest of the program (that is kf_results.h). */
#ifndef KF_SRC_RESULTS_H
#define KF_SRC_RESULTS_H

#include "kf_results.h"

/* A new result at the end of rs->v with the fields every result has and
 * the next order, not yet counted (the caller sets its message and
 * counts it in n and norder); the failures added last are ended first.
 * NULL: out of memory. */
kf_result *kf_results_new(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                          enum kf_reason reason, const char *field);
/* The groups of failures replaced by their members' results, appended to
 * rs->v and sorted with them. 0, or -1: out of memory. */
int kf_results_ungroup(kf_results *rs);
/* What the groups of failures own. */
void kf_results_free_fails(kf_results *rs);

#endif
