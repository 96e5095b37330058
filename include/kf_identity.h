/* kf_identity.h - Kubernetes name rules, SPIFFE rules, and the identity
 * strings kleym-fn derives: SPIFFE IDs, selectors and ClusterSPIFFEID names.
 *
 * Every user-controlled string that reaches an output passes one of these
 * validators first. None of the accepted alphabets contains '{', '}', a
 * space or a quote, so a Go template action (`{{`) cannot reach SPIRE
 * Controller Manager, by construction.
 */
#ifndef KF_IDENTITY_H
#define KF_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "kf_buf.h"

#define KF_MAX_SPIFFE_ID 2048
#define KF_NAME_MAX 63

/* A pod label of a pool's selector. */
typedef struct kf_label {
    const char *key, *value;
} kf_label;

/* Labels by key, for qsort() and bsearch(). */
int kf_label_cmp(const void *a, const void *b);

/* RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63. Namespaces,
 * container names. */
bool kf_is_dns1123_label(const char *s, size_t n);
/* RFC 1123 subdomain: labels joined by '.', at most 253. Object names. */
bool kf_is_dns1123_subdomain(const char *s, size_t n);
/* Label value: empty, or at most 63 of [A-Za-z0-9._-] with alphanumeric
 * ends. */
bool kf_is_label_value(const char *s, size_t n);
/* Label key: [prefix/]name; prefix a DNS subdomain, name 1-63 of
 * [A-Za-z0-9._-] with alphanumeric ends. */
bool kf_is_qualified_name(const char *s, size_t n);
/* A Kleym 0.12 identityBoundary.variant: a non-empty label value. */
bool kf_is_variant(const char *s, size_t n);
/* SPIFFE trust domain: 1-255 of [a-z0-9._-]. */
bool kf_is_trust_domain(const char *s, size_t n);
/* SPIFFE ID: spiffe://<trust domain>/<segments>, segments of
 * [A-Za-z0-9._-], none empty, "." or "..", whole ID at most 2048 bytes. */
bool kf_is_spiffe_id(const char *s, size_t n);

/* The ClusterSPIFFEID name of SPEC section 5, for mode text "pool"
 * (PoolOnly, Kleym 0.12) or "objective" (PerObjective). out receives at most 63 bytes
 * and a NUL. Returns 0, or -1 when memory runs out. */
int kf_identity_name(const char *ns, const char *binding, const char *mode,
                     const char *spiffe_id, char out[KF_NAME_MAX + 1]);

/* Lower-case; every run outside [a-z0-9] becomes one '-'; '-' trimmed at
 * both ends; empty becomes "kleym". */
void kf_sanitize(const char *in, size_t n, kf_buf *out);

/* The workload selectors of SPEC section 5: k8s:ns:<ns>, k8s:sa:<sa>,
 * k8s:pod-label:<k>:<v> per label and, when container is not NULL
 * (PerObjective), k8s:container-name:<container>; sorted bytewise, without
 * duplicates, each followed by '\n', appended to out. 0, or -1: out of
 * memory. */
int kf_selectors(const char *ns, const char *sa, const kf_label *labels,
                 size_t nlabels, const char *container, kf_buf *out);

#endif
