/* kleym.c - the pipeline, start to end (kleym.h). */
#include "kleym.h"

#include <stdlib.h>
#include <string.h>

#include "kf_conflicts.h"
#include "kf_read.h"
#include "kf_render.h"
#include "kf_resolve.h"
#include "kf_results.h"
#include "kf_write.h"

/* Everything one run owns, released in one place. */
typedef struct run {
    kf_input in;
    kf_config cfg;
    kf_plan plan;
    kf_results rs;
    size_t *rendered;  /* indexes of the bindings that render, in order */
    size_t nrendered;
    bool items_json, results_json;
} run;

static void run_free(run *r)
{
    free(r->rendered);
    kf_results_free(&r->rs);
    kf_plan_free(&r->plan);
    kf_input_free(&r->in);
}

static int report_rendered(run *r)
{
    r->rendered = malloc((r->plan.nbindings ? r->plan.nbindings : 1) *
                         sizeof *r->rendered);
    if (!r->rendered)
        return -1;
    for (size_t i = 0; i < r->plan.nbindings; i++) {
        const kf_binding *b = &r->plan.bindings[i];
        if (!b->ok)
            continue;
        r->rendered[r->nrendered++] = i;
        if (kf_results_add_deferred(&r->rs, &b->ref, KF_SEV_INFO, "Rendered",
                                    "Rendered", "rendered %s as ClusterSPIFFEID %s",
                                    b->spiffe_id, b->csid_name) < 0)
            return -1;
    }
    return 0;
}

/* The writer's callbacks: generated item i, result i. */
static int render_generated(void *ctx, size_t i, kf_buf *out)
{
    const run *r = ctx;
    const kf_binding *b = &r->plan.bindings[r->rendered[i]];
    return kf_render_binding(b, &r->plan.pools[b->pool], &r->cfg,
                             r->items_json, out);
}

static int render_result(void *ctx, size_t i, kf_buf *out)
{
    const run *r = ctx;
    return kf_result_render(&r->rs.v[i], r->results_json, out);
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
        kf_check_conflicts(&r.plan, &r.rs) < 0 || report_rendered(&r) < 0)
        goto oom;
    kf_results_sort(&r.rs);
    r.items_json = kf_write_items_json(&r.in);
    r.results_json = kf_write_results_json(&r.in);
    kf_write_list gen = {r.nrendered, render_generated, &r};
    kf_write_list res = {r.in.rlist ? r.rs.n : 0, render_result, &r};
    bool oom = false;
    if (kf_write(out, &r.in, &r.plan, &gen, &res, &oom) < 0 || fflush(out) != 0) {
        if (oom)
            goto oom;
        fprintf(err, "kleym-fn: fatal: writing the output failed\n");
        goto done;
    }
    kf_results_print(&r.rs, !r.in.rlist, err);
    rc = kf_results_has_error(&r.rs) ? KF_EXIT_ERRORS : KF_EXIT_OK;
    goto done;
oom:
    fprintf(err, "kleym-fn: fatal: out of memory\n");
done:
    run_free(&r);
    return rc;
}
