/* kf_notes.h - what a run says on stderr besides its results (notes.c).
 *
 * A result belongs in the output; these are about what is not there: an
 * identity the output no longer holds (a result about it would make the
 * output of the output differ: SPEC section 7, idempotent), a package
 * with nothing to render, an input with nothing in it. One line each,
 * "<prog>: note: ...".
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
/* An input without a resource (no document, or only empty ones; len bytes
 * read) is a valid empty stream, as kpt reads it too (`kpt fn eval -` of
 * nothing writes an empty list). But kpt and kustomize always send a
 * ResourceList: empty stdin means the command feeding the pipe produced
 * nothing, which a render must not pass off as "no problem". The exit
 * status stays 0. */
void kf_note_empty(const kf_input *in, size_t len, FILE *err);

#endif
