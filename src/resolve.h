/* resolve.h - the resolver's state, shared by its parts.
 *
 * resolve.c runs the steps (kf_resolve.h); resolve_dups.c finds duplicate
 * objects; resolve_pools.c reads pool selectors; resolve_binding.c checks a binding's fields; resolve_refs.c
 * resolves its references and makes its identity. Not an interface for the
 * rest of the program: that is kf_resolve.h.
 */
#ifndef KF_SRC_RESOLVE_H
#define KF_SRC_RESOLVE_H

#include "kf_resolve.h"
#include "kf_view.h"

/* Slots of the SPIFFE IDs stored (kf_resolver.ids). */
#define KF_ID_SLOTS 4096

typedef struct kf_resolver {
    const kf_input *in;
    const kf_config *cfg;
    kf_plan *plan;
    kf_results *rs;
    bool failed;         /* out of memory adding a result (sticky) */
    /* SPIFFE IDs stored in plan->texts, by hash: per slot, 1 + the index
     * of the binding that stored the latest one of that hash (0: none).
     * Bindings with the same ID share it, as conflicting bindings do;
     * a slot another ID took since only costs a copy. */
    uint32_t *ids;
} kf_resolver;

/* One binding being checked. */
typedef struct kf_check {
    kf_resolver *r;
    kf_binding *b;
    kf_view *v;
    int errors;
} kf_check;

/* The binding fails with reason: an error result naming field. */
void kf_check_fail(kf_check *c, enum kf_reason reason, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* resolve.c: a ClusterSPIFFEID this function made (dropped, and made again
 * if its binding still renders). */
bool kf_is_owned_csid(const kf_view *v);

/* resolve_dups.c: mark in dup[] every item whose (apiVersion, kind,
 * namespace, name) another item of a kind read shares (cls: the items'
 * classes), and report it. 0, or -1: out of memory. */
int kf_find_duplicates(kf_resolver *r, const kf_kmask *cls, bool *dup);

/* resolve_binding.c: every field of the binding, for its dialect. */
void kf_check_fields(kf_check *c);

/* resolve_refs.c */
void kf_resolve_pool(kf_check *c);
void kf_resolve_objective(kf_check *c);
/* The SPIFFE ID and ClusterSPIFFEID name. 0, or -1: out of memory. */
int kf_build_identity(kf_check *c);

/* resolve_pools.c */
/* How many labels the pool's selector may give at most: what
 * kf_pool_read_selector() takes from the plan's labels. */
size_t kf_pool_selector_room(const kf_view *v);
/* Normalise the pool's selector into sorted matchLabels taken from *next
 * (which moves past them), or record why it is refused. */
void kf_pool_read_selector(const kf_view *v, kf_pool *p, kf_label **next);
/* Give the pools of a namespace with equal label sets one selector
 * class. 0, or -1: out of memory. */
int kf_pools_classify(kf_plan *plan);
int kf_cmp_pool(const void *a, const void *b);
int kf_cmp_objective(const void *a, const void *b);

#endif
