/* inspect.c - `kleym-fn inspect`: options, the run, the exit status
 * (inspect.h, kleym.h).
 *
 * The same pipeline as the function (kf_pipeline.h), printed for people:
 * text, JSON or markdown. Exit status: 0 no error (with --strict, no
 * warning either), 1 errors or fatal input, 2 usage, 3 the binding named by
 * --binding is not in the input. With --binding the per-binding part and
 * the exit status cover that binding; the summary still covers the input.
 */
#include "inspect.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kf_identity.h"
#include "kf_notes.h"
#include "kleym.h"

static const char usage[] =
    "usage: kleym-fn inspect [--binding NS/NAME] [-o text|json|markdown] [--strict]\n"
    "                        [--by binding|workload] [--trust-domain TD]\n"
    "                        [--class-name C] [-n NAMESPACE] [FILE|DIR ...]\n"
    "\n"
    "Runs the function's pipeline over a ResourceList or YAML stream on stdin, or\n"
    "over the *.yaml, *.yml and *.json files named (directories recursively,\n"
    "hidden entries skipped), and prints which pods each identity lands on.\n"
    "A directory with a Kptfile is configured by its kleym-fn function; so is\n"
    "stdin from kpt fn source DIR. A directory with a kustomization is refused\n"
    "(exit 2): pipe kustomize build DIR in. The settings: kleym-fn --help.\n"
    "\n"
    "  -o, --output FORMAT   text (default), json or markdown\n"
    "  --binding NS/NAME     only this binding (and the exit status for it)\n"
    "  --by workload         every workload and container with every identity\n"
    "                        it will receive, Kleym's and foreign ones\n"
    "  --strict              warnings fail too (exit 1)\n"
    "  --trust-domain TD     as for the function\n"
    "  --class-name NAME     as for the function\n"
    "  -n, --namespace NS    where namespace-less items are applied (the\n"
    "                        functionConfig namespace; kubectl apply -n)\n"
    "\n"
    "Exit status: 0 no error, 1 errors or unreadable input, 2 usage, 3 the\n"
    "binding named by --binding is not in the input.\n";

typedef struct options {
    enum kf_inspect_format format;
    bool by_workload;
    const char *binding;
    bool strict;
    char **names;
    int nnames;
} options;

static int usage_error(FILE *err, const char *what, const char *arg)
{
    fprintf(err, "kleym-fn inspect: %s%s%s\nTry 'kleym-fn inspect --help'.\n", what,
            arg ? " " : "", arg ? arg : "");
    return KF_EXIT_USAGE;
}

/* Parse the options into o and st (the flags). Returns -1 to go on, or an
 * exit status. */
static int parse(int argc, char **argv, options *o, kf_settings *st, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->names = calloc((size_t)argc + 1, sizeof *o->names);
    if (!o->names)
        return KF_EXIT_ERRORS;
    bool files_only = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int m;
        if (files_only || a[0] != '-' || strcmp(a, "-") == 0) {
            o->names[o->nnames++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            files_only = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, out);
            return KF_EXIT_OK;
        } else if (strcmp(a, "--strict") == 0) {
            o->strict = true;
        } else if ((m = kf_option_value(argc, argv, &i, "--output", &v)) ||
                   (m = kf_option_value(argc, argv, &i, "-o", &v))) {
            if (m < 0)
                return usage_error(err, "-o needs a value", NULL);
            if (strcmp(v, "text") == 0)
                o->format = KF_FORMAT_TEXT;
            else if (strcmp(v, "json") == 0)
                o->format = KF_FORMAT_JSON;
            else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0)
                o->format = KF_FORMAT_MARKDOWN;
            else
                return usage_error(err, "unknown output format", v);
        } else if ((m = kf_option_value(argc, argv, &i, "--by", &v))) {
            if (m < 0)
                return usage_error(err, "--by needs binding or workload", NULL);
            if (strcmp(v, "workload") == 0 || strcmp(v, "workloads") == 0)
                o->by_workload = true;
            else if (strcmp(v, "binding") != 0 && strcmp(v, "bindings") != 0)
                return usage_error(err, "--by takes binding or workload, not", v);
        } else if ((m = kf_option_value(argc, argv, &i, "--binding", &v))) {
            if (m < 0 || !strchr(v, '/'))
                return usage_error(err, "--binding needs NAMESPACE/NAME", NULL);
            o->binding = v;
        } else if ((m = kf_option_value(argc, argv, &i, "--trust-domain", &v))) {
            if (m < 0 || !kf_is_trust_domain(v, strlen(v)))
                return usage_error(err, "invalid --trust-domain", m < 0 ? NULL : v);
            st->flag_trust_domain = v;
        } else if ((m = kf_option_value(argc, argv, &i, "--class-name", &v))) {
            if (m < 0 || !kf_config_valid_class_name(v))
                return usage_error(err, "invalid --class-name", m < 0 ? NULL : v);
            st->flag_class_name = v;
        } else if ((m = kf_option_value(argc, argv, &i, "--namespace", &v)) ||
                   (m = kf_option_value(argc, argv, &i, "-n", &v))) {
            if (m < 0 || !kf_is_dns1123_label(v, strlen(v)))
                return usage_error(err, "invalid --namespace", m < 0 ? NULL : v);
            st->flag_namespace = v;
        } else {
            return usage_error(err, "unknown argument", a);
        }
    }
    /* "-" is stdin, which is the default anyway. */
    if (o->nnames == 1 && strcmp(o->names[0], "-") == 0)
        o->nnames = 0;
    return -1;
}

/* The binding named NS/NAME, or NULL. */
static const kf_bview *find_binding(const kf_inspection *x, const char *nsname)
{
    const char *slash = strchr(nsname, '/');
    size_t nslen = (size_t)(slash - nsname);
    for (size_t i = 0; i < x->nbindings; i++) {
        const kf_ref *r = &x->bindings[i].b->ref;
        if (strlen(r->namespace) == nslen && strncmp(r->namespace, nsname, nslen) == 0 &&
            strcmp(r->name, slash + 1) == 0)
            return &x->bindings[i];
    }
    return NULL;
}

/* What was read, for the heading: "stdin", a name, or the first name and
 * how many more. */
static void describe(const options *o, char *buf, size_t cap)
{
    if (o->nnames == 0)
        snprintf(buf, cap, "stdin");
    else if (o->nnames == 1)
        snprintf(buf, cap, "%s", o->names[0]);
    else
        snprintf(buf, cap, "%s and %d more", o->names[0], o->nnames - 1);
}

/* ClusterSPIFFEIDs kleym-fn made and no binding: the input is rendered
 * output (kustomize build ran kleym-fn, which drops local-config
 * bindings). Its bindings were checked when it was rendered, not here:
 * say so rather than let "bindings none" read as a check. */
static bool rendered_output_note(const kf_pipeline *p, const kf_inspection *x, FILE *err)
{
    size_t made = 0;
    for (size_t i = 0; p->plan.drop && i < p->in.nitems; i++)
        made += p->plan.drop[i];
    if (!made || x->nbindings > 0)
        return false;
    fprintf(err, "kleym-fn inspect: note: %zu ClusterSPIFFEID%s made by kleym-fn "
            "and no binding: this is rendered output, whose bindings are not in "
            "it and are not checked here; inspect the package's sources\n",
            made, made == 1 ? "" : "s");
    return true;
}

/* Nothing read: a report of "bindings none, 0 errors" would read as a
 * check. The report is still printed, and the exit status is its own. */
static void empty_input_note(const kf_pipeline *p, const char *source, FILE *err)
{
    if (p->in.rlist || p->in.nitems)
        return;
    fputs("kleym-fn inspect: note: ", err);
    kf_puts_escaped(source, err);
    fputs(" holds no resource, so nothing was checked\n", err);
}

int kf_inspect_main(int argc, char **argv, const kf_settings *env, FILE *in,
                    FILE *out, FILE *err)
{
    options o;
    kf_settings st = *env;
    int rc = parse(argc, argv, &o, &st, out, err);
    if (rc >= 0) {
        free(o.names);
        return rc;
    }
    if (o.nnames == 0 && isatty(fileno(in))) { /* a person, not a pipe */
        fputs("kleym-fn inspect: stdin is a terminal; name a FILE or DIR, or pipe a "
              "ResourceList or YAML stream in\n\n", err);
        fputs(usage, err);
        free(o.names);
        return KF_EXIT_USAGE;
    }
    rc = KF_EXIT_ERRORS;
    kf_inspect_input ii;
    kf_buf why = {0};
    kf_pipeline p;
    kf_inspection x;
    bool ran = false, built = false;
    if (kf_inspect_load(&ii, o.nnames, o.names, in, &why) < 0) {
        const char *msg = why.data ? why.data : "out of memory";
        fputs("kleym-fn inspect: ", err); /* one line, whatever a name holds */
        kf_puts_escaped(msg, err);
        fputc('\n', err);
        rc = why.data ? KF_EXIT_USAGE : KF_EXIT_ERRORS;
        goto done;
    }
    kf_sources src = {
        .settings = &st,
        .config_doc = ii.has_config ? (ii.config.data ? ii.config.data : "") : NULL,
        .config_len = ii.config.len,
        .config_origin = ii.config_origin,
        .config_from_items = o.nnames > 0, /* a generator among the files */
        .config_file = ii.config_file,
        .config_from_kptfile = o.nnames == 0, /* kpt fn source DIR | inspect */
        .origins = ii.norigins ? ii.origins : NULL,
        .norigins = ii.norigins,
    };
    kf_fatal fatal;
    int prc = kf_pipeline_run(&p, ii.text.data ? ii.text.data : "", ii.text.len, &src,
                              &fatal);
    ran = true;
    if (prc == KF_PIPELINE_FATAL) {
        char where[512];
        int line = fatal.line;
        if (p.config_in.buf) /* the configuration document failed */
            snprintf(where, sizeof where, "%s", ii.config_origin);
        else
            kf_inspect_where(&ii, fatal.line, where, sizeof where, &line);
        fatal.line = line;
        kf_print_fatal(&fatal, where, err);
        goto done;
    }
    /* the inspection reads every result from the array: runs expanded */
    if (prc < 0 || kf_results_expand(&p.rs) < 0 || kf_inspection_build(&x, &p) < 0) {
        fprintf(err, "kleym-fn inspect: out of memory\n");
        goto done;
    }
    built = true;
    if (!rendered_output_note(&p, &x, err))
        kf_note_removed(&p.plan, "kleym-fn inspect", err);
    const kf_bview *only = NULL;
    if (o.binding && !(only = find_binding(&x, o.binding))) {
        fprintf(err, "kleym-fn inspect: binding %s is not in the input\n", o.binding);
        rc = KF_EXIT_NO_BINDING;
        goto done;
    }
    char source[512];
    describe(&o, source, sizeof source);
    empty_input_note(&p, source, err);
    kf_inspect_view view = {&x, only, source};
    int wrc = o.by_workload                    ? kf_inspect_workloads(&view, o.format, out)
              : o.format == KF_FORMAT_JSON     ? kf_inspect_json(&view, out)
              : o.format == KF_FORMAT_MARKDOWN ? kf_inspect_markdown(&view, out)
                                         : kf_inspect_text(&view, out);
    if (wrc < 0 || fflush(out) != 0) {
        fprintf(err, "kleym-fn inspect: writing the output failed\n");
        goto done;
    }
    size_t errors, warnings;
    kf_inspection_counts(&x, only, &errors, &warnings);
    rc = errors || (o.strict && warnings) ? KF_EXIT_ERRORS : KF_EXIT_OK;
done:
    if (built)
        kf_inspection_free(&x);
    if (ran)
        kf_pipeline_free(&p);
    kf_inspect_input_free(&ii);
    kf_buf_free(&why);
    free(o.names);
    return rc;
}
