/* input.c - what the input holds, given back (kf_input.h).
 *
 * The reader (read*.c) fills a kf_input; this file is where the input's
 * own arrays are made after reading (the items' origins; the dropped
 * items' are found by kf_find_dropped(), which knows what is dropped),
 * read (an item's place in the output) and released, all of them, in one
 * place.
 */
#include "kf_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An origin's document index as text: at most 11 digits and a NUL. */
#define INDEX_TEXT 12

int kf_input_set_origins(kf_input *in, const kf_origin *origins, size_t n)
{
    if (!origins || n == 0 || in->nitems == 0)
        return 0;
    in->origin_path = calloc(in->nitems, sizeof *in->origin_path);
    in->origin_index = calloc(in->nitems, sizeof *in->origin_index);
    in->origin_text = malloc(in->nitems * INDEX_TEXT);
    if (!in->origin_path || !in->origin_index || !in->origin_text)
        return -1;
    size_t f = 0, in_file = 0;
    for (size_t i = 0; i < in->ntop; i++) {
        uint32_t start = in->items[i].start;
        size_t before = f;
        while (f + 1 < n && origins[f + 1].start <= start)
            f++;
        in_file = f != before ? 0 : in_file;
        in->origin_path[i] = origins[f].path;
        in->origin_index[i] = in->origin_text + i * INDEX_TEXT;
        snprintf(in->origin_text + i * INDEX_TEXT, INDEX_TEXT, "%zu", in_file++);
    }
    for (size_t i = in->ntop; i < in->nitems; i++) { /* List entries: their List's */
        in->origin_path[i] = in->origin_path[kf_item_entry(in, i)->top - 1];
        in->origin_index[i] = in->origin_index[kf_item_entry(in, i)->top - 1];
    }
    return 0;
}

uint32_t kf_input_out_place(const kf_input *in, size_t top)
{
    size_t lo = 0, hi = in->ndropped; /* the dropped items before top: lo */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->dropped[mid] < top)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)(top - lo);
}

void kf_input_drop_fields(kf_input *in)
{
    free(in->fields);
    free(in->fc_fields);
    in->fields = in->fc_fields = NULL;
    in->nfields = in->fields_cap = in->nfc_fields = in->fc_fields_cap = 0;
    for (size_t i = 0; i < in->nitems; i++)
        in->items[i].first_field = in->items[i].nfields = 0;
    in->fc.first_field = in->fc.nfields = 0;
}

void kf_input_drop_layouts(kf_input *in)
{
    free(in->layouts);
    in->layouts = NULL;
    in->nlayouts = in->layouts_cap = 0;
}

void kf_input_free(kf_input *in)
{
    free(in->items);
    free(in->entries);
    free(in->fields);
    free(in->layouts);
    free(in->fc_fields);
    free(in->origin_path);
    free(in->origin_index);
    free(in->origin_text);
    free(in->dropped);
    kf_buf_free(&in->pool);
    memset(in, 0, sizeof *in);
}
