/* unit.h - what the unit test files share: the groups main.c runs, and a
 * pipeline run over a small ResourceList written in the test, with
 * questions to ask of it (a binding, its results, its receivers).
 *
 *   test_rules.c      the leaves: name and SPIFFE rules, scalar typing and
 *                     quoting, emitted text, the capture schema, Lists,
 *                     controller-set labels, the writer's pieces
 *   test_results.c    results order, messages made when written, offsets held
 *                     as deltas
 *   test_config.c     SVID option values, configuration merge
 *   test_dialect.c    the dialect table, and what each row renders
 *   test_resolve.c    the resolver's checks of a binding
 *   test_conflicts.c  IdentityCollision, DuplicateSPIFFEID, VariantConflict
 *   test_workloads.c  who receives an identity, the near miss, and
 *                     MultipleIdentities
 *   test_spire.c      SPIRE's side: ignoreNamespaces patterns as Go reads
 *                     them, the class filter, ignored namespaces, foreign
 *                     selectors and the fallback order
 *   test_read.c       the read's choices: a cgroup CPU quota
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kf_pipeline.h"

/* A group of tests: its array and size, defined by its file. */
typedef struct unit_group {
    const struct CMUnitTest *tests;
    size_t n;
} unit_group;

extern const unit_group unit_rules, unit_results, unit_config, unit_dialect,
    unit_resolve, unit_conflicts, unit_workloads, unit_spire, unit_read;

/* Items of a ResourceList, one per macro, in namespace ns. */
#define POOL(name, labels)                                                    \
    "- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"   \
    "  metadata: {name: " name ", namespace: ns}\n"                           \
    "  spec: {selector: {matchLabels: " labels "}}\n"
#define POOL_V1A2(name, labels)                                               \
    "- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"                  \
    "  kind: InferencePool\n  metadata: {name: " name ", namespace: ns}\n"    \
    "  spec: {selector: " labels "}\n"
#define OBJECTIVE(name, pool)                                                 \
    "- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"                  \
    "  kind: InferenceObjective\n  metadata: {name: " name ", namespace: ns}\n" \
    "  spec: {poolRef: {name: " pool "}}\n"
#define BINDING(name, spec)                                                   \
    "- apiVersion: kleym.sonda.red/v1alpha1\n"                                \
    "  kind: InferenceIdentityBinding\n"                                      \
    "  metadata: {name: " name ", namespace: ns}\n  spec: " spec "\n"
#define DEPLOY(name, labels, podspec)                                         \
    "- apiVersion: apps/v1\n  kind: Deployment\n"                             \
    "  metadata: {name: " name ", namespace: ns}\n"                           \
    "  spec: {template: {metadata: {labels: " labels "}, spec: " podspec "}}\n"

/* The common bindings' specs. */
#define SPEC_POOL_ONLY(pool, sa) "{poolRef: {name: " pool "}, serviceAccountName: " sa ", mode: PoolOnly}"
#define SPEC_PER_OBJECTIVE(pool, objective, sa, container)                         \
    "{poolRef: {name: " pool "}, objectiveRef: {name: " objective "}, "       \
    "serviceAccountName: " sa ", containerName: " container "}"
#define SPEC_VARIANT(pool, sa, variant)                                            \
    "{poolRef: {name: " pool "}, serviceAccountName: " sa ", "                \
    "identityBoundary: {variant: " variant "}}"

/* Pool p (labels), objective o of p, and a binding of each dialect on p
 * as service account sa: a (PoolOnly), b (PerObjective, container c) and
 * c (variant decode). */
#define ONE_OF_EACH(labels)                                                   \
    POOL("p", labels) OBJECTIVE("o", "p")                                     \
    BINDING("a", SPEC_POOL_ONLY("p", "sa"))                                   \
    BINDING("b", SPEC_PER_OBJECTIVE("p", "o", "sa", "c"))                     \
    BINDING("c", SPEC_VARIANT("p", "sa", "decode"))

/* One run of the pipeline. */
typedef struct unit_run {
    kf_pipeline p;
    char *buf;
} unit_run;

/* Run the pipeline over a ResourceList of items, trust domain example.org
 * (fc: the functionConfig's data as a flow mapping, or NULL). */
void unit_run_items(unit_run *u, const char *fc, const char *items);
/* The same without a trust domain. */
void unit_run_bare(unit_run *u, const char *items);
void unit_run_free(unit_run *u);

/* Binding ns/name; fails the test when there is none. */
const kf_binding *unit_binding(const unit_run *u, const char *name);
/* Its index in the plan. */
size_t unit_binding_index(const unit_run *u, const char *name);
/* The first result about the item named name with reason, or NULL. */
const kf_result *unit_result(const unit_run *u, const char *name, enum kf_reason r);
/* How many results about the item named name (any reason). */
size_t unit_nresults(const unit_run *u, const char *name);
/* How many templates receive binding name's identity. */
size_t unit_nreceivers(const unit_run *u, const char *name);
/* Whether the message of name's result with reason holds text. */
bool unit_says(const unit_run *u, const char *name, enum kf_reason r, const char *text);
/* The result exists and its message does not say text. */
bool unit_says_not(const unit_run *u, const char *name, enum kf_reason r, const char *text);

#endif
