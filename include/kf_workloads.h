/* kf_workloads.h - does each identity land where it should? (SPEC 11)
 *
 * The pod templates of the package's workloads (Pod, PodTemplate,
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * LeaderWorkerSet leader and workers, Argo Rollout) are what the pods will
 * be. kf_check_workloads() finds, for every binding that renders, the
 * templates and containers that receive its identity: the template's
 * namespace is the binding's, its labels include the pod selector (and the
 * variant label for Kleym 0.12), it runs as the binding's service account,
 * and (PerObjective) the container has the binding's name. Matching goes
 * through a sorted (namespace, label) index and one candidate list per
 * pool, never bindings x templates.
 *
 * Findings (WorkloadCheck condition), severity per workloadCheck:
 * one miss per binding that no template receives (the closest near miss),
 * MultipleIdentities when a container receives two identities, and
 * UnreadableTemplate (always a warning) for a template whose labels,
 * service account or container names are not plain strings.
 *
 *   workload_templates.c  the pod templates of the input
 *   workloads.c           the index, matching, MultipleIdentities
 *   workload_findings.c   the findings and the receivers' text
 */
#ifndef KF_WORKLOADS_H
#define KF_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_ctrl_labels.h"
#include "kf_input.h"
#include "kf_resolve.h"
#include "kf_results.h"

/* How many workloads a message names before it says "and N more". */
#define KF_WORKLOADS_NAMED 5

/* One pod template. Strings are borrowed from the input's string pool. */
typedef struct kf_template {
    kf_ref ref;                     /* its workload's: apiVersion, kind,
                                     * namespace, name, file and index (""
                                     * when none: then shown, its place in
                                     * the output, says where), List place,
                                     * position (its input item); an
                                     * UnreadableTemplate finding borrows it */
    const char *sa;                 /* "default" when none is set */
    union {
        const char *variant;        /* readable: its identity.kleym.sonda.red/
                                     * variant label, or NULL */
        const char *why;            /* unreadable: what is not a plain string
                                     * (its labels are not kept) */
    };
    uint32_t first_label;           /* into kf_workloads.labels, sorted by key */
    uint32_t first_name;            /* into kf_workloads.names: containers,
                                     * then init containers */
    uint16_t nlabels, ncontainers, ninit;
    uint8_t slot;                   /* 1: a LeaderWorkerSet's leader */
    bool two_templates;             /* its workload has two (LeaderWorkerSet) */
    bool has_leader;                /* a LeaderWorkerSet with a leaderTemplate
                                     * (else the leader pod runs the worker
                                     * template: "leader and workers") */
    int32_t replicas, size;         /* spec.replicas, leaderWorkerTemplate.size:
                                     * 0 absent, -1 not a plain integer */
    bool readable;                  /* else left out of matching */
} kf_template;

/* A template that receives a binding's identity: all its containers, or
 * one (PerObjective). */
#define KF_ALL_CONTAINERS UINT16_MAX
typedef struct kf_receiver {
    uint32_t tpl;
    uint16_t container;             /* index, or KF_ALL_CONTAINERS */
    kf_ctrl_pods pods;              /* which of its pods (a controller-set
                                     * label may narrow them) */
} kf_receiver;

typedef struct kf_workloads {
    kf_template *tpls;
    size_t ntpls, tpls_cap;
    kf_label *labels;               /* every template's labels */
    size_t nlabels, labels_cap;
    const char **names;             /* every template's container names */
    size_t nnames, names_cap;
    kf_receiver *recv;              /* per binding, in binding order */
    size_t nrecv, recv_cap;
    uint32_t *recv_first;           /* per binding: its first receiver */
    uint32_t *recv_count;           /* per binding: how many */
    bool off;                       /* workloadCheck: off */
} kf_workloads;

/* Build the templates, match every rendered binding of plan, and add the
 * findings to rs. 0, or -1 when memory runs out. kf_workloads_free() in
 * both cases. Call before the input's fields are given back. */
int kf_check_workloads(const kf_input *in, const kf_config *cfg,
                       const kf_plan *plan, kf_workloads *w, kf_results *rs);
/* Then UnreadableTemplate (a warning) on the workload of each template
 * whose labels, service account or container names are not plain
 * strings (none under workloadCheck: off). Needs none of the input's
 * fields: called after they are given back, so that these findings of a
 * large input never coexist with them. Each result borrows its template:
 * w must outlive rs's use. 0, or -1: out of memory. */
int kf_workloads_unreadable(const kf_workloads *w, kf_results *rs);
void kf_workloads_free(kf_workloads *w);

/* Which template, for people: "Deployment llm-d/qwen3", or
 * "LeaderWorkerSet llm-d/ds leader" / "... workers" / "... leader and
 * workers" (no leaderTemplate); without a namespace "Deployment qwen3". */
int kf_template_text(const kf_template *t, kf_buf *out);
/* The same and its file: "Deployment llm-d/qwen3 (deploy.yaml:0)". */
int kf_template_where(const kf_template *t, kf_buf *out);
/* The receivers of binding i (index into plan->bindings) as
 * "Deployment llm-d/a (containers vllm, proxy), Pod llm-d/b (container c)",
 * at most max workloads then "and N more" (max 0: all); "" when none. */
int kf_receivers_text(const kf_workloads *w, size_t i, size_t max, kf_buf *out);

#endif
