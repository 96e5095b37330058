/* inspect.h - `kleym-fn inspect`: the pipeline printed for people.
 *
 *   inspect.c         options, the run, the exit status
 *   inspect_source.c  the input: stdin, or files and directories made into
 *                     one stream, with the package's own configuration
 *   inspect_open.c    a package's files opened: regular, and no link out
 *   inspect_model.c   the run seen per binding: status, findings, counts
 *   inspect_text.c    text (80 columns) and markdown (a pull-request comment)
 *   inspect_json.c    one JSON document, the shape of docs/inspect.md
 *   inspect_workloads.c  --by workload: every workload and container with
 *                     every identity it will receive, in all three formats
 */
#ifndef KF_SRC_INSPECT_H
#define KF_SRC_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kf_pipeline.h"

/* The JSON shapes' version, docs/inspect.schema.json's and
 * docs/inspect-workloads.schema.json's: 1 while fields are only added; a
 * field renamed or removed would make it 2. */
#define KF_INSPECT_SCHEMA_VERSION "1"

/* ---- inspect_open.c --------------------------------------------------- */

enum kf_open {
    KF_OPEN_OK,
    KF_OPEN_ERRNO,       /* cannot be opened or resolved: errno says why */
    KF_OPEN_NOT_REGULAR, /* a directory, a device, a pipe... */
    KF_OPEN_OUTSIDE,     /* its real path is not under root */
};

/* Open path for reading without blocking, into *fd (the caller closes it):
 * a regular file, and when root (a real path, kf_real_dir()) is not NULL,
 * one whose real path is under root, checked before it is opened and as
 * opened. */
enum kf_open kf_open_regular(const char *path, const char *root, int *fd);
/* The real path of dir, or NULL (errno); the caller frees it. */
char *kf_real_dir(const char *dir);
/* Whether the directory dir, links resolved, is root or below it. */
bool kf_dir_inside(const char *root, const char *dir);

/* ---- inspect_source.c ------------------------------------------------- */

typedef struct kf_inspect_input {
    kf_buf text;                /* the input, as one buffer */
    kf_origin *origins;         /* where each file starts, when files */
    size_t norigins, origins_cap;
    int *origin_lines;          /* the line each file starts at (0-based) */
    size_t lines_cap;
    int lines;                  /* lines of the text so far */
    char **paths;               /* owned file names */
    size_t npaths, paths_cap;
    kf_buf config;              /* a functionConfig document from a Kptfile */
    char *config_origin;        /* the file it came from */
    const char *config_file;    /* that file among paths[], when it is one */
    bool has_config;
} kf_inspect_input;

/* Read stdin (no names) or the files and directories named: *.yaml,
 * *.yml, *.json, recursively, hidden entries skipped, each directory's
 * files in name order. A directory holding a Kptfile gives the
 * configuration of its first pipeline function that runs kleym-fn. 0, or
 * -1 with a message in why (a file that cannot be read). */
int kf_inspect_load(kf_inspect_input *ii, int nnames, char **names, FILE *in,
                    kf_buf *why);
/* Where line (1-based) of the input is: "file:line" for files. */
void kf_inspect_where(const kf_inspect_input *ii, int line, char *out, size_t cap,
                      int *file_line);
void kf_inspect_input_free(kf_inspect_input *ii);

/* ---- inspect_model.c ---------------------------------------------------- */

/* Counts by name, for the summary: "InferencePool v1" -> 3. */
typedef struct kf_count {
    const char *what;
    size_t n;
} kf_count;

typedef struct kf_counts {
    kf_count *v;
    size_t n, cap;
} kf_counts;

/* One binding as inspect shows it. */
typedef struct kf_bview {
    const kf_binding *b;
    size_t index;               /* into plan->bindings */
    size_t first, n;            /* its results: into kf_inspection.results */
    const kf_result *status;    /* its first error, or NULL (Ready, or not
                                 * rendered without an error of its own) */
    size_t errors, warnings;
} kf_bview;

typedef struct kf_inspection {
    const kf_pipeline *p;
    kf_bview *bindings;         /* in plan order: namespace, name */
    size_t nbindings;
    const kf_result **results;  /* every stored result, per binding first */
    size_t nresults;
    size_t first_other;         /* results[first_other..] are not about a
                                 * binding (functionConfig, workloads, ...) */
    kf_counts pools;            /* InferencePools by apiVersion */
    kf_counts objectives;       /* InferenceObjectives by apiVersion */
    kf_counts dialects;         /* bindings by dialect */
    kf_counts workloads;        /* workloads checked, by kind */
    kf_counts statuses;         /* bindings by status condition: Ready and
                                 * the failing conditions first, 0 included,
                                 * then any other (NotRendered) */
    kf_counts findings;         /* workload findings by reason */
    kf_counts spire_findings;   /* SPIRE findings by reason (SPEC section 15) */
    bool spire_side;            /* the input holds SPIRE's side: shown */
    size_t errors, warnings;    /* over every result */
} kf_inspection;

int kf_inspection_build(kf_inspection *x, const kf_pipeline *p);
void kf_inspection_free(kf_inspection *x);
/* The errors and warnings that decide the exit status: of the whole run,
 * or of one binding (only): its own, a binding that does not render
 * without an error of its own (counted as one), and the functionConfig's,
 * which concern every binding. */
void kf_inspection_counts(const kf_inspection *x, const kf_bview *only, size_t *errors,
                          size_t *warnings);
/* Whether result r, one that is not a binding's, is shown and counted: all
 * of them for the whole run; for one binding (only), the functionConfig's. */
bool kf_other_shown(const kf_inspection *x, const kf_bview *only, size_t r);
/* The status of a binding: "Ready", "NotRendered" or "Condition/Reason". */
const char *kf_bview_status(const kf_bview *bv, char *buf, size_t cap);
/* Its mode as people call it: "PoolOnly", "PerObjective", "variant X". */
const char *kf_bview_mode(const kf_bview *bv, char *buf, size_t cap);

/* ---- printing ----------------------------------------------------------- */

/* What to print: every binding, or one (only). */
typedef struct kf_inspect_view {
    const kf_inspection *x;
    const kf_bview *only;       /* --binding, or NULL */
    const char *source;         /* what was read: "stdin", "examples/basic" */
} kf_inspect_view;

int kf_inspect_text(const kf_inspect_view *v, FILE *out);
int kf_inspect_markdown(const kf_inspect_view *v, FILE *out);
int kf_inspect_json(const kf_inspect_view *v, FILE *out);

/* inspect_text.c, for the other printers: a "  label   value" line of the
 * text (wrapped at 80 columns), text made safe for a markdown table cell,
 * and one result in a cell (scratch: the caller's buffer, for a message
 * made when written). */
void kf_inspect_field(FILE *out, const char *label, const char *value);
void kf_md(FILE *out, const char *s);
void kf_md_result(FILE *out, const kf_result *r, kf_buf *scratch);

/* ---- inspect_workloads.c: --by workload ---------------------------------- */

enum kf_inspect_format { KF_FORMAT_TEXT, KF_FORMAT_JSON, KF_FORMAT_MARKDOWN };
int kf_inspect_workloads(const kf_inspect_view *v, enum kf_inspect_format format,
                         FILE *out);
/* The SPIRE findings of the report, first in a pull-request comment. */
void kf_inspect_markdown_spire(const kf_inspect_view *v, FILE *out);

#endif
