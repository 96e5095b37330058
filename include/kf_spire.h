/* kf_spire.h - SPIRE's side: will the identity be issued, and is it the only
 * one? (SPEC section 15)
 *
 * When the package holds SPIRE Controller Manager's configuration (an item
 * of kind ControllerManagerConfig, or its text in a ConfigMap value, as the
 * SPIRE Helm chart ships it), ClusterSPIFFEIDs kleym-fn does not own, or
 * Namespaces, kf_check_spire() applies SCM v0.6's rules to every rendered
 * binding: is its class reconciled, is its namespace ignored, is its trust
 * domain SCM's, and which foreign ClusterSPIFFEIDs select the pods that
 * receive it (a second SVID, or a fallback identity replaced). Nothing of
 * SPIRE's side is edited: those items are copied byte for byte.
 *
 *   spire_read.c    SCM's configuration, Namespaces
 *   spire_selectors.c  foreign ClusterSPIFFEIDs and their label selectors
 *   spire_regex.c   ignoreNamespaces: Go RE2 syntax, matched unanchored
 *   spire_match.c   which templates each foreign ClusterSPIFFEID selects,
 *                   by a (namespace, label) hash, never all pairs
 *   spire_check.c   the findings (SpireCheck condition)
 */
#ifndef KF_SPIRE_H
#define KF_SPIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_input.h"
#include "kf_resolve.h"
#include "kf_results.h"
#include "kf_workloads.h"

/* A ClusterSPIFFEID of the input that kleym-fn does not own. Strings are
 * borrowed from the input's string pool. */
typedef struct kf_foreign {
    kf_ref ref;
    const char *class_name;     /* "" when classless */
    const char *spiffe_id;      /* spec.spiffeIDTemplate, as text */
    bool fallback;
    bool readable;              /* its selectors parse as SCM parses them */
    bool reconciled;            /* SCM (as configured) reconciles it */
    uint32_t first_req, npod, nns; /* its requirements (spire_match.c) */
    uint32_t unseen_tpl, nunseen; /* the templates receiving a Kleym identity
                                 * that its podSelector selects, but its
                                 * namespaceSelector only with labels of a
                                 * Namespace the input does not hold: the
                                 * first, and how many (spire_match.c) */
} kf_foreign;

/* A template that a foreign ClusterSPIFFEID selects: its pods receive
 * that identity, unless masked (a fallback one, where a non-fallback
 * identity reaches the pods). assumed: the decision needed labels of a
 * Namespace the input does not hold. */
typedef struct kf_grant {
    uint32_t tpl, foreign;
    bool masked, assumed;
} kf_grant;

struct kf_spire;

/* A finding on a binding, its message made when written
 * (kf_result_text_fn): which: the ignoreNamespaces entry (NamespaceIgnored)
 * or the first grant (ExtraIdentity, FallbackReplaced); more: how many
 * more grants of its kind. */
typedef struct kf_note {
    const struct kf_spire *sp;
    uint32_t binding, which, more;
    uint8_t reason;             /* enum kf_reason */
} kf_note;

typedef struct kf_spire {
    kf_foreign *foreign;
    size_t nforeign, foreign_cap;
    kf_grant *grants;           /* sorted by (template, foreign) */
    size_t ngrants, grants_cap;
    bool has_config;            /* an SCM configuration is in the input (read or not) */
    bool checked;               /* the check ran (workloadCheck not off) */
    kf_note *notes;             /* the findings' message arguments (never
                                 * moved: results point at them) */
    size_t nnotes, notes_cap;
    const kf_config *cfg;       /* what the findings' messages read */
    const kf_plan *plan;
    const kf_workloads *w;
    struct kf_spire_state *st;  /* what the parts share (spire.h) */
} kf_spire;

/* Read SPIRE's side of in (its unreadable items reported to rs) and find
 * which templates of w the foreign ClusterSPIFFEIDs select. 0, or -1 when
 * memory runs out. kf_spire_free() in both cases. Call before the input's
 * fields are given back. */
int kf_check_spire(const kf_input *in, const kf_config *cfg, const kf_plan *plan,
                   const kf_workloads *w, kf_spire *sp, kf_results *rs);
/* Then the findings on every rendered binding of plan. Needs none of the
 * input's fields: called after they are given back, so the findings of a
 * large input never coexist with them. 0, or -1: out of memory. */
int kf_spire_findings(kf_spire *sp, kf_results *rs);
void kf_spire_free(kf_spire *sp);

/* Why SCM will not issue rendered binding i's identity: the first of
 * ClassNotReconciled, NamespaceIgnored and TrustDomainMismatch that
 * applies, or KF_R_COUNT when it will (or nothing was checked). */
enum kf_reason kf_spire_refusal(const kf_spire *sp, size_t i);

/* The foreign identities template tpl receives: [*first, *first + n). */
size_t kf_spire_grants_of(const kf_spire *sp, uint32_t tpl, size_t *first);

#endif
