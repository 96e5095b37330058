/* kf_write.h - the output: the input's bytes, spliced.
 *
 * The writer never re-serialises an input item. It copies the input to the
 * output and applies a sorted list of edits: owned ClusterSPIFFEIDs cut out,
 * the local-config annotation line inserted into bindings, generated items
 * appended to the item list, and the ResourceList's results replaced.
 */
#ifndef KF_WRITE_H
#define KF_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kf_read.h"
#include "kf_resolve.h"

/* Whether generated items must be rendered as JSON (a JSON input, or a flow
 * or null items value to extend), rather than YAML block mappings. */
bool kf_write_items_json(const kf_input *in);

/* Write the output. gen: rendered generated items (in the form
 * kf_write_items_json() asks for); res: rendered results (JSON when the
 * input is JSON), ignored for a plain stream. Returns 0, or -1 when the
 * output could not be written completely. */
int kf_write(FILE *out, const kf_input *in, const kf_plan *plan,
             const kf_buf *gen, size_t ngen, const kf_buf *res, size_t nres);

#endif
