/* pipeline.c - one run, from the input to the report (kf_pipeline.h). */
#include "kf_pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_conflicts.h"
#include "kf_view.h"

/* The first ClusterSPIFFEIDGenerator among the items, as a functionConfig
 * source, not counting skip_file, the config document read already:
 * whichever way the files sort, the generator source is the same. */
static bool generator_config(const kf_input *in, const char *skip_file,
                             kf_config_source *src)
{
    for (size_t i = 0; i < in->nitems; i++) {
        if (skip_file && in->origin_path && in->origin_path[i] == skip_file)
            continue;
        kf_view v;
        kf_view_item(&v, in, i);
        const kf_kind *k = kf_view_kind(&v, NULL);
        if (!k || k->cls != KF_KC_GENERATOR)
            continue;
        *src = (kf_config_source){.in = in, .from_item = true, .item = i};
        return true;
    }
    return false;
}

/* The root package's Kptfile among the items (`kpt fn source` lists it,
 * annotated path "Kptfile"), when a function of its pipeline runs
 * kleym-fn: its configMap read into p->kpt_in as a source (*read), or its
 * configPath's generator among the items (*from_items). */
static int kptfile_item_config(kf_pipeline *p, bool *read, bool *from_items,
                               kf_fatal *fatal)
{
    const kf_input *in = &p->in;
    for (size_t i = 0; i < in->nitems; i++) {
        kf_view v;
        kf_view_item(&v, in, i);
        const kf_kind *k = kf_view_kind(&v, NULL);
        kf_kpt_fn fn;
        if (!k || k->cls != KF_KC_KPTFILE ||
            strcmp(kf_view_ref(&v, i).path, "Kptfile") != 0)
            continue;
        if (!kf_kpt_find_fn(in, v.fields, v.nfields, &fn))
            return 0;
        if (fn.config_path) {
            *from_items = true;
            return 0;
        }
        if (kf_kpt_config_map(in, &fn, &p->kpt_doc) < 0)
            return KF_PIPELINE_OOM;
        if (kf_read_config(p->kpt_doc.data, p->kpt_doc.len, &p->kpt_in, fatal) < 0)
            return KF_PIPELINE_FATAL;
        *read = true;
        return 0;
    }
    return 0;
}

/* Where the run's settings come from (SPEC section 12), setting by
 * setting, first source first: the input's functionConfig (located at
 * the ResourceList file, when a file), the config document given (a
 * Kptfile's), the Kptfile among the items (inspect's stdin), a generator
 * among the items (inspect's files). The function
 * has the first only; with none, the input stands for an absent one. */
static int load_config(kf_pipeline *p, const kf_sources *src, kf_fatal *fatal)
{
    kf_config_source from[4];
    size_t n = 0;
    bool kpt_read = false, from_items = src->config_from_items;
    const kf_input *in = &p->in;
    if (in->has_fc || (in->rlist && in->fc_type != KF_V_ABSENT))
        from[n++] = (kf_config_source){
            .in = in, .origin = src->origins ? src->origins[0].path : NULL};
    if (src->config_doc) {
        if (kf_read_config(src->config_doc, src->config_len, &p->config_in, fatal) < 0)
            return KF_PIPELINE_FATAL;
        from[n++] = (kf_config_source){.in = &p->config_in,
                                          .origin = src->config_origin};
    }
    if (src->config_from_kptfile) {
        int rc = kptfile_item_config(p, &kpt_read, &from_items, fatal);
        if (rc < 0)
            return rc;
        if (kpt_read)
            from[n++] = (kf_config_source){.in = &p->kpt_in, .origin = "Kptfile"};
    }
    if (from_items && generator_config(in, src->config_file, &from[n]))
        n++;
    if (n == 0)
        from[n++] = (kf_config_source){.in = in};
    return kf_config_load(from, n, src->settings, &p->cfg, &p->rs) < 0
               ? KF_PIPELINE_OOM : 0;
}

/* An SVID option (SPEC section 14) or the class name (section 2) the
 * functionConfig asked for was refused: no identity may go out without it,
 * so no binding renders. Each is still fully checked and keeps its own
 * results; the error on the functionConfig says why none renders. */
static void withhold_bindings(const kf_config *cfg, kf_plan *plan)
{
    if (!cfg->options_invalid)
        return;
    for (size_t i = 0; i < plan->nbindings; i++)
        plan->bindings[i].ok = false;
}

int kf_pipeline_run(kf_pipeline *p, const char *buf, size_t len,
                    const kf_sources *src, kf_fatal *fatal)
{
    memset(p, 0, sizeof *p);
    if (kf_read(buf, len, src->settings ? &src->settings->read : NULL, &p->in,
                fatal) < 0)
        return KF_PIPELINE_FATAL;
    if (kf_input_set_origins(&p->in, src->origins, src->norigins) < 0 ||
        kf_find_dropped(&p->in) < 0 || kf_write_marks(&p->in, &p->marks) < 0)
        return KF_PIPELINE_OOM;
    /* the writer reads the marks: the layouts (80 bytes a binding) go
     * before the checks grow */
    kf_input_drop_layouts(&p->in);
    if (src->settings && src->settings->read.input_done)
        src->settings->read.input_done(buf, 0, len);
    int rc = load_config(p, src, fatal);
    if (rc < 0)
        return rc;
    if (p->cfg.namespace[0])
        p->in.default_ns = p->cfg.namespace;
    if (kf_resolve(&p->in, &p->cfg, &p->plan, &p->rs) < 0)
        return KF_PIPELINE_OOM;
    kf_plan_drop_fields(&p->plan, &p->in);
    if (kf_check_conflicts(&p->plan, &p->rs) < 0)
        return KF_PIPELINE_OOM;
    withhold_bindings(&p->cfg, &p->plan);
    if (kf_check_shared_selectors(&p->plan, &p->rs) < 0)
        return KF_PIPELINE_OOM;
    if (kf_check_workloads(&p->in, &p->cfg, &p->plan, &p->w, &p->rs) < 0 ||
        kf_check_spire(&p->in, &p->cfg, &p->plan, &p->w, &p->spire, &p->rs) < 0)
        return KF_PIPELINE_OOM;
    kf_input_drop_fields(&p->in);
    kf_input_drop_fields(&p->config_in);
    kf_input_drop_fields(&p->kpt_in);
    if (kf_workloads_unreadable(&p->w, &p->rs) < 0 ||
        kf_spire_findings(&p->spire, &p->rs) < 0)
        return KF_PIPELINE_OOM;
    kf_results_sort(&p->rs);
    if (kf_report_build(&p->report, &p->rs, &p->plan, &p->w) < 0)
        return KF_PIPELINE_OOM;
    return KF_PIPELINE_OK;
}

void kf_pipeline_free(kf_pipeline *p)
{
    kf_report_free(&p->report);
    kf_write_marks_free(&p->marks);
    kf_spire_free(&p->spire);
    kf_workloads_free(&p->w);
    kf_config_free(&p->cfg);
    kf_results_free(&p->rs);
    kf_plan_free(&p->plan);
    kf_input_free(&p->in);
    kf_input_free(&p->config_in);
    kf_input_free(&p->kpt_in);
    kf_buf_free(&p->kpt_doc);
}
