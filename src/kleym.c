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
    kf_buf *gen, *res;
    size_t ngen, nres;
} run;

static void run_free(run *r)
{
    for (size_t i = 0; i < r->ngen; i++)
        kf_buf_free(&r->gen[i]);
    for (size_t i = 0; i < r->nres; i++)
        kf_buf_free(&r->res[i]);
    free(r->gen);
    free(r->res);
    kf_results_free(&r->rs);
    kf_plan_free(&r->plan);
    kf_input_free(&r->in);
}

static int report_rendered(run *r)
{
    for (size_t i = 0; i < r->plan.nbindings; i++) {
        const kf_binding *b = &r->plan.bindings[i];
        if (b->ok && kf_results_add(&r->rs, &b->ref, KF_SEV_INFO, "Rendered",
                                    "Rendered", NULL,
                                    "rendered %s as ClusterSPIFFEID %s",
                                    b->spiffe_id, b->csid_name) < 0)
            return -1;
    }
    return 0;
}

static int render_all(run *r)
{
    size_t n = r->plan.nbindings;
    r->gen = calloc(n ? n : 1, sizeof *r->gen);
    r->res = calloc(r->rs.n ? r->rs.n : 1, sizeof *r->res);
    if (!r->gen || !r->res)
        return -1;
    bool items_json = kf_write_items_json(&r->in);
    for (size_t i = 0; i < n; i++) {
        const kf_binding *b = &r->plan.bindings[i];
        if (!b->ok)
            continue;
        if (kf_render_binding(b, &r->plan.pools[b->pool], &r->cfg, items_json,
                              &r->gen[r->ngen++]) < 0)
            return -1;
    }
    if (!r->in.rlist)
        return 0;
    for (size_t i = 0; i < r->rs.n; i++)
        if (kf_result_render(&r->rs.v[i], r->in.json, &r->res[r->nres++]) < 0)
            return -1;
    return 0;
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
    if (render_all(&r) < 0)
        goto oom;
    if (kf_write(out, &r.in, &r.plan, r.gen, r.ngen, r.res, r.nres) < 0 ||
        fflush(out) != 0) {
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
