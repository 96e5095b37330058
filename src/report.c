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
    rep->nslots = rs->n + rep->nrendered;
    rep->n = rep->nrendered;
    for (size_t i = 0; i < rs->n; i++)
        rep->n += kf_result_count(&rs->v[i]);
    rep->order = malloc((rep->nslots ? rep->nslots : 1) * sizeof *rep->order);
    if (!rep->order)
        return -1;
    /* Both lists are sorted: the bindings by (namespace, name), which
     * kf_result_cmp() compares first. */
    size_t i = 0, j = 0, k = 0;
    kf_result info;
    while (i < rs->n || j < rep->nrendered) {
        bool stored = j == rep->nrendered;
        if (!stored && i < rs->n) {
            info_result(rep, j, &info);
            stored = kf_result_cmp(&rs->v[i], &info) < 0;
        }
        rep->order[k++] = stored ? (uint32_t)i++ : (uint32_t)(rs->n + j++);
    }
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
        uint32_t o = rep->order[rep->at_slot];
        if (o < rep->rs->n && rep->at_member + 1 < kf_result_count(&rep->rs->v[o])) {
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
    uint32_t m;
    uint32_t o = slot_of(rep, i, &m);
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
        if (!all && (o >= rep->rs->n || rep->rs->v[o].severity != KF_SEV_ERROR))
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
    kf_buf_free(&rep->msg);
    memset(rep, 0, sizeof *rep);
}
