/* read_layout.h - recording where the writer's edits go.
 *
 * The writer inserts an annotation line into a binding's metadata and
 * replaces the ResourceList's items and results. While reading, these
 * functions note where those mappings and pairs are (kf_input.h), with the
 * byte positions read_event.h corrects.
 */
#ifndef KF_SRC_READ_LAYOUT_H
#define KF_SRC_READ_LAYOUT_H

#include <stdbool.h>

#include <libfyaml.h>

#include "read_event.h"
#include "kf_input.h"

/* The layout record of item it, made on first use. NULL: out of memory. */
kf_itemlayout *kf_layout_of(kf_input *in, kf_item *it);
/* Give item it's record back (when it is the latest made). */
void kf_layout_release(kf_input *in, kf_item *it);
/* The value e of a mapping key ending at key_end starts. */
void kf_layout_open(kf_maplayout *l, const kf_ends *en, uint32_t key_end,
                    struct fy_event *e);
/* A key of the mapping l starts. */
static inline void kf_layout_key(kf_maplayout *l) { l->empty = 0; }
/* The mapping l ends with event e; its last value ended at content_end. */
void kf_layout_close(kf_maplayout *l, const kf_ends *en, bool flow,
                     struct fy_event *e, uint32_t content_end);

/* ResourceList pairs. A key of the ResourceList starts at key_start: the
 * pair before it, if recorded, learns where the next key is. */
void kf_pairs_key(kf_input *in, uint32_t key_start);
/* Pair p's key spans [key_start, key_end); the previous pair's value ended
 * at prev_end (0: none). */
void kf_pair_open(kf_pairlayout *p, const kf_ends *en, uint32_t key_start,
                  uint32_t key_end, uint32_t prev_end);
/* Pair p's value starts with event e (a node event). */
void kf_pair_value(kf_pairlayout *p, const kf_ends *en, struct fy_event *e);
/* Pair p's value has been read: the content read so far ends at last. */
void kf_pair_done(kf_pairlayout *p, uint32_t last);

#endif
