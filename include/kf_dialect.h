/* kf_dialect.h - what each kind of binding means: one table (src/dialect.c).
 *
 * An InferenceIdentityBinding speaks Kleym 0.7 (spec.mode PoolOnly or
 * PerObjective) or Kleym 0.12 (spec.identityBoundary.variant), SPEC
 * section 4. A row of the table per mode says, as data, all that differs
 * between them: the name people know it by, what chooses it, the pool
 * apiVersions it reads, which of its fields are checked, the SPIFFE ID it
 * renders and the name's mode text, and its match key: what, besides the
 * namespace, the pool's labels and the service account, tells the pods and
 * containers that receive its identity (SPEC sections 5, 6, 11).
 *
 * The rest of the program asks a binding's row for a property
 * (kf_dialect_of(b)->match), never which row it is. A switch on the match
 * key names every key and has no default (those files compile with
 * -Wswitch-enum, see the Makefile), so a new key fails to compile until
 * every place handles it. Adding a dialect: docs/design.md.
 */
#ifndef KF_DIALECT_H
#define KF_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "kf_schema.h"

/* The rows: a binding's mode (kf_binding.mode). */
enum kf_mode { KF_MODE_POOL_ONLY, KF_MODE_PER_OBJECTIVE, KF_MODE_VARIANT, KF_MODE_COUNT };

/* Which of the pool's pods, running as the binding's service account,
 * receive the identity, and in them which containers. */
enum kf_match {
    KF_MATCH_POOL,      /* every pod, every container */
    KF_MATCH_CONTAINER, /* every pod, the container named spec.containerName:
                         * selector k8s:container-name */
    KF_MATCH_VARIANT,   /* the pods whose variant label (KF_VARIANT_LABEL) is
                         * spec.identityBoundary.variant: a pod label the
                         * selectors and podSelector require */
};

/* The Pod label a variant binding's variant names. */
#define KF_VARIANT_LABEL "identity.kleym.sonda.red/variant"

/* The field checks a row applies (resolve_binding.c), besides the ones
 * every binding gets (name, namespace, poolRef, serviceAccountName). */
enum kf_field_check {
    KF_FC_OBJECTIVE = 1u << 0,    /* spec.objectiveRef required, and resolved */
    KF_FC_CONTAINER = 1u << 1,    /* spec.containerName required */
    KF_FC_NO_CONTAINER = 1u << 2, /* spec.containerName refused */
    KF_FC_VARIANT = 1u << 3,      /* spec.identityBoundary.variant required */
    KF_FC_OBJECTIVE_IF_GIVEN = 1u << 4, /* spec.objectiveRef optional; resolved
                                         * and checked when given */
};

/* A binding's value that a SPIFFE ID path carries. */
enum kf_id_value {
    KF_IDV_NAMESPACE,
    KF_IDV_SERVICE_ACCOUNT,
    KF_IDV_POOL,
    KF_IDV_OBJECTIVE,
    KF_IDV_VARIANT,
};

/* One step of a SPIFFE ID path: "/<segment>/<value>". */
typedef struct kf_id_part {
    const char *segment;         /* NULL: the path has ended */
    enum kf_id_value value;
} kf_id_part;

#define KF_ID_PARTS 4

typedef struct kf_dialect {
    const char *name;            /* as people call it: "Kleym 0.7" */
    const char *mode;            /* its spec.mode value, or NULL: none */
    bool is_default;             /* the mode of a binding that names none */
    enum kf_fid chosen_by;       /* a field whose presence chooses this row
                                  * whatever else is set, or KF_F_NONE */
    const char *chosen_path;     /* that field's path */
    const char *marker_path;     /* the field that names its bindings' own
                                  * marker on their pods (SPEC section 11:
                                  * the variant, the container), which
                                  * messages tell people to set or keep;
                                  * NULL: none */
    enum kf_match match;
    unsigned checks;             /* enum kf_field_check, or-ed */
    int pool_apis;               /* how many InferencePool apiVersions it
                                  * reads, in lookup order; 0: all */
    const char *name_mode;       /* the mode part of its ClusterSPIFFEID
                                  * names (SPEC section 5) */
    kf_id_part id[KF_ID_PARTS];  /* spiffe://<trust domain> then these */
} kf_dialect;

/* The row of mode (an enum kf_mode). */
const kf_dialect *kf_dialect_get(unsigned mode);
/* The mode whose spec.mode value is s, or -1. */
int kf_dialect_by_mode(const char *s);
/* The mode of a binding that names none. */
unsigned kf_dialect_default(void);
/* "PoolOnly or PerObjective": the spec.mode values, for messages. */
void kf_dialect_modes_text(char *out, size_t cap);
/* The rank of the last InferencePool apiVersion row d reads. */
int kf_dialect_pool_last(const kf_dialect *d);

#endif
