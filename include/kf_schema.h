/* kf_schema.h - what kleym-fn reads of its input: the capture schema.
 *
 * One table (src/schema.c) says which kinds the function reads, at which
 * apiVersions, and which paths of each kind it captures, each path yielding
 * a field id. The reader (read.c) walks the input's events and, key by key,
 * asks the compiled schema whether a value is captured, followed or
 * skipped; it knows no field name itself.
 *
 * Paths: `a.b.c` (mapping keys), `a[some.key/with-dots]` (a key written
 * literally), `a.*` (every key of a mapping: an entry, key and value),
 * `a[]` (every element of a sequence), e.g. `spec.containers[].name`.
 * A row may also mount a sub-table at a path with a template slot, so one
 * sub-schema (a pod template) serves several prefixes.
 */
#ifndef KF_SCHEMA_H
#define KF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds of context a mapping is read in, as bits: what the schema rows
 * of each kind apply to. An item whose kind is not known yet is read as
 * every item class at once; its kind narrows that. */
enum kf_kclass {
    KF_KC_RLIST = 1u << 0,     /* the ResourceList mapping itself */
    KF_KC_CONFIG = 1u << 1,    /* ResourceList.functionConfig */
    KF_KC_BINDING = 1u << 2,   /* Kleym InferenceIdentityBinding */
    KF_KC_POOL = 1u << 3,      /* GAIE InferencePool */
    KF_KC_OBJECTIVE = 1u << 4, /* GAIE / llm-d InferenceObjective */
    KF_KC_CSID = 1u << 5,      /* SPIRE ClusterSPIFFEID */
    KF_KC_POD = 1u << 6,       /* a Pod: its own pod template */
    KF_KC_PODTEMPLATE = 1u << 7, /* a PodTemplate: `template` */
    KF_KC_TEMPLATED = 1u << 8, /* Deployment, StatefulSet, DaemonSet,
                                * ReplicaSet, Job, Argo Rollout: `spec.template` */
    KF_KC_CRONJOB = 1u << 9,   /* `spec.jobTemplate.spec.template` */
    KF_KC_LWS = 1u << 10,      /* LeaderWorkerSet: worker and leader templates */
    KF_KC_GENERATOR = 1u << 11, /* a ClusterSPIFFEIDGenerator among the items
                                 * (the kustomize layout, for inspect) */
    KF_KC_KPTFILE = 1u << 12,  /* a Kptfile's pipeline (inspect) */
    KF_KC_MODEL = 1u << 14,    /* GAIE <= 0.5 InferenceModel: named in a
                                * TargetObjectiveNotFound message only */
    KF_KC_LIST = 1u << 13,     /* a List or <Kind>List, any apiVersion: its
                                * items are read as items (SPEC section 3) */
    /* SPIRE's side of the package (SPEC section 15) */
    KF_KC_SCMCONFIG = 1u << 15, /* SPIRE Controller Manager's configuration */
    KF_KC_CONFIGMAP = 1u << 16, /* a ConfigMap item: it may hold one as text */
    KF_KC_NAMESPACE = 1u << 17, /* a Namespace and its labels */
};
typedef uint32_t kf_kmask;

/* The kinds whose pod templates are checked (SPEC section 11). */
#define KF_KC_WORKLOADS (KF_KC_POD | KF_KC_PODTEMPLATE | KF_KC_TEMPLATED | \
                         KF_KC_CRONJOB | KF_KC_LWS)
/* Every class an item of ResourceList.items (or of a stream) may be. */
#define KF_KC_ITEMS (KF_KC_BINDING | KF_KC_POOL | KF_KC_OBJECTIVE | KF_KC_CSID | \
                     KF_KC_WORKLOADS | KF_KC_GENERATOR | KF_KC_KPTFILE | \
                     KF_KC_LIST | KF_KC_MODEL | KF_KC_SCMCONFIG | KF_KC_CONFIGMAP | \
                     KF_KC_NAMESPACE)
/* A ClusterSPIFFEID's label selectors: the pod selector in slot 0, the
 * namespace selector in slot 1. */
#define KF_SLOT_PODSEL 0
#define KF_SLOT_NSSEL 1
/* A LeaderWorkerSet's second template (the leader) is slot 1. */
#define KF_SLOTS 2

/* The field ids captures yield. Three ranges: single fields (one per
 * mapping they live in: a second occurrence is marked dup), repeated
 * fields (one per sequence element), entries (a key and its value). */
enum kf_fid {
    KF_F_APIVERSION,
    KF_F_KIND,
    KF_F_METADATA,
    KF_F_NAME,
    KF_F_NAMESPACE,
    KF_F_ANNOTATIONS,
    KF_F_ANN_PATH,        /* config.kubernetes.io/path */
    KF_F_ANN_INDEX,       /* config.kubernetes.io/index */
    KF_F_ANN_IPATH,       /* internal.config.kubernetes.io/path */
    KF_F_ANN_IINDEX,      /* internal.config.kubernetes.io/index */
    KF_F_ANN_LOCAL,       /* config.kubernetes.io/local-config */
    KF_F_LABELS,
    KF_F_LBL_MANAGED,     /* kleym.sonda.red/managed-by */
    KF_F_LBL_BINDING_NAME, /* kleym.sonda.red/binding-name */
    KF_F_LBL_BINDING_NS,  /* kleym.sonda.red/binding-namespace */
    KF_F_SPEC,
    KF_F_POOLREF,
    KF_F_POOLREF_NAME,
    KF_F_POOLREF_GROUP,
    KF_F_POOLREF_KIND,
    KF_F_POOLREF_NS,
    KF_F_OBJREF,
    KF_F_OBJREF_NAME,
    KF_F_OBJREF_GROUP,
    KF_F_SA,
    KF_F_MODE,
    KF_F_CONTAINER,
    KF_F_BOUNDARY,        /* spec.identityBoundary (Kleym 0.12) */
    KF_F_VARIANT,         /* spec.identityBoundary.variant */
    KF_F_SELECTOR,
    KF_F_MATCHLABELS,
    KF_F_MATCHEXPR,
    KF_F_DATA,
    /* a pod template (one per template slot) */
    KF_F_TEMPLATE,        /* the template mapping itself */
    KF_F_TPL_METADATA,
    KF_F_TPL_LABELS,
    KF_F_TPL_SPEC,
    KF_F_TPL_SA,          /* spec.serviceAccountName */
    KF_F_TPL_SA_OLD,      /* spec.serviceAccount (deprecated) */
    KF_F_TPL_CONTAINERS,
    KF_F_TPL_INITS,       /* spec.initContainers */
    KF_F_KPT_PIPELINE,    /* a Kptfile's pipeline */
    KF_F_FEDERATES,       /* spec.federatesWith (functionConfig, typed form) */
    KF_F_LIST_ITEMS,      /* a List's items */
    KF_F_REPLICAS,        /* a workload's spec.replicas */
    KF_F_LWS_SIZE,        /* spec.leaderWorkerTemplate.size */
    /* SPIRE Controller Manager's configuration (SPEC section 15) */
    KF_F_SCM_TRUST_DOMAIN,
    KF_F_SCM_CLASS,
    KF_F_SCM_WATCH_CLASSLESS,
    KF_F_SCM_IGNORE,      /* ignoreNamespaces */
    KF_F_SCM_CLUSTER,
    /* a ClusterSPIFFEID kleym-fn does not own */
    KF_F_CSID_CLASS,      /* spec.className */
    KF_F_CSID_FALLBACK,
    KF_F_CSID_TEMPLATE,   /* spec.spiffeIDTemplate */
    /* a label selector (slot: which), SPEC section 15 */
    KF_F_LS,
    KF_F_LS_MATCHLABELS,
    KF_F_LS_MATCHEXPR,
    KF_F_NS_LABELS,       /* a Namespace's metadata.labels */
    KF_F_SINGLE,          /* end of the single fields; not a field */
    KF_F_TPL_CONTAINER,   /* an element of spec.containers */
    KF_F_TPL_CONTAINER_NAME,
    KF_F_TPL_INIT,        /* an element of spec.initContainers */
    KF_F_TPL_INIT_NAME,
    KF_F_KPT_FN,          /* a function of a Kptfile pipeline */
    KF_F_KPT_FN_IMAGE,
    KF_F_KPT_FN_EXEC,
    KF_F_KPT_FN_CONFIGPATH,
    KF_F_KPT_FN_CONFIGMAP, /* its configMap mapping */
    KF_F_FEDERATES_ITEM,  /* spec.federatesWith[] (functionConfig) */
    KF_F_SCM_IGNORE_ITEM, /* ignoreNamespaces[] */
    KF_F_LS_EXPR,         /* matchExpressions[] */
    KF_F_LS_EXPR_KEY,
    KF_F_LS_EXPR_OP,
    KF_F_LS_EXPR_VALUES,
    KF_F_LS_EXPR_VALUE,   /* matchExpressions[].values[] */
    KF_F_ENTRIES,         /* end of the repeated fields; not a field */
    KF_F_SEL_ENTRY,       /* spec.selector.<key> (flat v1alpha2 selector) */
    KF_F_ML_ENTRY,        /* spec.selector.matchLabels.<key> */
    KF_F_DATA_ENTRY,      /* data.<key> (functionConfig) */
    KF_F_SPEC_ENTRY,      /* spec.<key> (functionConfig) */
    KF_F_TPL_LABEL,       /* a pod template's metadata.labels.<key> */
    KF_F_KPT_FN_CONFIG,   /* a Kptfile function's configMap.<key> */
    KF_F_LS_LABEL,        /* a label selector's matchLabels.<key> */
    KF_F_NS_LABEL,        /* a Namespace's metadata.labels.<key> */
    KF_F_COUNT,
    KF_F_NONE = 0xff,     /* a row that captures nothing (act, layout) */
};

static inline bool kf_fid_is_single(unsigned id) { return id < KF_F_SINGLE; }
static inline bool kf_fid_is_entry(unsigned id) { return id > KF_F_ENTRIES && id < KF_F_COUNT; }

/* What the walk does with a value besides capturing it. */
enum kf_act {
    KF_ACT_NONE,
    KF_ACT_ITEMS,   /* a sequence whose elements are the items */
    KF_ACT_CONFIG,  /* the functionConfig mapping */
    KF_ACT_RESULTS, /* the results, replaced by the writer */
};

/* Which mapping layout the writer needs recorded (for its edits). */
enum kf_layout_kind { KF_LAYOUT_NONE, KF_LAYOUT_META, KF_LAYOUT_ANN };

/* A kind the function reads: its name, class and the apiVersions it is
 * read at, in lookup order (a reference without a group tries them in
 * this order). Several kinds may share a class (the workloads whose pod
 * template is spec.template). */
#define KF_KIND_APIS 3
typedef struct kf_kind {
    const char *kind;
    enum kf_kclass cls;
    const char *api_versions[KF_KIND_APIS];
} kf_kind;

/* The kind entry of a kind name, or NULL: a kind not read. Any kind
 * whose name ends in "List" (ResourceList aside) is the List entry. */
const kf_kind *kf_kind_named(const char *kind);
/* The rank of apiVersion among k's apiVersions, or -1 (a List: 0 for
 * any apiVersion). */
int kf_kind_rank(const kf_kind *k, const char *api_version);
/* The class of an item with this kind (0: a kind not read). */
kf_kmask kf_kind_class(const char *kind);
/* The kind entry of a class. */
const kf_kind *kf_kind_of(enum kf_kclass cls);
/* The text an item of class cls must hold in a captured entry's value to
 * be kept, or NULL (kept whatever it holds). A ConfigMap is read for an
 * SCM configuration only: the many others are given back as unread while
 * the input is read. */
const char *kf_kind_keep_if(kf_kmask cls);
/* How many apiVersions a kind is read at. */
int kf_kind_api_count(enum kf_kclass cls);
/* The rank of apiVersion among its kind's apiVersions (the lookup order),
 * or -1 when the kind is not read at that apiVersion. */
int kf_kind_api_rank(enum kf_kclass cls, const char *api_version);
/* The rank of an API group (the part of an apiVersion before '/'), or -1. */
int kf_kind_group_rank(enum kf_kclass cls, const char *group);
/* The group of the apiVersion at rank (a static string without version). */
const char *kf_kind_group(enum kf_kclass cls, int rank, char *buf, size_t cap);

/* The path of a workload class's pod template in slot slot ("" for a Pod,
 * whose template is itself), or NULL when it has none. */
const char *kf_template_path(kf_kmask cls, unsigned slot);

/* ---- the compiled schema: a tree of path nodes ------------------------- */

#define KF_SNONE UINT32_MAX

/* One capture at a node: in a context of one of the classes in mask, the
 * value there yields field id in template slot slot. */
typedef struct kf_capture {
    kf_kmask mask;
    uint8_t id;
    uint8_t slot;
    uint32_t next;      /* the node's next capture, or KF_SNONE */
} kf_capture;

typedef struct kf_snode {
    const char *key;            /* a literal key (not NUL-terminated) */
    uint32_t keylen;
    uint32_t first_child;       /* literal children, a list */
    uint32_t next_sibling;
    uint32_t wild, elem;        /* the '*' and '[]' children, or KF_SNONE */
    uint32_t first_capture;     /* or KF_SNONE */
    kf_kmask mask;              /* classes that read here or below */
    kf_kmask layout_mask;       /* classes whose layout is recorded here */
    uint8_t ordinal;            /* among its parent's literal children */
    uint8_t act;                /* enum kf_act */
    uint8_t layout;             /* enum kf_layout_kind */
    uint8_t once;               /* a second key is fatal (ResourceList) */
} kf_snode;

typedef struct kf_schema {
    kf_snode *nodes;            /* nodes[0] is the root */
    size_t nnodes, nodes_cap;
    kf_capture *caps;
    size_t ncaps, caps_cap;
} kf_schema;

/* Build the tree from the table. 0, or -1 when memory runs out or the
 * table breaks a rule (a unit test compiles it). */
int kf_schema_compile(kf_schema *s);
void kf_schema_free(kf_schema *s);

/* The literal child of node for key k[0..n) that some class of kmask
 * reads, or KF_SNONE. */
uint32_t kf_schema_child(const kf_schema *s, uint32_t node, const char *k,
                         size_t n, kf_kmask kmask);
/* The node's '*' / '[]' child when some class of kmask reads it. */
uint32_t kf_schema_wild(const kf_schema *s, uint32_t node, kf_kmask kmask);
uint32_t kf_schema_elem(const kf_schema *s, uint32_t node, kf_kmask kmask);
/* Whether the walk looks inside a mapping at node, for kmask. */
bool kf_schema_follows(const kf_schema *s, uint32_t node, kf_kmask kmask);

#endif
