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
#include <stdint.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kf_emit.h"
#include "kf_read.h"
#include "kf_resolve.h"

/* Whether generated items must be rendered as JSON (a JSON input, or a flow
 * or null items value to extend), rather than YAML block mappings. */
bool kf_write_items_json(const kf_input *in);

/* Whether results must be rendered as JSON (a JSON input, or a flow
 * ResourceList mapping to extend). */
bool kf_write_results_json(const kf_input *in);

/* A list of n mappings the writer renders one at a time, when it writes
 * them: render(ctx, i, entry_col, out) appends mapping i (without a final
 * newline) to out where entry_col says (kf_emit_open_at(): as a block
 * sequence's entry at that column, or KF_EMIT_AS_IS) and returns 0, or -1
 * when memory runs out. Nothing generated is held in memory all at once. */
typedef struct kf_write_list {
    size_t n;
    int (*render)(void *ctx, size_t i, long entry_col, kf_buf *out);
    void *ctx;
} kf_write_list;

/* Where an item's local-config annotation goes and in which form, made
 * from the reader's layout of the item (80 bytes) once it is read, so
 * that the layouts can be given back before the checks: 16 bytes a
 * binding. */
typedef struct kf_local_mark {
    uint32_t pos, end;  /* the bytes it replaces */
    uint32_t col;       /* the keys' column (block forms) */
    uint8_t form;       /* write.c's enum local_form; 0: nowhere to put it */
} kf_local_mark;

/* The marks of every item with a layout, in the layouts' order (an
 * item's layout - 1 indexes them). */
typedef struct kf_local_marks {
    kf_local_mark *v;
    size_t n;
} kf_local_marks;

/* m made from in's layouts; 0, or -1: out of memory. */
int kf_write_marks(const kf_input *in, kf_local_marks *m);
void kf_write_marks_free(kf_local_marks *m);

/* Write the output. marks: kf_write_marks() of in. gen: the generated items (rendered in the form
 * kf_write_items_json() asks for); res: the results (JSON when the input is
 * JSON), ignored for a plain stream. Returns 0, or -1 when the output could
 * not be written completely; *oom tells whether memory ran out (the output
 * may then stop part-way, like any failed write: the exit status says so).
 * done, when not NULL, is told every MiB or so which of the input's bytes
 * are copied (kf_read_opts.input_done). */
int kf_write(FILE *out, const kf_input *in, const kf_plan *plan,
             const kf_local_marks *marks, const kf_write_list *gen,
             const kf_write_list *res, kf_input_done_fn done,
             bool *oom);

#endif
