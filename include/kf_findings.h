/* kf_findings.h - the workload check's findings, as results.
 *
 * workloads.c decides who receives an identity and what is missing;
 * workload_findings.c says it to people: which workloads (kind
 * namespace/name and file:index), which field to change, and how. Not an
 * interface for the rest of the program: that is kf_workloads.h.
 */
#ifndef KF_FINDINGS_H
#define KF_FINDINGS_H

#include "kf_workloads.h"

/* What every finding of one check needs. */
typedef struct kf_finding_ctx {
    const kf_input *in;
    const kf_workloads *w;
    const kf_plan *plan;
    kf_results *rs;
    enum kf_severity sev;       /* of binding findings, per workloadCheck */
} kf_finding_ctx;

/* UnreadableTemplate (a warning) on the workload ref: the template at
 * path, and why it cannot be read. */
int kf_finding_unreadable(kf_results *rs, const kf_ref *ref, const kf_template *t,
                          const char *path, const char *why);
/* The miss of binding b: reason, and the first n of `total` templates
 * that came closest (none for NoMatchingWorkload). */
int kf_finding_miss(const kf_finding_ctx *fc, const kf_binding *b,
                    enum kf_reason reason, const uint32_t *tpls, size_t n,
                    size_t total);
/* MultipleIdentities on binding b: container of template tpl also
 * receives the identities of `others` (the first of `total`); `more`
 * other containers receive more than one identity of b too. */
int kf_finding_multiple(const kf_finding_ctx *fc, const kf_binding *b, uint32_t tpl,
                        uint16_t container, const uint32_t *others, size_t nothers,
                        size_t total, size_t more);

#endif
