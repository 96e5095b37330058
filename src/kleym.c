/* kleym.c - the pipeline, start to end (kleym.h). */
#include "kleym.h"

#include <stdlib.h>
#include <string.h>

#include "kf_conflicts.h"
#include "kf_read.h"
#include "kf_render.h"
#include "kf_report.h"
#include "kf_resolve.h"
#include "kf_results.h"
#include "kf_write.h"

/* Everything one run owns, released in one place. */
typedef struct run {
    kf_input in;
    kf_config cfg;
    kf_plan plan;
    kf_results rs;
    kf_report report;  /* the results as written, with the bindings that render */
    bool items_json, results_json;
} run;

static void run_free(run *r)
{
    kf_config_free(&r->cfg);
    kf_report_free(&r->report);
    kf_results_free(&r->rs);
    kf_plan_free(&r->plan);
    kf_input_free(&r->in);
}

/* An SVID option the functionConfig asked for was refused (SPEC section
 * 14): no identity may go out without it, so no binding renders. Each is
 * still fully checked and keeps its own results; the option's error on the
 * functionConfig says why none renders. */
static void withhold_bindings(const kf_config *cfg, kf_plan *plan)
{
    if (!cfg->options_invalid)
        return;
    for (size_t i = 0; i < plan->nbindings; i++)
        plan->bindings[i].ok = false;
}

/* The writer's callbacks: generated item i, result i. */
static int render_generated(void *ctx, size_t i, kf_buf *out)
{
    const run *r = ctx;
    const kf_binding *b = &r->plan.bindings[r->report.rendered[i]];
    return kf_render_binding(b, &r->plan.pools[b->pool], &r->cfg,
                             r->items_json, out);
}

static int render_result(void *ctx, size_t i, kf_buf *out)
{
    run *r = ctx;
    kf_result tmp;
    const kf_result *res = kf_report_get(&r->report, i, &tmp);
    return res ? kf_result_render(res, r->results_json, out) : -1;
}

int kf_run(const char *buf, size_t len, const kf_settings *settings, FILE *out,
           FILE *err)
{
    run r;
    memset(&r, 0, sizeof r);
    kf_fatal fatal;
    int rc = KF_EXIT_ERRORS;

    if (kf_read(buf, len, &r.in, &fatal) < 0) {
        if (fatal.line)
            fprintf(err, "kleym-fn: fatal: <stdin>:%d:%d: %s\n", fatal.line,
                    fatal.col, fatal.msg);
        else
            fprintf(err, "kleym-fn: fatal: %s\n", fatal.msg);
        goto done;
    }
    if (kf_config_load(&r.in, settings, &r.cfg, &r.rs) < 0 ||
        kf_resolve(&r.in, &r.cfg, &r.plan, &r.rs) < 0 ||
        kf_check_conflicts(&r.plan, &r.rs) < 0)
        goto oom;
    withhold_bindings(&r.cfg, &r.plan);
    kf_input_drop_fields(&r.in);
    kf_results_sort(&r.rs);
    if (kf_report_build(&r.report, &r.rs, &r.plan) < 0)
        goto oom;
    r.items_json = kf_write_items_json(&r.in);
    r.results_json = kf_write_results_json(&r.in);
    kf_write_list gen = {r.report.nrendered, render_generated, &r};
    kf_write_list res = {r.in.rlist ? r.report.n : 0, render_result, &r};
    bool oom = false;
    if (kf_write(out, &r.in, &r.plan, &gen, &res, &oom) < 0 || fflush(out) != 0) {
        if (oom)
            goto oom;
        fprintf(err, "kleym-fn: fatal: writing the output failed\n");
        goto done;
    }
    if (kf_report_print(&r.report, !r.in.rlist, err) < 0)
        goto oom;
    rc = kf_results_has_error(&r.rs) ? KF_EXIT_ERRORS : KF_EXIT_OK;
    goto done;
oom:
    fprintf(err, "kleym-fn: fatal: out of memory\n");
done:
    run_free(&r);
    return rc;
}
