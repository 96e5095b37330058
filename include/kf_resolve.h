/* kf_resolve.h - from captured fields to a render plan.
 *
 * kf_resolve() interprets the items the function reads (bindings of both
 * Kleym dialects, pools, objectives, ClusterSPIFFEIDs), validates every
 * binding field, resolves pool and objective references by sorted lookup,
 * computes each binding's SPIFFE ID and ClusterSPIFFEID name, and decides
 * which input items are dropped (owned ClusterSPIFFEIDs) or marked
 * local-config. Bindings that fail get error results and ok = false.
 *
 *   resolve.c          the steps, and the items each kind is
 *   resolve_pools.c    pool selectors: normalised, refused, classed
 *   resolve_binding.c  a binding's fields, per dialect
 *   resolve_refs.c     references, SPIFFE IDs and names
 */
#ifndef KF_RESOLVE_H
#define KF_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_dialect.h"
#include "kf_identity.h"
#include "kf_input.h"
#include "kf_results.h"

/* The value of label kleym.sonda.red/managed-by on the ClusterSPIFFEIDs
 * kleym-fn owns (SPEC section 7); any other ClusterSPIFFEID is foreign. */
#define KF_MANAGED_BY "kleym"

/* One per pool (as many as bindings in a large repository): 64 bytes. */
typedef struct kf_pool {
    const char *ns, *name, *api_version;
    kf_label *labels;       /* in the plan's labels, sorted by key; strings
                             * borrowed */
    const char *error;      /* why the selector is refused (static), or NULL */
    const char *error_detail; /* the selector key at fault (in the input), or NULL */
    uint32_t item;
    uint32_t nlabels;
    uint32_t selector_class; /* the first pool of its namespace with the same
                              * labels: equal classes select the same pods */
    int8_t group;           /* rank of its apiVersion (kf_kind_api_rank) */
    bool duplicate;         /* the same pool is defined twice */
} kf_pool;

typedef struct kf_objective {
    const char *ns, *name, *api_version;
    uint32_t item;
    uint32_t first_field, nfields; /* its captured fields (poolRef) */
    int8_t group;           /* rank of its apiVersion (kf_kind_api_rank) */
    bool duplicate;
} kf_objective;

/* One per binding (tens of thousands in a large repository): kept small. */
typedef struct kf_binding {
    kf_ref ref;                      /* its namespace and name included */
    const char *pool_name, *objective_name, *sa, *container, *variant;
    const char *spiffe_id;           /* in the plan's texts, shared by the
                                      * bindings with the same ID; or NULL */
    const char *csid_name;           /* the ClusterSPIFFEID name (the plan's
                                      * texts), or "" */
    uint32_t item;                   /* input item */
    uint32_t pool;                   /* into plan pools, when resolved */
    int8_t pool_group, objective_group; /* ranks; -1: any, in lookup order */
    uint8_t mode;                    /* enum kf_mode: its row of the dialect
                                      * table (kf_dialect_of()) */
    bool ok;
} kf_binding;

/* A ClusterSPIFFEID kleym-fn rendered before, dropped from the output: it
 * is made again if its binding still renders under its name, else it is
 * gone and kf_note_removed() says so (notes.c). */
typedef struct kf_removed {
    kf_ref ref;                      /* the ClusterSPIFFEID */
    const char *binding_ns, *binding_name; /* its labels, "" when absent */
} kf_removed;

typedef struct kf_plan {
    kf_binding *bindings;            /* sorted by (namespace, name) */
    size_t nbindings;
    kf_pool *pools;
    size_t npools;
    kf_label *labels;                /* every pool's labels, in one array */
    kf_objective *objectives;
    size_t nobjectives;
    kf_objective *models;            /* InferenceModels (GAIE <= 0.5), sorted
                                      * like objectives: named in messages */
    size_t nmodels;
    kf_arena texts;    /* owned: the bindings' SPIFFE IDs (each once) and
                        * ClusterSPIFFEID names */
    bool *drop;        /* per input item: dropped (kf_input.dropped) */
    kf_removed *removed; /* the dropped ones, with the binding they name */
    size_t nremoved;
    bool *mark_local;  /* per input item: add the local-config annotation */
} kf_plan;

/* The top-level items the function drops, into in->dropped: the
 * ClusterSPIFFEIDs it owns (SPEC section 7; one in a List is never
 * dropped). Known as soon as the input is read, before any item is named
 * (kf_view_ref()): a message names an item no file names by its place in
 * the output, so that the function run on its own output says the same.
 * 0, or -1: out of memory. */
int kf_find_dropped(kf_input *in);
/* After kf_find_dropped(): plan->drop is in->dropped's. */
int kf_resolve(const kf_input *in, const kf_config *cfg, kf_plan *plan,
               kf_results *rs);
/* Give back the captured fields of the items plan holds all it needs of
 * (bindings, pools, objectives, models): on a conflict-heavy input they
 * are most of the reader's memory, and the checks after resolve read
 * other items' fields only (templates, SPIRE's side). Those items then
 * have no fields, as after kf_input_drop_fields(). Out of memory, nothing
 * is given back. */
void kf_plan_drop_fields(kf_plan *plan, kf_input *in);
void kf_plan_free(kf_plan *plan);


/* The binding's row of the dialect table (kf_dialect.h). */
static inline const kf_dialect *kf_dialect_of(const kf_binding *b)
{
    return kf_dialect_get(b->mode);
}
/* The binding's dialect as people call it: "Kleym 0.7" or "Kleym 0.12". */
const char *kf_binding_dialect(const kf_binding *b);
/* The labels a pod must carry to receive b's identity: its pool's and, for
 * a variant binding, the variant label; sorted by key, without repeats.
 * out holds p->nlabels + 1 labels. Returns how many. */
size_t kf_binding_pod_labels(const kf_binding *b, const kf_pool *p, kf_label *out);
/* Its workload selectors (SPEC section 5), each followed by '\n'; _of:
 * from its pod labels made already. */
int kf_binding_selectors(const kf_binding *b, const kf_pool *p, kf_buf *out);
int kf_binding_selectors_of(const kf_binding *b, const kf_label *pod, size_t npod,
                            kf_buf *out);

#endif
