/* report.c - the results in the order they are reported (kf_report.h). */
#include "kf_report.h"

#include <stdlib.h>
#include <string.h>

/* The info result of rendered binding j, without its message: what the
 * merge compares. Its order puts it after every stored result. */
static void info_result(const kf_report *rep, size_t j, kf_result *out)
{
    const kf_binding *b = &rep->plan->bindings[rep->rendered[j]];
    memset(out, 0, sizeof *out);
    out->ref = &b->ref;
    out->severity = KF_SEV_INFO;
    out->reason = KF_R_RENDERED;
    out->order = (uint32_t)(rep->rs->norder + j); /* below UINT32_MAX: kf_report_build() */
}

/* The first slot of a group of failures (kf_report.order), and of a
 * piece of one. */
static size_t group_base(const kf_report *rep)
{
    return rep->rs->n + rep->nrendered;
}

static size_t piece_base(const kf_report *rep)
{
    return group_base(rep) + rep->rs->ngroups;
}

/* Slot o's group of failures, first member and count; false: o is not
 * one. */
static bool group_span(const kf_report *rep, uint32_t o, size_t *g, uint32_t *first,
                       uint32_t *count)
{
    if (o < group_base(rep))
        return false;
    if (o < piece_base(rep)) {
        *g = o - group_base(rep);
        *first = 0;
        *count = kf_fail_group_count(rep->rs, *g);
    } else {
        const struct kf_report_piece *p = &rep->pieces[o - piece_base(rep)];
        *g = p->group;
        *first = p->first;
        *count = p->count;
    }
    return true;
}

/* How many results slot o stands for. */
static uint32_t slot_count(const kf_report *rep, uint32_t o)
{
    size_t g;
    uint32_t first, count;
    if (o < rep->rs->n)
        return kf_result_count(&rep->rs->v[o]);
    return group_span(rep, o, &g, &first, &count) ? count : 1;
}

/* The members of group g from first, count of them, as the next slot:
 * the whole group, or a piece. -1: out of memory. */
static int put_group(kf_report *rep, size_t g, uint32_t first, uint32_t count, size_t *k)
{
    if (first == 0 && count == kf_fail_group_count(rep->rs, g)) {
        rep->order[(*k)++] = (uint32_t)(group_base(rep) + g);
        return 0;
    }
    if (kf_array_grow((void **)&rep->pieces, &rep->pieces_cap, rep->npieces + 1,
                      sizeof *rep->pieces) < 0)
        return -1;
    rep->pieces[rep->npieces] = (struct kf_report_piece){(uint32_t)g, (uint16_t)first,
                                                         (uint16_t)count};
    rep->order[(*k)++] = (uint32_t)(piece_base(rep) + rep->npieces++);
    return 0;
}

int kf_report_build(kf_report *rep, const kf_results *rs, const kf_plan *plan,
                    const kf_workloads *w)
{
    memset(rep, 0, sizeof *rep);
    rep->rs = rs;
    rep->plan = plan;
    rep->w = w;
    if ((size_t)rs->norder + plan->nbindings >= UINT32_MAX)
        return -1;
    rep->rendered = malloc((plan->nbindings ? plan->nbindings : 1) *
                           sizeof *rep->rendered);
    if (!rep->rendered)
        return -1;
    for (size_t i = 0; i < plan->nbindings; i++)
        if (plan->bindings[i].ok)
            rep->rendered[rep->nrendered++] = (uint32_t)i;
    size_t nfailed = 0; /* the groups' members */
    for (size_t g = 0; g < rs->ngroups; g++)
        nfailed += kf_fail_group_count(rs, g);
    rep->n = rep->nrendered + nfailed;
    for (size_t i = 0; i < rs->n; i++)
        rep->n += kf_result_count(&rs->v[i]);
    /* at most a slot a member; a group is one slot unless split */
    size_t most = rs->n + rep->nrendered + nfailed;
    if (most + rs->ngroups >= UINT32_MAX)
        return -1;
    rep->order = malloc((most ? most : 1) * sizeof *rep->order);
    if (!rep->order)
        return -1;
    /* Three lists, each sorted as kf_result_cmp() orders the results:
     * the stored results, the info results (bindings sort by (namespace,
     * name), which kf_result_cmp() compares first) and the groups'
     * members (kf_results_add_fail()). A run is written whole; a group
     * too, unless a stored result comes between its members. */
    size_t i = 0, j = 0, g = 0, k = 0;
    uint32_t m = 0, from = 0; /* group g's next member; where its slot began */
    kf_result info, failed;
    while (i < rs->n || j < rep->nrendered || g < rs->ngroups) {
        const kf_result *best = i < rs->n ? &rs->v[i] : NULL;
        int which = 0; /* 0 stored, 1 info, 2 member */
        if (j < rep->nrendered) {
            info_result(rep, j, &info);
            if (!best || kf_result_cmp(&info, best) < 0) {
                best = &info;
                which = 1;
            }
        }
        if (g < rs->ngroups) {
            kf_fail_group_result(rs, g, m, &failed);
            if (!best || kf_result_cmp(&failed, best) < 0)
                which = 2;
        }
        if (which == 2) {
            if (++m == kf_fail_group_count(rs, g)) {
                if (put_group(rep, g, from, m - from, &k) < 0)
                    return -1;
                g++;
                m = from = 0;
            }
            continue;
        }
        if (m > from) { /* a group split: its members so far, one slot */
            if (put_group(rep, g, from, m - from, &k) < 0)
                return -1;
            from = m;
        }
        rep->order[k++] = which == 0 ? (uint32_t)i++ : (uint32_t)(rs->n + j++);
    }
    rep->nslots = k;
    return 0;
}

/* The slot of result i, and which member of it i is: found from where
 * the last call was, in turn. */
static uint32_t slot_of(kf_report *rep, size_t i, uint32_t *member)
{
    if (i < rep->at) {
        rep->at = rep->at_slot = 0;
        rep->at_member = 0;
    }
    while (rep->at < i) {
        if (rep->at_member + 1 < slot_count(rep, rep->order[rep->at_slot])) {
            rep->at_member++;
        } else {
            rep->at_slot++;
            rep->at_member = 0;
        }
        rep->at++;
    }
    *member = rep->at_member;
    return rep->order[rep->at_slot];
}

const kf_result *kf_report_get(kf_report *rep, size_t i, kf_result *tmp)
{
    uint32_t m, first, count;
    uint32_t o = slot_of(rep, i, &m);
    size_t g;
    if (group_span(rep, o, &g, &first, &count)) {
        kf_fail_group_result(rep->rs, g, first + m, tmp);
        return tmp;
    }
    if (o < rep->rs->n) {
        const kf_result *r = &rep->rs->v[o];
        if (r->run) { /* member m, made when written */
            const kf_result_run *run = r->arg;
            *tmp = *r;
            tmp->run = 0;
            tmp->order = r->order + m;
            kf_buf_clear(&rep->msg);
            rep->ref = *r->ref;
            tmp->ref = &rep->ref;
            if (run->member(run, m, &rep->msg, &tmp->field, &rep->ref) < 0 ||
                kf_buf_puts(&rep->msg, "") < 0)
                return NULL;
            tmp->message = rep->msg.data;
            return tmp;
        }
        if (!r->text)
            return r;
        *tmp = *r; /* its message made when written */
        tmp->text = NULL;
        tmp->message = kf_result_message(r, &rep->msg);
        return tmp->message ? tmp : NULL;
    }
    size_t j = o - rep->rs->n;
    const kf_binding *b = &rep->plan->bindings[rep->rendered[j]];
    info_result(rep, j, tmp);
    rep->msg.len = 0;
    if (kf_buf_cat(&rep->msg, "rendered ", b->spiffe_id, " as ClusterSPIFFEID ",
                   b->csid_name, NULL) < 0)
        return NULL;
    size_t bi = rep->rendered[j];
    if (rep->w->recv_count[bi] &&
        (kf_buf_puts(&rep->msg, ", received by ") < 0 ||
         kf_receivers_text(rep->w, bi, 0, &rep->msg) < 0))
        return NULL;
    tmp->message = rep->msg.data;
    return tmp;
}

int kf_report_print(kf_report *rep, bool all, FILE *err)
{
    kf_result tmp;
    for (size_t i = 0; i < rep->n; i++) {
        uint32_t m, o = slot_of(rep, i, &m);
        bool error = o < rep->rs->n ? rep->rs->v[o].severity == KF_SEV_ERROR
                                    : o >= group_base(rep); /* a failure */
        if (!all && !error)
            continue; /* an info result, or a stored one (or a run's member)
                       * that is not an error */
        const kf_result *r = kf_report_get(rep, i, &tmp);
        if (!r)
            return -1;
        kf_result_print(r, err);
    }
    return 0;
}

void kf_report_free(kf_report *rep)
{
    free(rep->rendered);
    free(rep->order);
    free(rep->pieces);
    kf_buf_free(&rep->msg);
    memset(rep, 0, sizeof *rep);
}
