/* fuzz_run.c - libFuzzer target over the whole pipeline (kf_run).
 *
 * Every input goes through kf_run() exactly as stdin would. Besides the
 * sanitizers' own checks, these properties are asserted on every run that
 * wrote something:
 *   - the output is input the function reads again (never fatal), with the
 *     same exit status;
 *   - a successful run is idempotent: its output, run again, gives the same
 *     bytes. (After a failed run, messages that locate items without path
 *     annotations by their position may name other positions once owned
 *     items are gone; orchestrators never keep a failed run's output.)
 * Every input also goes through `kleym-fn inspect` (one of its three output
 * formats, by binding or by workload, chosen by the input's length), which
 * must exit as the function did:
 * the same pipeline must find the same errors (unless a Kptfile item, which
 * configures inspect on stdin and never the function, may be in it). And through inspect's other
 * input mode, a package directory: the bytes are both its Kptfile (whose
 * kleym-fn function may configure the run, its configPath naming any
 * path) and a manifest in it; any of inspect's exit statuses but 3 is
 * fine, a crash or a hang is not.
 * The trust domain comes from the lowest-precedence source (the environment
 * setting), so a functionConfig in the input still overrides it.
 *
 * Build and run: make fuzz FUZZ_SECONDS=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kleym.h"

typedef struct captured {
    char *out;
    size_t out_len;
    int rc;
} captured;

static void run_once(const char *buf, size_t len, captured *c)
{
    kf_settings st;
    memset(&st, 0, sizeof st);
    st.env_trust_domain = "fuzz.example.org";
    c->out = NULL;
    c->out_len = 0;
    FILE *out = open_memstream(&c->out, &c->out_len);
    FILE *err = fopen("/dev/null", "w");
    if (!out || !err)
        abort();
    c->rc = kf_run(buf, len, &st, out, err);
    fclose(out);
    fclose(err);
}

/* The first line where a and b differ, for the crash report. */
static void report_difference(const captured *a, const captured *b)
{
    size_t n = a->out_len < b->out_len ? a->out_len : b->out_len, i = 0;
    while (i < n && a->out[i] == b->out[i])
        i++;
    size_t line = 1;
    for (size_t j = 0; j < i; j++)
        line += a->out[j] == '\n';
    fprintf(stderr, "fuzz: not idempotent: first output differs from the "
                    "second at byte %zu (line %zu); rc %d then %d\n",
            i, line, a->rc, b->rc);
}

/* kleym-fn inspect ARGV with stdin in (closed here), its output dropped;
 * its exit status. */
static int run_inspect(int argc, char **argv, const kf_settings *st, FILE *in)
{
    FILE *out = fopen("/dev/null", "w"), *err = fopen("/dev/null", "w");
    if (!in || !out || !err)
        abort();
    int rc = kf_inspect_main(argc, argv, st, in, out, err);
    fclose(in);
    fclose(out);
    fclose(err);
    return rc;
}

/* inspect over the same bytes; its exit status. */
static int inspect_once(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"text", "json", "markdown"};
    /* by binding or by workload (the same run, the same exit status) */
    char *argv[] = {"-o", (char *)formats[size % 3], "--by",
                    (size / 3) % 2 ? "workload" : "binding", NULL};
    kf_settings st;
    memset(&st, 0, sizeof st);
    st.env_trust_domain = "fuzz.example.org";
    return run_inspect(4, argv, &st,
                       size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb"));
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

/* inspect over a package directory holding the bytes as its Kptfile and as
 * in.yaml; its exit status. */
static int inspect_package(const uint8_t *data, size_t size)
{
    char dir[] = "/tmp/kleym-fuzz-XXXXXX", kptfile[64], manifest[64];
    if (!mkdtemp(dir))
        abort();
    snprintf(kptfile, sizeof kptfile, "%s/Kptfile", dir);
    snprintf(manifest, sizeof manifest, "%s/in.yaml", dir);
    write_file(kptfile, data, size);
    write_file(manifest, data, size);
    char *argv[] = {dir, NULL};
    kf_settings st;
    memset(&st, 0, sizeof st);
    int rc = run_inspect(1, argv, &st, fopen("/dev/null", "rb"));
    if (unlink(kptfile) != 0 || unlink(manifest) != 0 || rmdir(dir) != 0)
        abort();
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int prc = inspect_package(data, size);
    if (prc < 0 || prc > 2) {
        fprintf(stderr, "fuzz: inspect of a package exits %d\n", prc);
        abort();
    }
    captured first, second;
    run_once((const char *)data, size, &first);
    int irc = inspect_once(data, size);
    /* On stdin, inspect also takes the configuration of a Kptfile among
     * the items (kpt fn source DIR | kleym-fn inspect); the function never
     * does (kpt hands it its functionConfig). With one, they may disagree. */
    int kptfile_item = 0;
    for (size_t i = 0; i + 7 <= size && !kptfile_item; i++)
        kptfile_item = memcmp(data + i, "Kptfile", 7) == 0;
    if (irc != first.rc && !kptfile_item) {
        fprintf(stderr, "fuzz: the function exits %d, inspect %d\n", first.rc, irc);
        abort();
    }
    if (first.out_len == 0) {
        free(first.out);
        return 0;
    }
    if (first.rc != KF_EXIT_OK && first.rc != KF_EXIT_ERRORS)
        abort();
    /* Fed back, the output must read and give the same bytes. */
    run_once(first.out, first.out_len, &second);
    if (second.out_len == 0) {
        fprintf(stderr, "fuzz: the function's own output is fatal input\n");
        abort();
    }
    if (second.rc != first.rc) {
        fprintf(stderr, "fuzz: exit status %d, then %d on the output\n",
                first.rc, second.rc);
        abort();
    }
    if (first.rc == KF_EXIT_OK &&
        (second.out_len != first.out_len ||
         memcmp(second.out, first.out, first.out_len) != 0)) {
        report_difference(&first, &second);
        abort();
    }
    free(first.out);
    free(second.out);
    return 0;
}
