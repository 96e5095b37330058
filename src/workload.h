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
    uint32_t *nsless;           /* the workloads (input items) without
                                 * metadata.namespace, none configured: in
                                 * input order; their templates are in ns "" */
    size_t nnsless, nsless_cap;
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
    const uint32_t *by_ns;      /* the readable templates sorted by namespace
                                 * (then input order): NoMatchingWorkload
                                 * names those of the binding's namespace */
    size_t nby_ns;
} kf_finding_ctx;

/* The templates without a namespace that carry the pool's labels: the
 * first n of total, for NoMatchingWorkload. */
typedef struct kf_nsless_carriers {
    const uint32_t *tpls;
    size_t n, total;
} kf_nsless_carriers;

/* The miss of a binding (SPEC section 11): its reason, the first n of the
 * `total` templates it names (none for NoMatchingWorkload), and for a
 * ServiceAccountMismatch whether they are the intended templates (they
 * carry the binding's variant or container) or only candidates. */
typedef struct kf_miss {
    enum kf_reason reason;
    bool intended;
    const uint32_t *tpls;
    size_t n, total;
    const kf_nsless_carriers *nsless;
} kf_miss;
int kf_finding_miss(const kf_finding_ctx *fc, const kf_binding *b, const kf_miss *m);
/* WorkloadNamespaceUnset, once: the namespace-less workloads nss->nsless
 * are not matched (no namespace is configured). */
int kf_finding_namespace_unset(const kf_finding_ctx *fc);
/* workload_multiple.c: MultipleIdentities on every binding whose receivers
 * share a container with another's. 0, or -1: out of memory. */
int kf_multiple_identities(const kf_workloads *w, const kf_plan *plan,
                           const kf_finding_ctx *fc);
/* A MultipleIdentities finding on binding `binding`: container of
 * template tpl also receives the identities of `others` (the first
 * nothers of `total`); `more` other containers (of this or other
 * templates) receive more than one identity with it too. Its message is
 * made from this when written: 56 bytes, not 700 of text. */
typedef struct kf_multiple {
    const kf_workloads *w;
    const kf_plan *plan;
    uint32_t binding, tpl, total, more;
    uint16_t container;
    uint8_t nothers;
    uint32_t others[KF_WORKLOADS_NAMED];
} kf_multiple;

/* The finding m on its binding; m must outlive the results (kept by
 * them). */
int kf_finding_multiple(const kf_finding_ctx *fc, const kf_multiple *m);

#endif
