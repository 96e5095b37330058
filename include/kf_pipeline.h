/* kf_pipeline.h - one run of the pipeline, shared by the function and by
 * `kleym-fn inspect`:
 *
 *   read -> config -> resolve -> check conflicts -> check workloads ->
 *   check SPIRE's side -> report
 *
 * What comes after differs: the function writes the ResourceList
 * (kleym.c, write.c), inspect prints the report for people (inspect*.c).
 * Both read the same bindings, results and receivers, so they never
 * disagree about a binding.
 */
#ifndef KF_PIPELINE_H
#define KF_PIPELINE_H

#include "kf_config.h"
#include "kf_read.h"
#include "kf_report.h"
#include "kf_resolve.h"
#include "kf_results.h"
#include "kf_spire.h"
#include "kf_workloads.h"
#include "kf_write.h"

/* What a run is given besides its input. */
typedef struct kf_sources {
    const kf_settings *settings;
    /* A functionConfig document (a Kptfile's), a source after the input's
     * own functionConfig, and where it came from; NULL: none. */
    const char *config_doc;
    size_t config_len;
    const char *config_origin;
    /* A ClusterSPIFFEIDGenerator among the items configures the settings
     * the config document does not give (the kustomize layout); not one in
     * config_file, the file among the input's that is the config document
     * (a Kptfile's configPath, usually in the package), or NULL. */
    bool config_from_items;
    const char *config_file;
    /* The Kptfile item of the package's root (`kpt fn source` puts it in
     * the list) configures the settings the above do not: its kleym-fn
     * function's configMap, or with a configPath, the generator among the
     * items (inspect's stdin). */
    bool config_from_kptfile;
    /* The files the input was made of, by first byte; NULL: stdin. */
    const kf_origin *origins;
    size_t norigins;
} kf_sources;

/* Everything one run owns, released in one place. */
typedef struct kf_pipeline {
    kf_input in;
    kf_local_marks marks;    /* in's local-config annotations, made from
                              * its layouts, which go at once */
    kf_input config_in;      /* the config_doc, when read */
    kf_input kpt_in;         /* the Kptfile item's configMap, when read */
    kf_buf kpt_doc;          /* ... as a ConfigMap document */
    kf_config cfg;
    kf_plan plan;
    kf_results rs;           /* sorted */
    kf_workloads w;
    kf_spire spire;          /* SPIRE's side (SPEC section 15) */
    kf_report report;
} kf_pipeline;

enum kf_pipeline_rc {
    KF_PIPELINE_OK = 0,
    KF_PIPELINE_FATAL = -1,  /* the input cannot be read: *fatal says why */
    KF_PIPELINE_OOM = -2,
};

/* ---- kptfile.c: a Kptfile's kleym-fn function ---------------------------- */

typedef struct kf_kpt_fn {
    const kf_field *first;       /* its fields: first[0..n) */
    size_t n;
    const char *config_path;     /* its configPath, or NULL */
} kf_kpt_fn;

/* The first function among the Kptfile fields f[0..n) (f may be NULL when
 * n is 0) whose exec or image names kleym-fn, into *fn; false when none
 * does. */
bool kf_kpt_find_fn(const kf_input *in, const kf_field *f, size_t n, kf_kpt_fn *fn);
/* Its configMap entries as a ConfigMap document, into out. 0 or -1. */
int kf_kpt_config_map(const kf_input *in, const kf_kpt_fn *fn, kf_buf *out);

int kf_pipeline_run(kf_pipeline *p, const char *buf, size_t len,
                    const kf_sources *src, kf_fatal *fatal);
void kf_pipeline_free(kf_pipeline *p);

#endif
