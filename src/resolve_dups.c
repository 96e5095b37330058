/* resolve_dups.c - duplicate objects: items of the kinds read that share
 * apiVersion, kind, namespace and name (resolve.h).
 *
 * Each item's four texts hashed and looked up in a table: only the items
 * whose hash another's equals are then sorted, by hash and texts, so the
 * copies of an object meet and their results are added in text order.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_sort.h"
#include "resolve.h"

typedef struct idkey {
    const char *api, *kind, *ns, *name;
    size_t item;
    uint64_t hash;   /* of the four texts (object_key()) */
} idkey;

/* The name first: it sets nearly every two items apart at its first
 * bytes, where most items share their apiVersion and kind. (Results are
 * sorted by namespace and name when written, ties kept in the order they
 * were added: within one namespace and name that is still by apiVersion,
 * kind and item.) */
static int cmp_texts(const idkey *a, const idkey *b)
{
    int c = strcmp(a->name, b->name);
    if (!c)
        c = strcmp(a->ns, b->ns);
    if (!c)
        c = strcmp(a->api, b->api);
    if (!c)
        c = strcmp(a->kind, b->kind);
    return c;
}

/* The texts, then the item: a total order. */
static int cmp_idkey(const void *pa, const void *pb)
{
    const idkey *a = pa, *b = pb;
    int c = cmp_texts(a, b);
    return c ? c : a->item < b->item ? -1 : a->item > b->item;
}

/* Where a copy of a duplicate object is (its ref's place), in an array
 * the results keep: 32 bytes a copy, its message and ref made when
 * written (dupgroup). */
typedef struct dupwhere {
    const char *path, *index, *entry;
    uint32_t position, shown;
} dupwhere;

/* The copies of one object, one run of results (kf_results_add_run()):
 * the first copy's ref (the object's apiVersion, kind, namespace and
 * name: every copy's) and where each is. */
typedef struct dupgroup {
    kf_result_run head;    /* count: the copies */
    kf_ref ref;
    const dupwhere *where;
} dupgroup;

static void place(kf_ref *ref, const dupwhere *w)
{
    ref->path = w->path;
    ref->index = w->index;
    ref->entry = w->entry;
    ref->position = w->position;
    ref->shown = w->shown;
}

/* Copy m's message and ref (kf_result_member_fn): it names the first
 * copy, the first names the second. */
static int duplicate_member(const void *arg, uint32_t m, kf_buf *out, const char **field,
                            kf_ref *ref)
{
    const dupgroup *g = arg;
    (void)field; /* the run's */
    kf_ref other = g->ref;
    place(&other, &g->where[m ? 0 : 1]);
    place(ref, &g->where[m]);
    char where[512];
    kf_ref_where(&other, where, sizeof where);
    return kf_buf_printf(out, "%s %s%s%s is defined %" PRIu32 " times (also at %s); "
                         "keep exactly one", ref->kind, ref->namespace,
                         ref->namespace[0] ? "/" : "", ref->name, g->head.count, where);
}

/* The hash first: two keys compared rarely reach the texts, which lie
 * wherever their items' fields are (a cache miss each). Equal objects
 * sort together, in cmp_idkey()'s order. */
static int cmp_idkey_hash(const void *pa, const void *pb)
{
    const idkey *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return cmp_idkey(pa, pb);
}

/* The end of the run of keys[i..n) with the same object. */
static size_t same_object(const idkey *keys, size_t i, size_t n)
{
    size_t j = i + 1;
    while (j < n && keys[j].hash == keys[i].hash && cmp_texts(&keys[j], &keys[i]) == 0)
        j++;
    return j;
}

/* Item i's key when it takes part in the search for duplicates (a kind
 * read, a name; not SPIRE's side nor an owned ClusterSPIFFEID). */
static bool object_key(const kf_input *in, const kf_kmask *cls, size_t i, idkey *k)
{
    /* SPIRE's side is read, never owned: its copies are SCM's business
     * (several SCM configurations are reported by the SPIRE check) */
    if (!cls[i] || (cls[i] & (KF_KC_SCMCONFIG | KF_KC_CONFIGMAP | KF_KC_NAMESPACE)))
        return false;
    kf_view v;
    kf_view_item(&v, in, i);
    const char *name = kf_view_str(&v, KF_F_NAME);
    if (!name[0] || (cls[i] == KF_KC_CSID && kf_is_owned_csid(&v)))
        return false;
    *k = (idkey){kf_view_str(&v, KF_F_APIVERSION), kf_view_str(&v, KF_F_KIND),
                 kf_view_namespace(&v), name, i, 0};
    k->hash = kf_hash_str(kf_hash_str(kf_hash_str(kf_hash_str(KF_HASH_BASIS, k->api),
                                                  k->kind), k->ns), k->name);
    return true;
}

/* Mark in cand[] every item whose key's hash another item's equals: each
 * hash looked up in a table of key numbers (open addressing, at least
 * twice the slots of keys, 4 bytes a slot), so that only these few are
 * sorted. 16 bytes a key and at most 16 a key of table, where sorting
 * every key took 48. */
static int mark_candidates(const kf_input *in, const kf_kmask *cls, bool *cand)
{
    typedef struct idhash {
        uint64_t hash;
        size_t item;
    } idhash;
    idhash *keys = malloc((in->nitems ? in->nitems : 1) * sizeof *keys);
    if (!keys)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        idkey k;
        if (object_key(in, cls, i, &k))
            keys[n++] = (idhash){k.hash, i};
    }
    unsigned bits = 1;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    size_t mask = ((size_t)1 << bits) - 1;
    uint32_t *slots = calloc(mask + 1, sizeof *slots); /* a key's number + 1 */
    if (!slots) {
        free(keys);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t s = (size_t)((keys[k].hash * 0x9e3779b97f4a7c15u) >> (64 - bits));;
             s = (s + 1) & mask) {
            if (!slots[s]) {
                slots[s] = (uint32_t)(k + 1);
                break;
            }
            const idhash *o = &keys[slots[s] - 1];
            if (o->hash == keys[k].hash) { /* the earlier one stands for both */
                cand[o->item] = cand[keys[k].item] = true;
                break;
            }
        }
    free(slots);
    free(keys);
    return 0;
}

/* Mark in dup[] every item whose (apiVersion, kind, namespace, name) is
 * shared with another item of a kind the function reads, and report it.
 * Owned ClusterSPIFFEIDs are left out: every copy is dropped anyway, so a
 * stale second copy is cleaned up rather than reported (and the output,
 * run again, gives the same result). The keys are freed before the
 * results grow: an input of many copies peaks here. */
int kf_find_duplicates(kf_resolver *r, const kf_kmask *cls, bool *dup)
{
    const kf_input *in = r->in;
    /* the items whose hash is another's, marked in dup[] for now */
    if (mark_candidates(in, cls, dup) < 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < in->nitems; i++)
        n += dup[i];
    idkey *keys = malloc((n ? n : 1) * sizeof *keys);
    if (!keys)
        return -1;
    n = 0;
    for (size_t i = 0; i < in->nitems; i++)
        if (dup[i]) {
            dup[i] = false; /* set below when a copy */
            object_key(in, cls, i, &keys[n++]);
        }
    /* Sorted by hash, the copies of an object meet (and keys that only
     * share a hash part); only they are then sorted by their texts, the
     * order their results are added in. Both orders are total: sorted in
     * place (kf_sort(), no copy). */
    kf_sort(keys, n, sizeof *keys, cmp_idkey_hash);
    size_t ndups = 0, ngroups = 0;
    for (size_t i = 0, j; i < n; i = j) {
        j = same_object(keys, i, n);
        ngroups += j - i > 1;
        for (size_t k = i; j - i > 1 && k < j; k++)
            keys[ndups++] = keys[k];
    }
    kf_sort(keys, ndups, sizeof *keys, cmp_idkey);
    n = ndups;
    dupwhere *dups = ndups ? malloc(ndups * sizeof *dups) : NULL;
    dupgroup *groups = ngroups ? malloc(ngroups * sizeof *groups) : NULL;
    if ((ndups && !dups) || (ngroups && !groups)) {
        free(keys);
        free(dups);
        free(groups);
        return -1;
    }
    size_t d = 0, g = 0;
    for (size_t i = 0, j; i < n; i = j) {
        j = same_object(keys, i, n);
        for (size_t k = i; j - i > 1 && k < j; k++, d++) {
            kf_view v;
            kf_view_item(&v, in, keys[k].item);
            kf_ref ref = kf_view_ref(&v, keys[k].item);
            if (k == i)
                groups[g++] = (dupgroup){{duplicate_member, (uint32_t)(j - i)}, ref, &dups[d]};
            dups[d] = (dupwhere){ref.path, ref.index, ref.entry, ref.position, ref.shown};
            dup[keys[k].item] = true;
        }
    }
    free(keys);
    /* the results read dups and groups from now on */
    if (ndups && kf_results_keep(r->rs, dups) < 0) {
        free(groups);
        r->failed = true;
        return 0;
    }
    if (ngroups && kf_results_keep(r->rs, groups) < 0) {
        r->failed = true;
        return 0;
    }
    /* one result a copy, held as one a group: the copies of an object
     * sort together (their namespace and name), in order */
    for (g = 0; g < ngroups; g++)
        if (kf_results_add_run(r->rs, &groups[g].ref, KF_SEV_ERROR, KF_R_DUPLICATE_OBJECT,
                               "metadata.name", &groups[g].head) < 0)
            r->failed = true;
    return 0;
}
