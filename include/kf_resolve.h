/* kf_resolve.h - from captured fields to a render plan.
 *
 * kf_resolve() interprets the items the function reads (bindings, pools,
 * objectives, ClusterSPIFFEIDs), validates every binding field, resolves
 * pool and objective references by sorted lookup, computes each binding's
 * SPIFFE ID, selectors and ClusterSPIFFEID name, and decides which input
 * items are dropped (owned ClusterSPIFFEIDs) or marked local-config.
 * Bindings that fail get error results and ok = false.
 */
#ifndef KF_RESOLVE_H
#define KF_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_identity.h"
#include "kf_read.h"
#include "kf_results.h"

enum kf_mode { KF_MODE_POOL_ONLY, KF_MODE_PER_OBJECTIVE };

typedef struct kf_pool {
    size_t item;
    const char *ns, *name, *api_version;
    int group;              /* index into kf_groups */
    kf_label *labels;       /* owned array, sorted by key; strings borrowed */
    size_t nlabels;
    const char *error;      /* why the selector is refused (static), or NULL */
    char *error_detail;     /* owned detail for the message, or NULL */
    bool duplicate;         /* the same pool is defined twice */
    bool unsafe;            /* another pool's pods match this selector */
    const char *unsafe_peer;/* that pool's name */
    size_t selector_class;  /* the first pool of its namespace with the same
                             * labels: equal classes select the same pods */
} kf_pool;

typedef struct kf_objective {
    const char *ns, *name, *api_version;
    uint32_t item;
    uint32_t first_field, nfields; /* its captured fields (poolRef) */
    int8_t group;
    bool duplicate;
} kf_objective;

/* One per binding (tens of thousands in a large repository): kept small. */
typedef struct kf_binding {
    kf_ref ref;                      /* its namespace and name included */
    const char *pool_name, *objective_name, *sa, *container;
    char *spiffe_id;                 /* owned, with csid_name after its NUL */
    const char *csid_name;           /* the ClusterSPIFFEID name, or "" */
    uint32_t item;                   /* input item */
    uint32_t pool;                   /* into plan pools, when resolved */
    int8_t pool_group, objective_group; /* -1: any */
    uint8_t mode;                    /* enum kf_mode */
    bool ok;
} kf_binding;

typedef struct kf_plan {
    kf_binding *bindings;
    size_t nbindings;
    kf_pool *pools;
    size_t npools;
    kf_objective *objectives;
    size_t nobjectives;
    bool *drop;        /* per input item: an owned ClusterSPIFFEID */
    bool *mark_local;  /* per input item: add the local-config annotation */
} kf_plan;

/* The two GAIE API groups, in pool lookup order. */
extern const char *const kf_groups[2];

int kf_resolve(const kf_input *in, const kf_config *cfg, kf_plan *plan,
               kf_results *rs);
void kf_plan_free(kf_plan *plan);

#endif
