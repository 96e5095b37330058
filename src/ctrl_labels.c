/* ctrl_labels.c - the labels controllers put on the pods they make
 * (kf_ctrl_labels.h): one table, each row with the source it was read from.
 *
 * Read from (facts only):
 *   K8S_API   kubernetes/api@10b39a39bcee995dfe7cd5e8e7b922be5e46f1e2
 *             apps/v1/types.go (ControllerRevisionHashLabelKey,
 *             StatefulSetPodNameLabel, PodIndexLabel,
 *             DefaultDeploymentUniqueLabelKey, DefaultDaemonSetUniqueLabelKey),
 *             batch/v1/types.go (JobNameLabel, ControllerUidLabel,
 *             JobCompletionIndexAnnotation), extensions/v1beta1/types.go
 *             (DaemonSetTemplateGenerationKey)
 *   K8S       kubernetes/kubernetes@b547a95d14430b903f638946ca291778632f8726
 *             pkg/apis/batch/types.go (LegacyJobNameLabel "job-name",
 *             LegacyControllerUidLabel "controller-uid");
 *             kubernetes/kubernetes@037091284e21741bb0427c489694e84774fff8cc
 *             pkg/controller/job/indexed_job_utils.go (addCompletionIndexLabel);
 *             pkg/controller/statefulset/stateful_set_utils.go updateIdentity
 *             (pod-name = <set>-<ordinal>, pod-index = ordinal)
 *   LWS       kubernetes-sigs/lws@060ab4da17eea1f0865fcbd3236bb1075e2cea32
 *             api/leaderworkerset/v1/leaderworkerset_types.go (keys),
 *             pkg/controllers/leaderworkerset_controller.go (leader template:
 *             name, worker-index "0", template-revision-hash),
 *             pkg/controllers/pod_controller.go (worker template: name,
 *             group-index, group-key, template-revision-hash),
 *             pkg/webhooks/pod_webhook.go (group-index = leader ordinal,
 *             group-key a hash, worker-index = worker ordinal 1..size-1);
 *             its pods are made by StatefulSets (controller-revision-hash,
 *             statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index)
 *   ARGO      argoproj/argo-rollouts@9f8d111d8f8e3e88b6d7f8bbdf62fd3cd863ef9d
 *             pkg/apis/rollouts/v1alpha1/types.go (DefaultRolloutUniqueLabelKey)
 */
#include "kf_ctrl_labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K8S_API "kubernetes/api@10b39a39 "
#define K8S "kubernetes/kubernetes@b547a95d "
#define K8S_JOB "kubernetes/kubernetes@03709128 pkg/controller/job/indexed_job_utils.go"
#define K8S_STS "kubernetes/kubernetes pkg/controller/statefulset/stateful_set_utils.go"
#define LWS "kubernetes-sigs/lws@060ab4da "
#define ARGO "argoproj/argo-rollouts@9f8d111d pkg/apis/rollouts/v1alpha1/types.go"

#define LWS_NAME "leaderworkerset.sigs.k8s.io/name"
#define LWS_WORKER "leaderworkerset.sigs.k8s.io/worker-index"

static const kf_ctrl_label rows[] = {
    {"Deployment", "pod-template-hash", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go DefaultDeploymentUniqueLabelKey"},
    {"StatefulSet", "controller-revision-hash", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go ControllerRevisionHashLabelKey"},
    /* <name>-<ordinal>: a generated name, any value */
    {"StatefulSet", "statefulset.kubernetes.io/pod-name", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go StatefulSetPodNameLabel; " K8S_STS},
    {"StatefulSet", "apps.kubernetes.io/pod-index", KF_CV_INDEX, KF_CR_REPLICAS,
     K8S_API "apps/v1/types.go PodIndexLabel; " K8S_STS},
    {"DaemonSet", "controller-revision-hash", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go DefaultDaemonSetUniqueLabelKey"},
    {"DaemonSet", "pod-template-generation", KF_CV_ANY, KF_CR_NONE,
     K8S_API "extensions/v1beta1/types.go DaemonSetTemplateGenerationKey"},
    {"Job", "batch.kubernetes.io/job-name", KF_CV_NAME, KF_CR_NONE,
     K8S_API "batch/v1/types.go JobNameLabel"},
    {"Job", "job-name", KF_CV_NAME, KF_CR_NONE,
     K8S "pkg/apis/batch/types.go LegacyJobNameLabel"},
    {"Job", "batch.kubernetes.io/controller-uid", KF_CV_ANY, KF_CR_NONE,
     K8S_API "batch/v1/types.go ControllerUidLabel"},
    {"Job", "controller-uid", KF_CV_ANY, KF_CR_NONE,
     K8S "pkg/apis/batch/types.go LegacyControllerUidLabel"},
    {"Job", "batch.kubernetes.io/job-completion-index", KF_CV_INDEX, KF_CR_UNBOUNDED,
     K8S_JOB " addCompletionIndexLabel"},
    /* a CronJob's Jobs have generated names */
    {"CronJob", "batch.kubernetes.io/job-name", KF_CV_ANY, KF_CR_NONE,
     K8S_API "batch/v1/types.go JobNameLabel"},
    {"CronJob", "job-name", KF_CV_ANY, KF_CR_NONE,
     K8S "pkg/apis/batch/types.go LegacyJobNameLabel"},
    {"CronJob", "batch.kubernetes.io/controller-uid", KF_CV_ANY, KF_CR_NONE,
     K8S_API "batch/v1/types.go ControllerUidLabel"},
    {"CronJob", "controller-uid", KF_CV_ANY, KF_CR_NONE,
     K8S "pkg/apis/batch/types.go LegacyControllerUidLabel"},
    {"CronJob", "batch.kubernetes.io/job-completion-index", KF_CV_INDEX, KF_CR_UNBOUNDED,
     K8S_JOB " addCompletionIndexLabel"},
    {"LeaderWorkerSet", LWS_NAME, KF_CV_NAME, KF_CR_NONE,
     LWS "api/leaderworkerset/v1/leaderworkerset_types.go SetNameLabelKey"},
    {"LeaderWorkerSet", LWS_WORKER, KF_CV_INDEX, KF_CR_LWS_WORKER,
     LWS "api/leaderworkerset/v1/leaderworkerset_types.go WorkerIndexLabelKey; "
         "pkg/webhooks/pod_webhook.go"},
    {"LeaderWorkerSet", "leaderworkerset.sigs.k8s.io/group-index", KF_CV_INDEX,
     KF_CR_LWS_GROUP,
     LWS "api/leaderworkerset/v1/leaderworkerset_types.go GroupIndexLabelKey; "
         "pkg/webhooks/pod_webhook.go"},
    {"LeaderWorkerSet", "leaderworkerset.sigs.k8s.io/group-key", KF_CV_ANY, KF_CR_NONE,
     LWS "api/leaderworkerset/v1/leaderworkerset_types.go GroupUniqueHashLabelKey"},
    {"LeaderWorkerSet", "leaderworkerset.sigs.k8s.io/template-revision-hash", KF_CV_ANY,
     KF_CR_NONE, LWS "api/leaderworkerset/v1/leaderworkerset_types.go RevisionKey"},
    {"LeaderWorkerSet", "controller-revision-hash", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go ControllerRevisionHashLabelKey (its StatefulSets)"},
    {"LeaderWorkerSet", "statefulset.kubernetes.io/pod-name", KF_CV_ANY, KF_CR_NONE,
     K8S_API "apps/v1/types.go StatefulSetPodNameLabel (its StatefulSets)"},
    {"LeaderWorkerSet", "apps.kubernetes.io/pod-index", KF_CV_INDEX, KF_CR_UNBOUNDED,
     K8S_API "apps/v1/types.go PodIndexLabel (its StatefulSets)"},
    {"Rollout", "rollouts-pod-template-hash", KF_CV_ANY, KF_CR_NONE,
     ARGO " DefaultRolloutUniqueLabelKey"},
};

const kf_ctrl_label *kf_ctrl_row(const char *kind, size_t *i)
{
    for (; *i < sizeof rows / sizeof rows[0]; (*i)++)
        if (strcmp(rows[*i].kind, kind) == 0)
            return &rows[(*i)++];
    return NULL;
}

bool kf_ctrl_is_key(const char *key)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) /* the first byte first */
        if (rows[i].key[0] == key[0] && strcmp(rows[i].key, key) == 0)
            return true;
    return false;
}

const kf_ctrl_label *kf_ctrl_find(const char *kind, const char *key)
{
    size_t i = 0;
    const kf_ctrl_label *r;
    while ((r = kf_ctrl_row(kind, &i)))
        if (strcmp(r->key, key) == 0)
            return r;
    return NULL;
}

const char *kf_ctrl_exact(const kf_ctrl_label *row, const kf_ctrl_workload *wl)
{
    if (row->value == KF_CV_NAME)
        return wl->name;
    if (row->range == KF_CR_LWS_WORKER && wl->slot == 1)
        return "0"; /* the leader template makes the leader pods only */
    return NULL;
}

/* A decimal index as the controllers write it (strconv.Itoa of n >= 0),
 * or -1. */
static long index_of(const char *s)
{
    if (!s[0] || (s[0] == '0' && s[1]) || strlen(s) > 9)
        return -1;
    long n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

/* An integer field: its value when set, def when absent, -1 (no bound)
 * when not a plain integer. */
static long bound(long v, long def)
{
    return v == 0 ? def : v;
}

bool kf_ctrl_matches(const kf_ctrl_label *row, const kf_ctrl_workload *wl,
                     const char *value, kf_ctrl_pods *pods)
{
    const char *exact = kf_ctrl_exact(row, wl);
    if (exact)
        return strcmp(exact, value) == 0;
    if (row->value == KF_CV_ANY)
        return true;
    long n = index_of(value);
    if (n < 0)
        return false;
    switch (row->range) {
    case KF_CR_REPLICAS:
    case KF_CR_LWS_GROUP: {
        long r = bound(wl->replicas, 1);
        if (r >= 0 && n >= r)
            return false;
        if (pods && pods->some != KF_PODS_LEADER && pods->some != KF_PODS_WORKERS)
            *pods = (kf_ctrl_pods){(int32_t)n, (int32_t)n,
                                   row->range == KF_CR_LWS_GROUP ? KF_PODS_GROUP
                                                                 : KF_PODS_INDEX};
        return true;
    }
    case KF_CR_LWS_WORKER: {
        long size = bound(wl->size, 1);
        if (n == 0) { /* the leader pod: made from the worker template only
                       * when there is no leaderTemplate */
            if (wl->has_leader)
                return false;
            if (pods)
                *pods = (kf_ctrl_pods){.some = KF_PODS_LEADER};
            return true;
        }
        if (size >= 0 && n >= size)
            return false;
        if (pods)
            *pods = (kf_ctrl_pods){(int32_t)n, (int32_t)n, KF_PODS_WORKERS};
        return true;
    }
    default:
        if (pods && pods->some == KF_PODS_ALL)
            *pods = (kf_ctrl_pods){(int32_t)n, (int32_t)n, KF_PODS_INDEX};
        return true;
    }
}

const char *kf_ctrl_pods_text(const kf_ctrl_pods *pods, char *buf, size_t cap)
{
    switch (pods->some) {
    case KF_PODS_LEADER:
        snprintf(buf, cap, "leader pod");
        break;
    case KF_PODS_GROUP:
        snprintf(buf, cap, "group %ld", (long)pods->lo);
        break;
    case KF_PODS_WORKERS:
    case KF_PODS_INDEX:
        if (pods->lo == pods->hi)
            snprintf(buf, cap, "%s %ld",
                     pods->some == KF_PODS_WORKERS ? "worker pod" : "pod", (long)pods->lo);
        else
            snprintf(buf, cap, "pods %ld-%ld", (long)pods->lo, (long)pods->hi);
        break;
    default:
        buf[0] = 0;
    }
    return buf;
}
