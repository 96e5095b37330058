/* config_repeats.c - a functionConfig source's keys given more than once
 * (config.h): the texts given again, each with its first key.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* The bit of key in a bitmap of nbits (a power of two). */
static size_t key_bit(const char *key, size_t nbits)
{
    return (size_t)kf_hash_str(KF_HASH_BASIS, key) & (nbits - 1);
}

/* The slot of key's text: its own, or the empty one where it goes. */
static size_t text_slot(const kf_key_texts *t, const char *pool, const char *key)
{
    size_t mask = t->nslots - 1, i = (size_t)(kf_hash_str(KF_HASH_BASIS, key) >> 32) & mask;
    while (t->first[i] && strcmp(pool + t->first[i] - 1, key) != 0)
        i = (i + 1) & mask;
    return i;
}

void kf_key_texts_free(kf_key_texts *t)
{
    free(t->first);
    free(t->again);
    memset(t, 0, sizeof *t);
}

/* The key at pool offset off among the texts (the first of a text is
 * the one earlier in the pool); false: out of memory. */
static bool add_text(kf_key_texts *t, const char *pool, uint32_t off)
{
    if (4 * (t->ntexts + 1) > 3 * t->nslots) {
        kf_key_texts grown = {.nslots = t->nslots ? t->nslots * 2 : 64, .ntexts = t->ntexts};
        grown.first = calloc(grown.nslots, sizeof *grown.first);
        grown.again = calloc(grown.nslots / 8, 1);
        if (!grown.first || !grown.again) {
            kf_key_texts_free(&grown);
            return false;
        }
        for (size_t i = 0; i < t->nslots; i++) {
            if (!t->first[i])
                continue;
            size_t k = text_slot(&grown, pool, pool + t->first[i] - 1);
            grown.first[k] = t->first[i];
            if (t->again[i / 8] & (1u << (i % 8)))
                grown.again[k / 8] |= (uint8_t)(1u << (k % 8));
        }
        kf_key_texts_free(t);
        *t = grown;
    }
    size_t k = text_slot(t, pool, pool + off);
    if (!t->first[k]) {
        t->ntexts++;
        t->first[k] = off + 1;
        return true;
    }
    t->again[k / 8] |= (uint8_t)(1u << (k % 8));
    if (off + 1 < t->first[k])
        t->first[k] = off + 1;
    return true;
}

/* Each key has its own text in the pool, in the entries' order. Only the
 * keys whose hash bit is shared (4 bits an entry, twice) are looked at,
 * and the texts given once are dropped before the entries are read: one
 * slot a repeated text, not a pointer a key (one key given 320 000 times
 * held 2.5 MB of them). */
bool kf_find_repeats(const kf_input *in, const kf_view *v, enum kf_fid entry_id,
                     kf_key_texts *rp)
{
    const char *pool = in->pool.data;
    size_t nkeys = 0, nbits = 64;
    memset(rp, 0, sizeof *rp);
    for (size_t i = 0; i < v->nfields; i++)
        nkeys += v->fields[i].id == entry_id;
    if (nkeys < 2)
        return true;
    while (nbits < nkeys * 4)
        nbits *= 2;
    uint8_t *seen = calloc(nbits / 8, 1), *twice = calloc(nbits / 8, 1);
    bool ok = seen && twice;
    for (size_t i = 0; ok && i < v->nfields; i++) {
        if (v->fields[i].id != entry_id)
            continue;
        size_t b = key_bit(kf_field_key(in, &v->fields[i]), nbits);
        uint8_t bit = (uint8_t)(1u << (b % 8));
        if (seen[b / 8] & bit)
            twice[b / 8] |= bit;
        seen[b / 8] |= bit;
    }
    free(seen); /* before the texts' slots are made */
    kf_key_texts shared = {0};
    for (size_t i = 0; ok && i < v->nfields; i++) {
        const kf_field *f = &v->fields[i];
        size_t b = f->id == entry_id ? key_bit(kf_field_key(in, f), nbits) : 0;
        if (f->id == entry_id && (twice[b / 8] & (1u << (b % 8))))
            ok = add_text(&shared, pool, f->text);
    }
    free(twice);
    for (size_t i = 0; ok && i < shared.nslots; i++)
        if (shared.again[i / 8] & (1u << (i % 8)))
            ok = add_text(rp, pool, shared.first[i] - 1);
    kf_key_texts_free(&shared);
    if (!ok)
        kf_key_texts_free(rp);
    return ok;
}

bool kf_is_repeat(const kf_key_texts *rp, const kf_input *in, const kf_field *f)
{
    if (!rp->ntexts)
        return false;
    uint32_t first = rp->first[text_slot(rp, in->pool.data, kf_field_key(in, f))];
    return first && first != f->text + 1;
}
