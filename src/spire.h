/* spire.h - the parts of the SPIRE check (kf_spire.h), for each
 * other: what SPIRE's side of the package says, as read. Not an interface
 * for the rest of the program.
 */
#ifndef KF_SRC_SPIRE_H
#define KF_SRC_SPIRE_H

#include "kf_spire.h"
#include "kf_view.h"
#include "workload.h"

/* ---- spire_regex.c ------------------------------------------------------ */

typedef struct kf_regex kf_regex;

/* Compile pattern as Go's regexp.Compile would accept it (RE2 syntax).
 * NULL with why set (a static text, or written into buf) when Go would
 * refuse it, or when memory runs out (*oom). */
kf_regex *kf_regex_compile(const char *pattern, char *buf, size_t cap,
                           const char **why, bool *oom);
/* Whether the pattern matches anywhere in s (unanchored). -1: the match
 * could not be decided (out of memory or a resource limit). */
int kf_regex_search(const kf_regex *re, const char *s);
void kf_regex_free(kf_regex *re);

/* ---- spire_read.c -------------------------------------------------------- */

/* SPIRE Controller Manager's configuration, as read. */
typedef struct kf_scm {
    kf_ref ref;                 /* the item that holds it */
    const char *key;            /* a ConfigMap's data key, or NULL */
    const char *trust_domain, *class_name, *cluster_name;
    bool watch_classless;
    bool ignore_given;          /* ignoreNamespaces present (else SCM's
                                 * defaults apply) */
    const char **ignore;        /* its patterns (owned array) */
    size_t nignore;
    kf_regex **re;              /* compiled, one per pattern (owned) */
} kf_scm;

/* One requirement of a label selector: matchLabels k: v reads as In [v]. */
enum kf_op { KF_OP_IN, KF_OP_NOT_IN, KF_OP_EXISTS, KF_OP_NOT_EXISTS };
typedef struct kf_req {
    const char *key;
    uint32_t first_value, nvalues; /* into kf_spire_state.values */
    uint8_t op;                    /* enum kf_op */
} kf_req;

/* Whether SCM issues a rendered binding's identity. */
typedef struct kf_verdict {
    int32_t ignored_by;         /* the ignoreNamespaces entry its namespace
                                 * matches, or -1 */
    uint8_t refusal;            /* enum kf_reason: the first finding that
                                 * stops it, or KF_R_COUNT: issued */
} kf_verdict;

/* A Namespace of the input and its labels (sorted by key). */
typedef struct kf_ns {
    const char *name;
    uint32_t first_label, nlabels;
} kf_ns;

typedef struct kf_spire_state {
    kf_scm *configs;            /* every SCM configuration read */
    size_t nconfigs, configs_cap;
    const kf_scm *scm;          /* the one in force, or NULL */
    bool config_unreadable;     /* one could not be read: none is in force */
    kf_input *embedded;         /* the ConfigMap texts, read (owned) */
    size_t nembedded, embedded_cap;
    kf_req *reqs;               /* every foreign selector's requirements */
    size_t nreqs, reqs_cap;
    const char **values;
    size_t nvalues, values_cap;
    kf_ns *nss;                 /* sorted by name */
    size_t nnss, nss_cap;
    kf_label *ns_labels;
    size_t nns_labels, ns_labels_cap;
    /* With a configuration in force: what SCM decides, once (spire_check.c) */
    bool class_refused;         /* it does not reconcile the rendered className */
    bool td_differs;            /* its trust domain is not the configured one */
    kf_verdict *verdicts;       /* per binding of the plan (rendered ones) */
} kf_spire_state;

/* The label Kubernetes sets on every Namespace: its name. */
#define NS_NAME_LABEL "kubernetes.io/metadata.name"

/* What reading SPIRE's side carries along. */
typedef struct kf_spire_reader {
    kf_spire *sp;
    kf_spire_state *st;
    kf_results *rs;
    bool oom;
} kf_spire_reader;

/* UnreadableSpireConfig on ref. */
#define UNREADABLE(r, ref, field, ...)                                              \
    kf_results_add((r)->rs, (ref), KF_SEV_WARNING, KF_R_UNREADABLE_SPIRE_CONFIG,     \
                   (field), __VA_ARGS__)

/* Where an SCM configuration is, for messages: "ConfigMap
 * spire-server/spire-controller-manager key controller-manager-config.yaml
 * (file:index)", or "ControllerManagerConfig ns/name (file:index)" (key
 * NULL). Appended to out; -1 when memory runs out. */
int kf_scm_where(const kf_ref *ref, const char *key, kf_buf *out);

/* Why field id of v is not a usable string (NULL: it is; absent and
 * !required: it is, as ""). */
const char *kf_spire_string_problem(const kf_view *v, enum kf_fid id, bool required,
                                    char *buf, size_t cap);
/* Why a boolean field is not true or false (NULL: it is, or absent). */
const char *kf_spire_bool_problem(const kf_view *v, enum kf_fid id, bool *value);

/* spire_selectors.c: a foreign ClusterSPIFFEID (item view v) into sp. 0, or
 * -1: out of memory. */
int kf_spire_read_foreign(kf_spire_reader *r, const kf_view *v, const kf_ref *ref);

/* Read SPIRE's side of in into sp (configs, foreign ClusterSPIFFEIDs,
 * Namespaces); unreadable items get the warning UnreadableSpireConfig.
 * 0, or -1: out of memory. */
int kf_spire_read(kf_spire *sp, const kf_input *in, kf_results *rs);
void kf_spire_state_free(kf_spire_state *st);
/* The Namespace named name, or NULL. */
const kf_ns *kf_spire_ns(const kf_spire_state *st, const char *name);

/* ---- spire_check.c ------------------------------------------------------- */

/* The ignoreNamespaces entry of the configuration in force (st->scm) that
 * matches namespace ns, or -1 (none, or no configuration). */
int kf_spire_ignoring(const kf_spire_state *st, const char *ns);

/* ---- spire_match.c ------------------------------------------------------- */

/* Which templates of w each reconciled, readable foreign ClusterSPIFFEID
 * selects: sp->grants, by SCM's order (non-fallback first; a fallback one
 * only where no non-fallback one, and no binding of kleym_tpl, reaches).
 * kleym_tpl[t]: 1 + the first binding whose issued identity template t
 * receives, or 0. The namespaces SCM ignores receive none. Also each
 * foreign one's unseen templates (kf_foreign.unseen_tpl). 0, or -1: out of
 * memory. */
int kf_spire_match(kf_spire *sp, const kf_workloads *w, const uint32_t *kleym_tpl);
/* Whether a selector's requirements match the labels (sorted by key). */
bool kf_selector_matches(const kf_spire_state *st, const kf_req *reqs, size_t n,
                         const kf_label *labels, size_t nlabels);

#endif
