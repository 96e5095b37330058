/* results_fails.c - a resource's check failures held as one group
 * (kf_results_add_fail(), kf_results.h).
 *
 * A binding with `spec: {}` fails five ways: 40 000 of them made 200 000
 * results of 40 bytes. The failures of one resource are held as a group
 * instead: its ref, the order of its first failure and its list of
 * failures (reason, field, message) in report order; a list equal to one
 * stored lately (64 slots by hash) is not stored again, so the bindings
 * that fail the same way share one. Groups come in (namespace, name)
 * order, each name once, so their members come in report order, and the
 * report merges them with the stored results (report.c). A resource whose
 * (namespace, name) does not sort after the last group's, or with more
 * failures than a list holds, gets results of its own: reported the same.
 */
#include <stdlib.h>
#include <string.h>

#include "kf_buf.h"
#include "results.h"

/* The most failures a list holds (kf_fail.left is 8 bits). */
#define LIST_MAX 256

/* Report order within one resource: reason, then as found. */
static int cmp_fail(const kf_fail *a, const kf_fail *b)
{
    int c = a->reason == b->reason
                ? 0 : strcmp(kf_reason_name(a->reason), kf_reason_name(b->reason));
    return c ? c : (int)a->nth - (int)b->nth;
}

/* A few failures: insertion sort. */
static void sort_fails(kf_fail *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        kf_fail f = v[i];
        size_t j = i;
        for (; j > 0 && cmp_fail(&v[j - 1], &f) > 0; j--)
            v[j] = v[j - 1];
        v[j] = f;
    }
}

static int cmp_name(const kf_ref *a, const kf_ref *b)
{
    int c = strcmp(a->namespace, b->namespace);
    return c ? c : strcmp(a->name, b->name);
}

static bool same_fail(const kf_fail *a, const kf_fail *b)
{
    return a->message == b->message && a->field == b->field && a->nth == b->nth &&
           a->reason == b->reason && a->left == b->left;
}

/* v[0..n) as results of their own, with the orders they were given. */
static int add_plain(kf_results *rs, const kf_fail *v, size_t n, const kf_ref *ref,
                     uint32_t order)
{
    for (size_t i = 0; i < n; i++) {
        kf_result *r = kf_results_new(rs, ref, KF_SEV_ERROR, v[i].reason, v[i].field);
        if (!r)
            return -1;
        r->shared = 1;
        r->message = (char *)v[i].message; /* never freed through the result */
        r->order = order + v[i].nth;
        rs->n++;
    }
    return 0;
}

/* Where list v[0..n) is in rs->fails: an equal one stored lately, or a
 * copy. -1: out of memory. */
static int64_t store_list(kf_results *rs, const kf_fail *v, size_t n)
{
    uint64_t h = KF_HASH_BASIS;
    for (size_t i = 0; i < n; i++) {
        uint32_t small = v[i].nth | (uint32_t)v[i].reason << 16;
        h = kf_hash_mem(h, &v[i].message, sizeof v[i].message);
        h = kf_hash_mem(h, &v[i].field, sizeof v[i].field);
        h = kf_hash_mem(h, &small, sizeof small);
    }
    uint32_t *slot = &rs->recent_fails[h % (sizeof rs->recent_fails / sizeof *rs->recent_fails)];
    if (*slot) {
        const kf_fail *old = &rs->fails[*slot - 1];
        size_t i = 0;
        if (old->left == v[0].left) /* then n entries follow it */
            while (i < n && same_fail(&old[i], &v[i]))
                i++;
        if (i == n)
            return *slot - 1;
    }
    if (rs->nfails + n >= UINT32_MAX ||
        kf_array_grow((void **)&rs->fails, &rs->fails_cap, rs->nfails + n,
                      sizeof *rs->fails) < 0)
        return -1;
    memcpy(&rs->fails[rs->nfails], v, n * sizeof *v);
    *slot = (uint32_t)rs->nfails + 1;
    rs->nfails += n;
    return *slot - 1;
}

int kf_results_end_fails(kf_results *rs)
{
    size_t n = rs->npend;
    if (!n)
        return 0;
    rs->npend = 0;
    kf_fail *v = rs->pend;
    const kf_ref *ref = rs->pend_ref;
    sort_fails(v, n);
    if (n > LIST_MAX || rs->ngroups >= UINT32_MAX ||
        (rs->ngroups && cmp_name(rs->groups[rs->ngroups - 1].ref, ref) >= 0))
        return add_plain(rs, v, n, ref, rs->pend_order);
    for (size_t i = 0; i < n; i++)
        v[i].left = (uint8_t)(n - 1 - i);
    int64_t at = store_list(rs, v, n);
    if (at < 0 || kf_array_grow((void **)&rs->groups, &rs->groups_cap, rs->ngroups + 1,
                                sizeof *rs->groups) < 0)
        return -1;
    rs->groups[rs->ngroups++] = (kf_fail_group){ref, (uint32_t)at, rs->pend_order};
    return 0;
}

int kf_results_add_fail(kf_results *rs, const kf_ref *ref, enum kf_reason reason,
                        const char *field, const char *msg)
{
    /* nth is 16 bits: more failures than that start another group */
    if (rs->npend && (rs->pend_ref != ref || rs->npend > UINT16_MAX) &&
        kf_results_end_fails(rs) < 0)
        return -1;
    if (rs->norder >= UINT32_MAX - 1)
        return -1;
    const char *t = kf_results_text(rs, msg);
    if (!t || kf_array_grow((void **)&rs->pend, &rs->pend_cap, rs->npend + 1,
                            sizeof *rs->pend) < 0)
        return -1;
    if (!rs->npend) {
        rs->pend_ref = ref;
        rs->pend_order = rs->norder;
    }
    rs->pend[rs->npend] = (kf_fail){.message = t, .field = field,
                                    .nth = (uint16_t)rs->npend, .reason = (uint8_t)reason};
    rs->npend++;
    rs->norder++;
    return 0;
}

uint32_t kf_fail_group_count(const kf_results *rs, size_t g)
{
    return rs->fails[rs->groups[g].fail].left + 1u;
}

void kf_fail_group_result(const kf_results *rs, size_t g, uint32_t m, kf_result *out)
{
    const kf_fail_group *gr = &rs->groups[g];
    const kf_fail *f = &rs->fails[gr->fail + m];
    memset(out, 0, sizeof *out);
    out->ref = gr->ref;
    out->field = f->field;
    out->message = (char *)f->message;
    out->order = gr->order + f->nth;
    out->severity = KF_SEV_ERROR;
    out->reason = f->reason;
    out->shared = 1;
}

int kf_results_ungroup(kf_results *rs)
{
    if (kf_results_end_fails(rs) < 0)
        return -1;
    if (!rs->ngroups)
        return 0;
    size_t total = 0;
    for (size_t g = 0; g < rs->ngroups; g++)
        total += kf_fail_group_count(rs, g);
    if (kf_array_grow((void **)&rs->v, &rs->cap, rs->n + total, sizeof *rs->v) < 0)
        return -1;
    for (size_t g = 0; g < rs->ngroups; g++)
        for (uint32_t m = 0; m < kf_fail_group_count(rs, g); m++)
            kf_fail_group_result(rs, g, m, &rs->v[rs->n++]);
    kf_results_free_fails(rs);
    kf_results_sort(rs);
    return 0;
}

void kf_results_free_fails(kf_results *rs)
{
    free(rs->groups);
    free(rs->fails);
    free(rs->pend);
    rs->groups = NULL;
    rs->fails = rs->pend = NULL;
    rs->ngroups = rs->groups_cap = rs->nfails = rs->fails_cap = 0;
    rs->npend = rs->pend_cap = 0;
    memset(rs->recent_fails, 0, sizeof rs->recent_fails);
}
