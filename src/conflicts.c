/* conflicts.c - collisions between bindings, by sorting (kf_conflicts.h). */
#include "kf_conflicts.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    kf_binding *b;
    size_t selector_class; /* of its pool (kf_pool) */
} entry;

/* Two PerObjective bindings select the same workloads when their selector
 * sets are equal: k8s:ns, k8s:sa, k8s:container-name and the pool's
 * k8s:pod-label selectors, none of which can be mistaken for another (label
 * keys and values hold no ':'). So: the same namespace, service account,
 * container and pool label set (selector class). */
static int same_workloads(const entry *a, const entry *b)
{
    int c = strcmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = a->selector_class < b->selector_class ? -1
            : a->selector_class > b->selector_class;
    if (!c)
        c = strcmp(a->b->sa, b->b->sa);
    if (!c)
        c = strcmp(a->b->container, b->b->container);
    return c;
}

static int same_spiffe_id(const entry *a, const entry *b)
{
    return strcmp(a->b->spiffe_id, b->b->spiffe_id);
}

/* Entries by key, then by binding, for messages in a stable order. */
static int by_binding(const entry *a, const entry *b)
{
    int c = strcmp(a->b->ref.namespace, b->b->ref.namespace);
    if (!c)
        c = strcmp(a->b->ref.name, b->b->ref.name);
    return c;
}

static int cmp_workloads(const void *pa, const void *pb)
{
    int c = same_workloads(pa, pb);
    return c ? c : by_binding(pa, pb);
}

static int cmp_spiffe_id(const void *pa, const void *pb)
{
    int c = same_spiffe_id(pa, pb);
    return c ? c : by_binding(pa, pb);
}

/* The peers of v[self] within v[start..end), as "ns/a, ns/b and 3 more". */
static int peers(const entry *v, size_t start, size_t end, size_t self, kf_buf *out)
{
    size_t named = 0, total = end - start - 1;
    for (size_t k = start; k < end && named < KF_CONFLICT_PEERS_NAMED; k++) {
        if (k == self)
            continue;
        if (kf_buf_printf(out, "%s%s/%s", named ? ", " : "", v[k].b->ref.namespace,
                          v[k].b->ref.name) < 0)
            return -1;
        named++;
    }
    if (total > named && kf_buf_printf(out, " and %zu more", total - named) < 0)
        return -1;
    return 0;
}

/* Sort entries with cmp; every run of two or more that key() finds equal
 * fails with reason. */
static int find_runs(entry *v, size_t n, int (*cmp)(const void *, const void *),
                     int (*key)(const entry *, const entry *), bool *fails,
                     kf_results *rs, const char *reason, const char *what)
{
    qsort(v, n, sizeof *v, cmp);
    kf_buf names = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i + 1;
        while (j < n && key(&v[j], &v[i]) == 0)
            j++;
        for (size_t k = i; j - i > 1 && k < j; k++) {
            names.len = 0;
            kf_binding *b = v[k].b;
            fails[k] = true;
            if (peers(v, i, j, k, &names) < 0 ||
                kf_results_add(rs, &b->ref, KF_SEV_ERROR, "Conflict", reason, NULL,
                               what, names.data, b->spiffe_id) < 0) {
                rc = -1;
                break;
            }
        }
        i = j;
    }
    kf_buf_free(&names);
    return rc;
}

int kf_check_conflicts(kf_plan *plan, kf_results *rs)
{
    size_t n = plan->nbindings;
    entry *coll = malloc((n ? n : 1) * sizeof *coll);
    entry *ids = malloc((n ? n : 1) * sizeof *ids);
    bool *coll_fail = calloc(n ? n : 1, sizeof *coll_fail);
    bool *id_fail = calloc(n ? n : 1, sizeof *id_fail);
    int rc = -1;
    if (!coll || !ids || !coll_fail || !id_fail)
        goto out;
    size_t nc = 0, ni = 0;
    for (size_t i = 0; i < n; i++) {
        kf_binding *b = &plan->bindings[i];
        if (!b->ok)
            continue;
        ids[ni++] = (entry){b, 0};
        if (b->mode == KF_MODE_PER_OBJECTIVE)
            coll[nc++] = (entry){b, plan->pools[b->pool].selector_class};
    }
    if (find_runs(coll, nc, cmp_workloads, same_workloads, coll_fail, rs,
                  "IdentityCollision",
                  "selects exactly the same workloads (namespace, pool selector, "
                  "service account and container) as %s, so SPIRE would give those "
                  "pods two identities; %s is not rendered: give each objective its "
                  "own service account or container") < 0 ||
        find_runs(ids, ni, cmp_spiffe_id, same_spiffe_id, id_fail, rs,
                  "DuplicateSPIFFEID",
                  "renders the same SPIFFE ID as %s; %s is not rendered: each SPIFFE "
                  "ID must come from one binding") < 0)
        goto out;
    for (size_t i = 0; i < nc; i++)
        if (coll_fail[i])
            coll[i].b->ok = false;
    for (size_t i = 0; i < ni; i++)
        if (id_fail[i])
            ids[i].b->ok = false;
    rc = 0;
out:
    free(coll);
    free(ids);
    free(coll_fail);
    free(id_fail);
    return rc;
}
