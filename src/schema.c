/* schema.c - what kleym-fn reads: kinds, apiVersions and captured paths.
 *
 * This file is the one place that says which fields of which kinds the
 * function looks at. To read a new field: add its id to enum kf_fid
 * (kf_schema.h), add a row here, and read it by id where it is used
 * (kf_view_str(), kf_view_problem()). The reader needs no change.
 *
 * Rows are additive: several rows may name one path (with other classes,
 * another id, an act or a layout). The table is compiled, once per run,
 * into a tree of path nodes (kf_schema_compile()).
 */
#include "kf_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_buf.h"

/* ---- kinds ---------------------------------------------------------------- */

static const kf_kind kinds[] = {
    {"ResourceList", KF_KC_RLIST,
     {"config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"}},
    {"InferenceIdentityBinding", KF_KC_BINDING, {"kleym.sonda.red/v1alpha1"}},
    {"InferencePool", KF_KC_POOL,
     {"inference.networking.k8s.io/v1", "inference.networking.x-k8s.io/v1alpha2"}},
    /* GAIE v1.6 removed InferenceObjective; llm-d serves it (same spec). */
    {"InferenceObjective", KF_KC_OBJECTIVE,
     {"inference.networking.x-k8s.io/v1alpha2", "llm-d.ai/v1alpha2",
      "inference.networking.k8s.io/v1"}},
    {"ClusterSPIFFEID", KF_KC_CSID, {"spire.spiffe.io/v1alpha1"}},
    /* GAIE <= 0.5: what InferenceObjective replaced; only named in messages */
    {"InferenceModel", KF_KC_MODEL,
     {"inference.networking.x-k8s.io/v1alpha2", "inference.networking.x-k8s.io/v1alpha1"}},
    /* Workloads: their pod templates say who receives an identity. */
    {"Pod", KF_KC_POD, {"v1"}},
    {"PodTemplate", KF_KC_PODTEMPLATE, {"v1"}},
    {"Deployment", KF_KC_TEMPLATED, {"apps/v1"}},
    {"StatefulSet", KF_KC_TEMPLATED, {"apps/v1"}},
    {"DaemonSet", KF_KC_TEMPLATED, {"apps/v1"}},
    {"ReplicaSet", KF_KC_TEMPLATED, {"apps/v1"}},
    {"Job", KF_KC_TEMPLATED, {"batch/v1"}},
    {"Rollout", KF_KC_TEMPLATED, {"argoproj.io/v1alpha1"}},
    {"CronJob", KF_KC_CRONJOB, {"batch/v1"}},
    {"LeaderWorkerSet", KF_KC_LWS, {"leaderworkerset.x-k8s.io/v1"}},
    /* Configuration that inspect finds beside the resources. */
    {"ClusterSPIFFEIDGenerator", KF_KC_GENERATOR, {"fn.kleym.sonda.red/v1alpha1"}},
    {"Kptfile", KF_KC_KPTFILE, {"kpt.dev/v1"}},
    /* kubectl get -o yaml|json: a v1 List, or a <Kind>List at the kind's
     * apiVersion; matched by kf_kind_named(), at any apiVersion. */
    {"List", KF_KC_LIST, {NULL}},
    /* SPIRE's side: what SPIRE Controller Manager will do with them. */
    {"ControllerManagerConfig", KF_KC_SCMCONFIG, {"spire.spiffe.io/v1alpha1"}},
    {"ConfigMap", KF_KC_CONFIGMAP, {"v1"}},
    {"Namespace", KF_KC_NAMESPACE, {"v1"}},
};

/* Kinds read only when a captured entry's value holds a text. */
static const struct {
    kf_kmask cls;
    const char *text;
} keep_if[] = {
    {KF_KC_CONFIGMAP, "ControllerManagerConfig"},
};

/* ---- captured paths --------------------------------------------------------- */

typedef struct row {
    kf_kmask kinds;          /* 0 in a mounted table: the mount's kinds */
    const char *path;
    uint8_t id;              /* enum kf_fid, KF_F_NONE */
    uint8_t act;             /* enum kf_act */
    uint8_t layout;          /* enum kf_layout_kind */
    uint8_t once;            /* a ResourceList key that must be unique */
    const struct row *mount; /* rows read below path (ends at path NULL) */
    uint8_t slot;            /* the mounted rows' template slot */
} row;

/* How a row reads: CAP captures the value as a field; ONCE too, and the
 * key must be unique in a ResourceList; ACT hands the value to the walk
 * (the item list, the functionConfig, the results); LAYOUT records where a
 * mapping is for the writer; MOUNT captures the path itself as f and reads
 * a sub-table below it, the fields of both in slot s. */
#define CAP(k, p, f) {.kinds = (k), .path = (p), .id = (f)}
#define ONCE(k, p, f, a) {.kinds = (k), .path = (p), .id = (f), .act = (a), .once = 1}
#define ACT(k, p, a) {.kinds = (k), .path = (p), .id = KF_F_NONE, .act = (a)}
#define LAYOUT(k, p, l) {.kinds = (k), .path = (p), .id = KF_F_NONE, .layout = (l)}
#define MOUNT(k, p, f, t, s) {.kinds = (k), .path = (p), .id = (f), .mount = (t), .slot = (s)}
#define END {.path = NULL}

/* Kinds whose results name them: their name, namespace and file. */
#define NAMED (KF_KC_ITEMS | KF_KC_CONFIG)
/* Kinds with a spec the function reads. */
#define SPEC_READ (KF_KC_BINDING | KF_KC_POOL | KF_KC_OBJECTIVE)
/* The functionConfig, and a ClusterSPIFFEIDGenerator among the items. */
#define CONFIGS (KF_KC_CONFIG | KF_KC_GENERATOR)

/* A pod template (SPEC section 11): which pods it makes, as whom, and the
 * names of their containers. Mounted below each workload's template path;
 * the labels and names must be plain strings to be matched. */
static const row pod_template[] = {
    CAP(0, "metadata", KF_F_TPL_METADATA),
    CAP(0, "metadata.labels", KF_F_TPL_LABELS),
    CAP(0, "metadata.labels.*", KF_F_TPL_LABEL),
    CAP(0, "spec", KF_F_TPL_SPEC),
    CAP(0, "spec.serviceAccountName", KF_F_TPL_SA),
    CAP(0, "spec.serviceAccount", KF_F_TPL_SA_OLD),
    CAP(0, "spec.containers", KF_F_TPL_CONTAINERS),
    CAP(0, "spec.containers[]", KF_F_TPL_CONTAINER),
    CAP(0, "spec.containers[].name", KF_F_TPL_CONTAINER_NAME),
    CAP(0, "spec.initContainers", KF_F_TPL_INITS),
    CAP(0, "spec.initContainers[]", KF_F_TPL_INIT),
    CAP(0, "spec.initContainers[].name", KF_F_TPL_INIT_NAME),
    END,
};

/* A Kubernetes label selector (a foreign ClusterSPIFFEID's podSelector
 * and namespaceSelector), mounted in the slot that says which. */
static const row label_selector[] = {
    CAP(0, "matchLabels", KF_F_LS_MATCHLABELS),
    CAP(0, "matchLabels.*", KF_F_LS_LABEL),
    CAP(0, "matchExpressions", KF_F_LS_MATCHEXPR),
    CAP(0, "matchExpressions[]", KF_F_LS_EXPR),
    CAP(0, "matchExpressions[].key", KF_F_LS_EXPR_KEY),
    CAP(0, "matchExpressions[].operator", KF_F_LS_EXPR_OP),
    CAP(0, "matchExpressions[].values", KF_F_LS_EXPR_VALUES),
    CAP(0, "matchExpressions[].values[]", KF_F_LS_EXPR_VALUE),
    END,
};

/* A Kptfile's pipeline functions, in order: which one runs kleym-fn, and
 * its configuration. */
static const row kpt_function[] = {
    CAP(0, "image", KF_F_KPT_FN_IMAGE),
    CAP(0, "exec", KF_F_KPT_FN_EXEC),
    CAP(0, "configPath", KF_F_KPT_FN_CONFIGPATH),
    CAP(0, "configMap", KF_F_KPT_FN_CONFIGMAP),
    CAP(0, "configMap.*", KF_F_KPT_FN_CONFIG),
    END,
};

static const row rows[] = {
    /* The ResourceList: what decides what the input is, and what the
     * writer edits. Each of these keys may appear once. */
    ONCE(KF_KC_RLIST | NAMED, "apiVersion", KF_F_APIVERSION, KF_ACT_NONE),
    ONCE(KF_KC_RLIST | NAMED, "kind", KF_F_KIND, KF_ACT_NONE),
    ONCE(KF_KC_RLIST, "items", KF_F_NONE, KF_ACT_ITEMS),
    ONCE(KF_KC_RLIST, "functionConfig", KF_F_NONE, KF_ACT_CONFIG),
    ONCE(KF_KC_RLIST, "results", KF_F_NONE, KF_ACT_RESULTS),

    /* Every item read, and the functionConfig: what names it in results.
     * The local-config edit needs the layout of a binding's metadata. */
    CAP(NAMED, "metadata", KF_F_METADATA),
    CAP(NAMED, "metadata.name", KF_F_NAME),
    CAP(NAMED, "metadata.namespace", KF_F_NAMESPACE),
    CAP(NAMED, "metadata.annotations", KF_F_ANNOTATIONS),
    CAP(NAMED, "metadata.annotations[config.kubernetes.io/path]", KF_F_ANN_PATH),
    CAP(NAMED, "metadata.annotations[config.kubernetes.io/index]", KF_F_ANN_INDEX),
    CAP(NAMED, "metadata.annotations[internal.config.kubernetes.io/path]", KF_F_ANN_IPATH),
    CAP(NAMED, "metadata.annotations[internal.config.kubernetes.io/index]", KF_F_ANN_IINDEX),
    CAP(KF_KC_BINDING, "metadata.annotations[config.kubernetes.io/local-config]",
        KF_F_ANN_LOCAL),
    LAYOUT(KF_KC_BINDING, "metadata", KF_LAYOUT_META),
    LAYOUT(KF_KC_BINDING, "metadata.annotations", KF_LAYOUT_ANN),

    /* A List: its items sequence is read again, entry by entry, as items
     * (read_list.c). */
    CAP(KF_KC_LIST, "items", KF_F_LIST_ITEMS),

    /* ClusterSPIFFEID: owned (this label) or foreign. */
    CAP(KF_KC_CSID, "metadata.labels", KF_F_LABELS),
    CAP(KF_KC_CSID, "metadata.labels[kleym.sonda.red/managed-by]", KF_F_LBL_MANAGED),
    /* An owned one removed for good is reported with its binding. */
    CAP(KF_KC_CSID, "metadata.labels[kleym.sonda.red/binding-name]", KF_F_LBL_BINDING_NAME),
    CAP(KF_KC_CSID, "metadata.labels[kleym.sonda.red/binding-namespace]", KF_F_LBL_BINDING_NS),

    /* A foreign ClusterSPIFFEID (SPEC section 15): will SPIRE Controller
     * Manager reconcile it, and which pods does it select? */
    CAP(KF_KC_CSID, "spec", KF_F_SPEC),
    CAP(KF_KC_CSID, "spec.className", KF_F_CSID_CLASS),
    CAP(KF_KC_CSID, "spec.fallback", KF_F_CSID_FALLBACK),
    CAP(KF_KC_CSID, "spec.spiffeIDTemplate", KF_F_CSID_TEMPLATE),
    MOUNT(KF_KC_CSID, "spec.podSelector", KF_F_LS, label_selector, KF_SLOT_PODSEL),
    MOUNT(KF_KC_CSID, "spec.namespaceSelector", KF_F_LS, label_selector, KF_SLOT_NSSEL),

    /* SPIRE Controller Manager's configuration: an item, or the same text
     * in a ConfigMap's data value (the Helm chart's shape). */
    CAP(KF_KC_SCMCONFIG, "trustDomain", KF_F_SCM_TRUST_DOMAIN),
    CAP(KF_KC_SCMCONFIG, "className", KF_F_SCM_CLASS),
    CAP(KF_KC_SCMCONFIG, "watchClassless", KF_F_SCM_WATCH_CLASSLESS),
    CAP(KF_KC_SCMCONFIG, "ignoreNamespaces", KF_F_SCM_IGNORE),
    CAP(KF_KC_SCMCONFIG, "ignoreNamespaces[]", KF_F_SCM_IGNORE_ITEM),
    CAP(KF_KC_SCMCONFIG, "clusterName", KF_F_SCM_CLUSTER),
    CAP(KF_KC_CONFIGMAP, "data.*", KF_F_DATA_ENTRY),

    /* A Namespace: the labels a namespaceSelector is evaluated on. */
    CAP(KF_KC_NAMESPACE, "metadata.labels", KF_F_NS_LABELS),
    CAP(KF_KC_NAMESPACE, "metadata.labels.*", KF_F_NS_LABEL),

    /* InferenceIdentityBinding, both dialects: Kleym 0.7 (mode,
     * objectiveRef, containerName) and Kleym 0.12 (identityBoundary). */
    CAP(SPEC_READ, "spec", KF_F_SPEC),
    CAP(KF_KC_BINDING, "spec.poolRef", KF_F_POOLREF),
    CAP(KF_KC_BINDING, "spec.poolRef.name", KF_F_POOLREF_NAME),
    CAP(KF_KC_BINDING, "spec.poolRef.group", KF_F_POOLREF_GROUP),
    CAP(KF_KC_BINDING, "spec.objectiveRef", KF_F_OBJREF),
    CAP(KF_KC_BINDING, "spec.objectiveRef.name", KF_F_OBJREF_NAME),
    CAP(KF_KC_BINDING, "spec.objectiveRef.group", KF_F_OBJREF_GROUP),
    CAP(KF_KC_BINDING, "spec.serviceAccountName", KF_F_SA),
    CAP(KF_KC_BINDING, "spec.mode", KF_F_MODE),
    CAP(KF_KC_BINDING, "spec.containerName", KF_F_CONTAINER),
    CAP(KF_KC_BINDING, "spec.identityBoundary", KF_F_BOUNDARY),
    CAP(KF_KC_BINDING, "spec.identityBoundary.variant", KF_F_VARIANT),

    /* InferencePool: its selector, matchLabels (v1) or a flat map
     * (v1alpha2); matchExpressions is refused. */
    CAP(KF_KC_POOL, "spec.selector", KF_F_SELECTOR),
    CAP(KF_KC_POOL, "spec.selector.matchLabels", KF_F_MATCHLABELS),
    CAP(KF_KC_POOL, "spec.selector.matchLabels.*", KF_F_ML_ENTRY),
    CAP(KF_KC_POOL, "spec.selector.matchExpressions", KF_F_MATCHEXPR),
    CAP(KF_KC_POOL, "spec.selector.*", KF_F_SEL_ENTRY),

    /* InferenceObjective: the pool it belongs to. */
    CAP(KF_KC_OBJECTIVE, "spec.poolRef", KF_F_POOLREF),
    CAP(KF_KC_OBJECTIVE, "spec.poolRef.name", KF_F_POOLREF_NAME),
    CAP(KF_KC_OBJECTIVE, "spec.poolRef.group", KF_F_POOLREF_GROUP),
    CAP(KF_KC_OBJECTIVE, "spec.poolRef.kind", KF_F_POOLREF_KIND),
    CAP(KF_KC_OBJECTIVE, "spec.poolRef.namespace", KF_F_POOLREF_NS),

    /* Workloads: the pod template of each, the item itself for a Pod, two
     * for a LeaderWorkerSet (workers in slot 0, the leader in slot 1). */
    MOUNT(KF_KC_POD, "", KF_F_TEMPLATE, pod_template, 0),
    MOUNT(KF_KC_PODTEMPLATE, "template", KF_F_TEMPLATE, pod_template, 0),
    MOUNT(KF_KC_TEMPLATED, "spec.template", KF_F_TEMPLATE, pod_template, 0),
    MOUNT(KF_KC_CRONJOB, "spec.jobTemplate.spec.template", KF_F_TEMPLATE, pod_template, 0),
    MOUNT(KF_KC_LWS, "spec.leaderWorkerTemplate.workerTemplate", KF_F_TEMPLATE,
          pod_template, 0),
    MOUNT(KF_KC_LWS, "spec.leaderWorkerTemplate.leaderTemplate", KF_F_TEMPLATE,
          pod_template, 1),
    /* the ranges of indexes controllers give pods (ctrl_labels.c) */
    CAP(KF_KC_TEMPLATED | KF_KC_LWS, "spec.replicas", KF_F_REPLICAS),
    CAP(KF_KC_LWS, "spec.leaderWorkerTemplate.size", KF_F_LWS_SIZE),

    /* functionConfig: a ConfigMap (data.*) or a ClusterSPIFFEIDGenerator
     * (spec.*); config.c knows the keys. The typed form's federatesWith
     * may be a list, so it has its own rows (and is no spec.* entry). */
    CAP(KF_KC_CONFIG, "data", KF_F_DATA),
    CAP(KF_KC_CONFIG, "data.*", KF_F_DATA_ENTRY),
    CAP(CONFIGS, "spec", KF_F_SPEC),
    CAP(CONFIGS, "spec.federatesWith", KF_F_FEDERATES),
    CAP(CONFIGS, "spec.federatesWith[]", KF_F_FEDERATES_ITEM),
    CAP(CONFIGS, "spec.*", KF_F_SPEC_ENTRY),

    /* Kptfile (inspect): the pipeline's mutators, then validators. */
    CAP(KF_KC_KPTFILE, "pipeline", KF_F_KPT_PIPELINE),
    MOUNT(KF_KC_KPTFILE, "pipeline.mutators[]", KF_F_KPT_FN, kpt_function, 0),
    MOUNT(KF_KC_KPTFILE, "pipeline.validators[]", KF_F_KPT_FN, kpt_function, 0),

    END,
};

/* ---- kinds: lookups ------------------------------------------------------- */

const kf_kind *kf_kind_named(const char *kind)
{
    /* Asked for every item by the reader and by each step that walks the
     * items: the first byte first, which sets most names apart. */
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kinds[i].kind[0] == kind[0] && strcmp(kinds[i].kind, kind) == 0)
            return &kinds[i];
    size_t n = strlen(kind);
    if (n > 4 && strcmp(kind + n - 4, "List") == 0)
        return kf_kind_of(KF_KC_LIST);
    return NULL;
}

int kf_kind_rank(const kf_kind *k, const char *api_version)
{
    if (k && k->cls == KF_KC_LIST)
        return 0;
    for (int i = 0; k && i < KF_KIND_APIS && k->api_versions[i]; i++)
        if (strcmp(k->api_versions[i], api_version) == 0)
            return i;
    return -1;
}

kf_kmask kf_kind_class(const char *kind)
{
    const kf_kind *k = kf_kind_named(kind);
    return k ? k->cls : 0;
}

const kf_kind *kf_kind_of(enum kf_kclass cls)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kinds[i].cls == cls)
            return &kinds[i];
    return NULL;
}

const char *kf_kind_keep_if(kf_kmask cls)
{
    for (size_t i = 0; i < sizeof keep_if / sizeof *keep_if; i++)
        if (keep_if[i].cls == cls)
            return keep_if[i].text;
    return NULL;
}

int kf_kind_api_count(enum kf_kclass cls)
{
    const kf_kind *k = kf_kind_of(cls);
    int n = 0;
    while (k && n < KF_KIND_APIS && k->api_versions[n])
        n++;
    return n;
}

int kf_kind_api_rank(enum kf_kclass cls, const char *api_version)
{
    return kf_kind_rank(kf_kind_of(cls), api_version);
}

int kf_kind_group_rank(enum kf_kclass cls, const char *group)
{
    const kf_kind *k = kf_kind_of(cls);
    size_t n = strlen(group);
    for (int i = 0; k && i < KF_KIND_APIS && k->api_versions[i]; i++) {
        const char *api = k->api_versions[i];
        if (strncmp(api, group, n) == 0 && api[n] == '/')
            return i;
    }
    return -1;
}

const char *kf_kind_group(enum kf_kclass cls, int rank, char *buf, size_t cap)
{
    const kf_kind *k = kf_kind_of(cls);
    const char *api = k && rank >= 0 && rank < KF_KIND_APIS ? k->api_versions[rank] : NULL;
    if (!api)
        api = "";
    const char *slash = strchr(api, '/');
    snprintf(buf, cap, "%.*s", slash ? (int)(slash - api) : (int)strlen(api), api);
    return buf;
}

const char *kf_template_path(kf_kmask cls, unsigned slot)
{
    for (const row *r = rows; r->path; r++)
        if (r->mount == pod_template && (r->kinds & cls) && r->slot == slot)
            return r->path;
    return NULL;
}

/* ---- compiling the rows into a tree --------------------------------------- */

static uint32_t new_node(kf_schema *s)
{
    if (kf_array_grow((void **)&s->nodes, &s->nodes_cap, s->nnodes + 1,
                      sizeof *s->nodes) < 0)
        return KF_SNONE;
    kf_snode *n = &s->nodes[s->nnodes];
    memset(n, 0, sizeof *n);
    n->first_child = n->next_sibling = n->wild = n->elem = KF_SNONE;
    n->first_capture = KF_SNONE;
    return (uint32_t)s->nnodes++;
}

/* The literal child of parent named k[0..n), made when missing. */
static uint32_t literal_child(kf_schema *s, uint32_t parent, const char *k,
                              size_t n)
{
    uint32_t last = KF_SNONE, count = 0;
    for (uint32_t c = s->nodes[parent].first_child; c != KF_SNONE;
         c = s->nodes[c].next_sibling, count++) {
        if (s->nodes[c].keylen == n && memcmp(s->nodes[c].key, k, n) == 0)
            return c;
        last = c;
    }
    if (count >= 64) /* the walk notes the keys seen in a 64-bit set */
        return KF_SNONE;
    uint32_t c = new_node(s);
    if (c == KF_SNONE)
        return KF_SNONE;
    s->nodes[c].key = k;
    s->nodes[c].keylen = (uint32_t)n;
    s->nodes[c].ordinal = (uint8_t)count;
    if (last == KF_SNONE)
        s->nodes[parent].first_child = c;
    else
        s->nodes[last].next_sibling = c;
    return c;
}

static uint32_t special_child(kf_schema *s, uint32_t parent, bool elem)
{
    uint32_t *slot = elem ? &s->nodes[parent].elem : &s->nodes[parent].wild;
    if (*slot == KF_SNONE) {
        uint32_t c = new_node(s);
        if (c == KF_SNONE)
            return KF_SNONE;
        /* new_node() may move the array: look the slot up again */
        slot = elem ? &s->nodes[parent].elem : &s->nodes[parent].wild;
        *slot = c;
    }
    return *slot;
}

/* Walk path from node `at`, making nodes, marking each with kinds. Returns
 * the last node, or KF_SNONE (out of memory or a malformed path). *wild
 * tells whether the path ends in '*'; *in_seq whether it passes '[]'. */
static uint32_t path_node(kf_schema *s, uint32_t at, const char *path,
                          kf_kmask kinds, bool *wild, bool *in_seq)
{
    const char *p = path;
    *wild = false;
    s->nodes[at].mask |= kinds;
    while (*p) {
        if (*wild)
            return KF_SNONE; /* '*' must be last */
        uint32_t next;
        if (p[0] == '[' && p[1] == ']') {
            next = special_child(s, at, true);
            *in_seq = true;
            p += 2;
        } else if (p[0] == '[') {
            const char *close = strchr(p, ']');
            if (!close || close == p + 1)
                return KF_SNONE;
            next = literal_child(s, at, p + 1, (size_t)(close - p - 1));
            p = close + 1;
        } else if (p[0] == '*') {
            next = special_child(s, at, false);
            *wild = true;
            p++;
        } else {
            size_t n = strcspn(p, ".[");
            if (n == 0)
                return KF_SNONE;
            next = literal_child(s, at, p, n);
            p += n;
        }
        if (next == KF_SNONE)
            return KF_SNONE;
        at = next;
        s->nodes[at].mask |= kinds;
        if (*p == '.')
            p++;
    }
    return at;
}

static int add_capture(kf_schema *s, uint32_t node, kf_kmask kinds, uint8_t id,
                       uint8_t slot)
{
    if (kf_array_grow((void **)&s->caps, &s->caps_cap, s->ncaps + 1,
                      sizeof *s->caps) < 0)
        return -1;
    s->caps[s->ncaps] = (kf_capture){kinds, id, slot, s->nodes[node].first_capture};
    s->nodes[node].first_capture = (uint32_t)s->ncaps++;
    return 0;
}

/* Compile rows below node `at`; a mounted table inherits kinds and slot. */
static int compile_rows(kf_schema *s, uint32_t at, const row *rs,
                        kf_kmask inherit, uint8_t slot, bool in_seq)
{
    for (const row *r = rs; r->path; r++) {
        kf_kmask kinds = r->kinds ? r->kinds : inherit;
        bool wild = false, seq = in_seq;
        uint32_t n = path_node(s, at, r->path, kinds, &wild, &seq);
        if (n == KF_SNONE)
            return -1;
        kf_snode *node = &s->nodes[n];
        if (r->act)
            node->act = r->act;
        if (r->once)
            node->once = 1;
        if (r->layout) {
            node->layout = r->layout;
            node->layout_mask |= kinds;
        }
        if (r->id != KF_F_NONE) {
            /* the id's range must say what the path is */
            bool ok = wild ? kf_fid_is_entry(r->id)
                      : seq ? !kf_fid_is_single(r->id) && !kf_fid_is_entry(r->id)
                            : kf_fid_is_single(r->id);
            /* a mount's own capture is in the slot it mounts */
            if (!ok || add_capture(s, n, kinds, r->id, r->mount ? r->slot : slot) < 0)
                return -1;
        }
        if (r->mount && compile_rows(s, n, r->mount, kinds, r->slot, seq) < 0)
            return -1;
    }
    return 0;
}

int kf_schema_compile(kf_schema *s)
{
    memset(s, 0, sizeof *s);
    if (new_node(s) == KF_SNONE || compile_rows(s, 0, rows, 0, 0, false) < 0) {
        kf_schema_free(s);
        return -1;
    }
    /* A wildcard is a leaf: the walk follows one child per key. */
    for (size_t i = 0; i < s->nnodes; i++) {
        uint32_t w = s->nodes[i].wild;
        if (w != KF_SNONE && (s->nodes[w].first_child != KF_SNONE ||
                              s->nodes[w].wild != KF_SNONE ||
                              s->nodes[w].elem != KF_SNONE)) {
            kf_schema_free(s);
            return -1;
        }
    }
    return 0;
}

void kf_schema_free(kf_schema *s)
{
    free(s->nodes);
    free(s->caps);
    memset(s, 0, sizeof *s);
}

/* ---- lookups during the walk ---------------------------------------------- */

uint32_t kf_schema_child(const kf_schema *s, uint32_t node, const char *k,
                         size_t n, kf_kmask kmask)
{
    for (uint32_t c = s->nodes[node].first_child; c != KF_SNONE;
         c = s->nodes[c].next_sibling) {
        const kf_snode *sn = &s->nodes[c];
        /* the first byte before memcmp(): most siblings differ there */
        if (sn->keylen == n && (n == 0 || sn->key[0] == k[0]) &&
            memcmp(sn->key, k, n) == 0)
            return sn->mask & kmask ? c : KF_SNONE;
    }
    return KF_SNONE;
}

uint32_t kf_schema_wild(const kf_schema *s, uint32_t node, kf_kmask kmask)
{
    uint32_t w = s->nodes[node].wild;
    return w != KF_SNONE && (s->nodes[w].mask & kmask) ? w : KF_SNONE;
}

uint32_t kf_schema_elem(const kf_schema *s, uint32_t node, kf_kmask kmask)
{
    uint32_t e = s->nodes[node].elem;
    return e != KF_SNONE && (s->nodes[e].mask & kmask) ? e : KF_SNONE;
}

bool kf_schema_follows(const kf_schema *s, uint32_t node, kf_kmask kmask)
{
    const kf_snode *sn = &s->nodes[node];
    if (kf_schema_wild(s, node, kmask) != KF_SNONE)
        return true;
    for (uint32_t c = sn->first_child; c != KF_SNONE; c = s->nodes[c].next_sibling)
        if (s->nodes[c].mask & kmask)
            return true;
    return false;
}
