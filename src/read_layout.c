/* read_layout.c - where the writer's edits go (read_layout.h). */
#include "read_layout.h"

#include <string.h>

kf_itemlayout *kf_layout_of(kf_input *in, kf_item *it)
{
    if (!it->layout) {
        if (kf_array_grow((void **)&in->layouts, &in->layouts_cap,
                          in->nlayouts + 1, sizeof *in->layouts) < 0)
            return NULL;
        memset(&in->layouts[in->nlayouts], 0, sizeof *in->layouts);
        it->layout = (uint32_t)++in->nlayouts;
    }
    return &in->layouts[it->layout - 1];
}

void kf_layout_release(kf_input *in, kf_item *it)
{
    if (it->layout && it->layout == in->nlayouts)
        in->nlayouts--;
    it->layout = 0;
}

void kf_layout_open(kf_maplayout *l, const kf_ends *en, uint32_t key_end,
                    struct fy_event *e)
{
    l->present = 1;
    l->colon = kf_after_colon(en, key_end);
    if (e->type == FYET_MAPPING_START) {
        l->type = KF_V_MAP;
        l->start = kf_event_start(en, e);
        l->flow = en->buf[l->start] == '{';
        l->empty = 1;
        /* A block mapping's mark is its first key, with the key's own tag,
         * anchor or quotes (the key's mark is past them, or missing for an
         * empty key), and without the mapping's properties. */
        l->first_key = l->start;
        l->key_col = (uint32_t)kf_event_col(e);
    } else if (e->type == FYET_SCALAR) {
        size_t n = 0;
        const char *t = kf_scalar_text(en, e, &n);
        l->type = kf_scalar_type(en, e, t, n);
        uint32_t s, end;
        kf_scalar_span(en, e, &s, &end);
        if (n > 0) {
            l->null_start = s;
            l->null_end = end;
        }
    } else {
        l->type = e->type == FYET_ALIAS ? KF_V_ALIAS : KF_V_SEQ;
    }
}

void kf_layout_close(kf_maplayout *l, const kf_ends *en, bool flow,
                     struct fy_event *e, uint32_t content_end)
{
    l->end = flow ? kf_mark_pos(en, fy_event_end_mark(e)) : en->last;
    l->content_end = content_end;
}

void kf_pairs_key(kf_input *in, uint32_t key_start)
{
    kf_pairlayout *pairs[2] = {&in->items_pair, &in->results_pair};
    for (int i = 0; i < 2; i++)
        if (pairs[i]->present && pairs[i]->value_end && !pairs[i]->next_start)
            pairs[i]->next_start = key_start;
}

void kf_pair_open(kf_pairlayout *p, const kf_ends *en, uint32_t key_start,
                  uint32_t key_end, uint32_t prev_end)
{
    p->present = 1;
    p->key_start = key_start;
    p->colon = kf_after_colon(en, key_end);
    p->prev_end = prev_end;
}

void kf_pair_value(kf_pairlayout *p, const kf_ends *en, struct fy_event *e)
{
    uint32_t start = kf_event_start(en, e);
    p->value_start = start;
    p->col = (uint32_t)kf_event_col(e);
    switch (e->type) {
    case FYET_SEQUENCE_START:
        p->value_type = KF_V_SEQ;
        p->flow = en->buf[start] == '[';
        break;
    case FYET_MAPPING_START:
        p->value_type = KF_V_MAP;
        p->flow = en->buf[start] == '{';
        break;
    case FYET_SCALAR: {
        size_t n = 0;
        const char *t = kf_scalar_text(en, e, &n);
        p->value_type = kf_scalar_type(en, e, t, n);
        if (n == 0)
            p->value_start = 0;
        break;
    }
    default:
        p->value_type = KF_V_ALIAS;
        break;
    }
}

void kf_pair_done(kf_pairlayout *p, uint32_t last)
{
    p->value_end = last > p->colon ? last : p->colon;
}
