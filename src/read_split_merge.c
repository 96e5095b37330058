/* read_split_merge.c - the slice's reading appended to the head's
 * (read_split.h).
 *
 * Both readers recorded offsets into the whole buffer, so items and
 * layouts are copied as they are; what is renumbered is what counts from
 * the start of its own reader's arrays: an item's first field and layout,
 * and a field's text in the string pool (offset 0, "", stays 0). The
 * head's last item ends where the slice's first begins, as the serial
 * read's next item would have said.
 */
#include <stdlib.h>
#include <string.h>

#include "kf_buf.h"
#include "read_split.h"

/* One of the slice's arrays, copied: given back. */
static void give_back(void *array, size_t *n, size_t *cap)
{
    void **p = array;
    free(*p);
    *p = NULL;
    *n = *cap = 0;
}

int kf_split_merge(kf_input *in, kf_input *part)
{
    size_t nitems = in->nitems, nfields = in->nfields, nlayouts = in->nlayouts;
    size_t pool = in->pool.len;
    /* The slice's pool: "" at offset 0, then its texts. */
    size_t ptext = part->pool.len > 0 ? part->pool.len - 1 : 0;
    if (pool + ptext >= UINT32_MAX)
        return -1;
    /* Each of the slice's arrays is given back once copied: the peak holds
     * the head's arrays grown and the largest of the slice's, not all of
     * them (the 100k list's two-thread read peaked here). */
    if (kf_buf_append(&in->pool, ptext ? part->pool.data + 1 : "", ptext) < 0)
        return -1;
    kf_buf_free(&part->pool);
    if (kf_array_grow((void **)&in->items, &in->items_cap, nitems + part->nitems,
                      sizeof *in->items) < 0)
        return -1;
    for (size_t i = 0; i < part->nitems; i++) {
        kf_item it = part->items[i];
        it.first_field += (uint32_t)nfields;
        if (it.layout)
            it.layout += (uint32_t)nlayouts;
        in->items[nitems + i] = it;
    }
    if (nitems > 0 && part->nitems > 0)
        in->items[nitems - 1].slot_end = part->items[0].slot_start;
    in->nitems += part->nitems;
    give_back(&part->items, &part->nitems, &part->items_cap);
    if (kf_array_grow((void **)&in->fields, &in->fields_cap, nfields + part->nfields,
                      sizeof *in->fields) < 0)
        return -1;
    for (size_t i = 0; i < part->nfields; i++) {
        kf_field f = part->fields[i];
        if (f.text)
            f.text = f.text - 1 + (uint32_t)pool;
        in->fields[nfields + i] = f;
    }
    in->nfields += part->nfields;
    give_back(&part->fields, &part->nfields, &part->fields_cap);
    if (kf_array_grow((void **)&in->layouts, &in->layouts_cap, nlayouts + part->nlayouts,
                      sizeof *in->layouts) < 0)
        return -1;
    if (part->nlayouts)
        memcpy(in->layouts + nlayouts, part->layouts,
               part->nlayouts * sizeof *part->layouts);
    in->nlayouts += part->nlayouts;
    give_back(&part->layouts, &part->nlayouts, &part->layouts_cap);
    return 0;
}
