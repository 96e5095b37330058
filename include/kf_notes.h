/* kf_notes.h - what a run says on stderr besides its results (notes.c).
 *
 * A result belongs in the output; these are about what is not there: an
 * identity the output no longer holds (a result about it would make the
 * output of the output differ: SPEC section 7, idempotent), or a package
 * with nothing to render. One line each, "<prog>: note: ...".
 */
#ifndef KF_NOTES_H
#define KF_NOTES_H

#include <stddef.h>
#include <stdio.h>

#include "kf_resolve.h"

/* Every ClusterSPIFFEID kleym-fn rendered before that the output drops and
 * no binding renders again under its name (once rendering is decided:
 * after the conflicts and the withholding), each name once. Returns how
 * many. */
size_t kf_note_removed(const kf_plan *plan, const char *prog, FILE *err);
/* Pools and no binding: nothing is rendered, and the kustomize overlay
 * trap is the likely cause. */
void kf_note_unbound(const kf_plan *plan, FILE *err);

#endif
