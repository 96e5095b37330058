/* workload.h - the parts of the workload check.
 *
 * workload_templates.c reads the pod templates; workloads.c decides who
 * receives an identity and what is missing; workload_findings.c says it
 * to people: which workloads (kind namespace/name and file:index), which
 * field to change, and how. Not an interface for the rest of the program:
 * that is kf_workloads.h.
 */
#ifndef KF_SRC_WORKLOAD_H
#define KF_SRC_WORKLOAD_H

#include "kf_workloads.h"

/* The namespaces that have workloads, and those with a template left out
 * as unreadable: sorted, for binary search. */
typedef struct kf_namespaces {
    const char **all, **unreadable;
    size_t nall, nunreadable, all_cap, unreadable_cap;
} kf_namespaces;

/* workload_templates.c: every workload's templates into w (reporting the
 * unreadable ones unless the check is off). 0, or -1: out of memory. */
int kf_read_templates(kf_workloads *w, const kf_input *in, kf_results *rs,
                      kf_namespaces *nss);
bool kf_namespaces_has(const char *const *v, size_t n, const char *ns);
void kf_namespaces_free(kf_namespaces *nss);

/* What every finding of one check needs. */
typedef struct kf_finding_ctx {
    const kf_input *in;
    const kf_workloads *w;
    const kf_plan *plan;
    kf_results *rs;
    enum kf_severity sev;       /* of binding findings, per workloadCheck */
    const kf_namespaces *nss;
} kf_finding_ctx;

/* UnreadableTemplate (a warning) on the workload ref: the template at
 * path, and why it cannot be read. */
int kf_finding_unreadable(kf_results *rs, const kf_ref *ref, const kf_template *t,
                          const char *path, const char *why);
/* "Deployment llm-d/qwen3 (deploy.yaml:0)" */
int kf_template_where(const kf_template *t, kf_buf *out);
/* The miss of binding b: reason, and the first n of `total` templates
 * that came closest (none for NoMatchingWorkload). */
int kf_finding_miss(const kf_finding_ctx *fc, const kf_binding *b,
                    enum kf_reason reason, const uint32_t *tpls, size_t n,
                    size_t total);
/* MultipleIdentities on binding b: container of template tpl also
 * receives the identities of `others` (the first of `total`); `more`
 * other containers (of this or other templates) receive more than one
 * identity with b too. */
int kf_finding_multiple(const kf_finding_ctx *fc, const kf_binding *b, uint32_t tpl,
                        uint16_t container, const uint32_t *others, size_t nothers,
                        size_t total, size_t more);

#endif
