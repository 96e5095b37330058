/* kf_conflicts.h - bindings that must not render together.
 *
 * IdentityCollision: bindings matched by container (PerObjective) whose
 * final selector sets are equal (same namespace, pool selector, service
 * account and container) would hand two identities to the same workload.
 * DuplicateSPIFFEID: bindings that render the same SPIFFE ID.
 * VariantConflict: Kleym 0.12 bindings with the same namespace, service
 * account and variant but different SPIFFE IDs (pools): the variant label no
 * longer tells their pods apart.
 * These are found by sorting; every binding in a conflicting group fails and
 * its message names its peers with their SPIFFE IDs (the first few, then a
 * count).
 */
#ifndef KF_CONFLICTS_H
#define KF_CONFLICTS_H

#include "kf_resolve.h"
#include "kf_results.h"

/* How many peers a conflict message names before it says "and N more". */
#define KF_CONFLICT_PEERS_NAMED 5

int kf_check_conflicts(kf_plan *plan, kf_results *rs);

/* SharedSelectors (conflicts_shared.c): a warning on each binding that
 * renders and whose selector set nests with another rendered binding's
 * (one contains the other); both still render. Call once it is known
 * which bindings render. 0, or -1: out of memory. */
int kf_check_shared_selectors(const kf_plan *plan, kf_results *rs);

#endif
