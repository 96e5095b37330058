/* kf_ctrl_labels.h - labels a workload's controller puts on its pods.
 *
 * A pool may select pods by a label that no template carries because the
 * controller adds it when it makes the pods (pod-template-hash, a
 * LeaderWorkerSet's worker-index, a Job's job-name...). SPEC section 11
 * counts such a label as carried by the template, with the values the
 * controller can give it. The one table of them is src/ctrl_labels.c,
 * each row with the controller source it was read from.
 */
#ifndef KF_CTRL_LABELS_H
#define KF_CTRL_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a controller-set value can be. */
enum kf_ctrl_value {
    KF_CV_ANY,        /* computed at run time (a hash, a UID, a generated
                       * name): matches any selector value */
    KF_CV_NAME,       /* the workload's name */
    KF_CV_INDEX,      /* a decimal index, in the row's range */
};

/* The range of an index, from the workload's fields. */
enum kf_ctrl_range {
    KF_CR_NONE,       /* not an index */
    KF_CR_UNBOUNDED,  /* 0 and up */
    KF_CR_REPLICAS,   /* 0 .. spec.replicas - 1 (default 1): a pod's index */
    KF_CR_LWS_GROUP,  /* 0 .. spec.replicas - 1: a LeaderWorkerSet's
                       * group-index (its replicas are groups of pods) */
    KF_CR_LWS_WORKER, /* a LeaderWorkerSet's worker-index: "0" the leader
                       * pod, 1 .. size - 1 the workers */
};

typedef struct kf_ctrl_label {
    const char *kind;          /* the workload kind */
    const char *key;
    uint8_t value;             /* enum kf_ctrl_value */
    uint8_t range;             /* enum kf_ctrl_range */
    const char *source;        /* repository@commit path: where it was read */
} kf_ctrl_label;

/* What the rows need of a template's workload. */
typedef struct kf_ctrl_workload {
    const char *kind, *name;
    unsigned slot;             /* 1: a LeaderWorkerSet's leaderTemplate */
    bool has_leader;           /* the LeaderWorkerSet has a leaderTemplate */
    long replicas, size;       /* spec.replicas, leaderWorkerTemplate.size;
                                * -1 when not a plain integer, 0 absent */
} kf_ctrl_workload;

/* Which pods of a template carry a selector value: all of them, or some
 * (the first index and the last, of what). */
enum kf_ctrl_some { KF_PODS_ALL, KF_PODS_LEADER, KF_PODS_WORKERS, KF_PODS_INDEX,
                   KF_PODS_GROUP };
typedef struct kf_ctrl_pods {
    int32_t lo, hi;            /* KF_PODS_WORKERS / _INDEX / _GROUP */
    uint8_t some;              /* enum kf_ctrl_some */
} kf_ctrl_pods;

/* The i-th row of workload kind `kind` (i from 0), or NULL after the last. */
const kf_ctrl_label *kf_ctrl_row(const char *kind, size_t *i);
/* Whether some controller sets this key (no finding advises adding it). */
bool kf_ctrl_is_key(const char *key);
/* The row of kind for key, or NULL: the key is not controller-set there. */
const kf_ctrl_label *kf_ctrl_find(const char *kind, const char *key);
/* The one value the row gives every pod of the template, or NULL when it
 * may give several (then kf_ctrl_matches() decides). */
const char *kf_ctrl_exact(const kf_ctrl_label *row, const kf_ctrl_workload *wl);
/* Whether some pod of the template can carry `value` under this row; pods
 * (may be NULL) narrowed to which. */
bool kf_ctrl_matches(const kf_ctrl_label *row, const kf_ctrl_workload *wl,
                     const char *value, kf_ctrl_pods *pods);
/* "leader pod", "worker pod 3", "pod 2", "group 1", "" for all: into buf. */
const char *kf_ctrl_pods_text(const kf_ctrl_pods *pods, char *buf, size_t cap);

#endif
