/* kf_view.h - looking at one item's captured fields.
 *
 * The reader stores an item's fields as a flat list. A kf_view indexes the
 * single-valued ones by id (first occurrence wins, later ones mark dup) and
 * builds the kf_ref that results use to name the item.
 */
#ifndef KF_VIEW_H
#define KF_VIEW_H

#include "kf_input.h"
#include "kf_results.h"

typedef struct kf_view {
    const kf_input *in;
    const kf_field *fields;  /* all of the item's fields */
    size_t nfields;
    const kf_field *f[KF_F_SINGLE];
    bool dup[KF_F_SINGLE];
} kf_view;

/* Index the single fields of template slot `slot` (0: the item itself). */
void kf_view_init(kf_view *v, const kf_input *in, const kf_field *fields,
                  size_t n, unsigned slot);
/* A view of item `item` of the input (its slot-0 fields). */
void kf_view_item(kf_view *v, const kf_input *in, size_t item);
/* The kind the viewed item is, when kleym-fn reads that kind at the item's
 * apiVersion (*rank: the apiVersion's rank), else NULL. */
const kf_kind *kf_view_kind(const kf_view *v, int *rank);
/* kf_view_kind() of item `item`'s view, without making the view: its
 * apiVersion and kind are nearly always its first fields. */
const kf_kind *kf_item_kind(const kf_input *in, size_t item, int *rank);
/* The field's text when it is a string, else "". */
const char *kf_view_str(const kf_view *v, enum kf_fid id);
/* The field's type (KF_V_ABSENT when missing). */
enum kf_vtype kf_view_type(const kf_view *v, enum kf_fid id);
/* The namespace of a namespaced item (SPEC section 3): its
 * metadata.namespace, or, when that is absent or "", the configured
 * namespace (kf_input.default_ns), else "". */
const char *kf_view_namespace(const kf_view *v);
/* Whether the item has no metadata.namespace of its own (absent or "";
 * not one given twice; an unquoted null is a typing error, not absent). */
bool kf_view_namespace_less(const kf_view *v);
/* The item's identity and file, for results; a namespaced kind read gets
 * its namespace by kf_view_namespace(). Without a file, the place it is
 * named by is its (or its List's) place in the output: kf_find_dropped()
 * must have run on the input. */
kf_ref kf_view_ref(const kf_view *v, size_t position);
/* Whether a field is present and null: an empty plain value, ~ or null. */
bool kf_field_is_null(const kf_input *in, const kf_field *f);
/* Why a field is not a usable string ("is required", "is an alias; ...",
 * a typing-trap explanation written into buf), or NULL when it is one. */
const char *kf_field_problem(const kf_input *in, const kf_field *f, bool dup,
                             char *buf, size_t cap);
/* The same for the view's single field id (duplicates included). */
const char *kf_view_problem(const kf_view *v, enum kf_fid id, char *buf,
                            size_t cap);

#endif
