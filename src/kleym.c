/* kleym.c - the function: the pipeline, then the ResourceList written
 * (kleym.h). */
#include "kleym.h"

#include <stdlib.h>
#include <string.h>

#include "kf_pipeline.h"
#include "kf_render.h"
#include "kf_notes.h"
#include "kf_write.h"

/* What the writer's callbacks need. */
typedef struct run {
    kf_pipeline *p;
    bool items_json, results_json;
} run;

/* The writer's callbacks: generated item i, result i. */
static int render_generated(void *ctx, size_t i, long entry_col, kf_buf *out)
{
    const run *r = ctx;
    const kf_plan *plan = &r->p->plan;
    const kf_binding *b = &plan->bindings[r->p->report.rendered[i]];
    return kf_render_binding(b, &plan->pools[b->pool], &r->p->cfg, r->items_json, entry_col,
                             out);
}

static int render_result(void *ctx, size_t i, long entry_col, kf_buf *out)
{
    run *r = ctx;
    kf_result tmp;
    const kf_result *res = kf_report_get(&r->p->report, i, &tmp);
    return res ? kf_result_render(res, r->results_json, entry_col, out) : -1;
}

int kf_run(const char *buf, size_t len, const kf_settings *settings, FILE *out,
           FILE *err)
{
    kf_pipeline p;
    kf_fatal fatal;
    kf_sources src = {.settings = settings};
    int rc = KF_EXIT_ERRORS;
    int prc = kf_pipeline_run(&p, buf, len, &src, &fatal);
    if (prc == KF_PIPELINE_FATAL) {
        kf_print_fatal(&fatal, "<stdin>", err);
        goto done;
    }
    if (prc < 0)
        goto oom;
    run r = {&p, kf_write_items_json(&p.in), kf_write_results_json(&p.in)};
    kf_write_list gen = {p.report.nrendered, render_generated, &r};
    kf_write_list res = {p.in.rlist ? p.report.n : 0, render_result, &r};
    bool oom = false;
    if (kf_write(out, &p.in, &p.plan, &p.marks, &gen, &res,
                 settings ? settings->read.input_done : NULL, &oom) < 0 || fflush(out) != 0) {
        if (oom)
            goto oom;
        fprintf(err, "kleym-fn: fatal: writing the output failed\n");
        goto done;
    }
    if (kf_report_print(&p.report, !p.in.rlist, err) < 0)
        goto oom;
    kf_note_empty(&p.in, len, err);
    kf_note_removed(&p.plan, "kleym-fn", err);
    kf_note_unbound(&p.plan, err);
    rc = kf_results_has_error(&p.rs) ? KF_EXIT_ERRORS : KF_EXIT_OK;
    goto done;
oom:
    fprintf(err, "kleym-fn: fatal: out of memory\n");
done:
    kf_pipeline_free(&p);
    return rc;
}
