/* fuzz_run.c - libFuzzer target over the whole pipeline (kf_run).
 *
 * Every input goes through kf_run() exactly as stdin would. Besides the
 * sanitizers' own checks, these properties are asserted on every run that
 * wrote something:
 *   - the output is input the function reads again (never fatal), with the
 *     same exit status;
 *   - the run is idempotent (SPEC section 7), failed or not: its output,
 *     run again, gives the same bytes (a message names an item without
 *     path annotations by its place in the output, <stdin>:N, which the
 *     owned items dropped before it do not shift).
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
 * And every input is run again with the two-thread read forced
 * (KF_READ_SPLIT, cut at the first item at or after a byte the input
 * chooses, split_at_of()), by the function and by inspect on stdin: the
 * output, stderr and exit status must be the serial read's, byte for byte
 * (read_split.c). So must a run that may write its input for a moment,
 * as main() lets it (Lists read in place, read_list.c), which must also
 * leave the input's bytes as they were.
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
    char *out, *err;
    size_t out_len, err_len;
    int rc;
} captured;

/* kf_run() over buf with the read asked for (NULL: serial). */
static void run_read(const char *buf, size_t len, const kf_read_opts *read, captured *c)
{
    kf_settings st;
    memset(&st, 0, sizeof st);
    st.env_trust_domain = "fuzz.example.org";
    st.read.mode = KF_READ_SERIAL;
    if (read)
        st.read = *read;
    c->out = c->err = NULL;
    c->out_len = c->err_len = 0;
    FILE *out = open_memstream(&c->out, &c->out_len);
    FILE *err = open_memstream(&c->err, &c->err_len);
    if (!out || !err)
        abort();
    c->rc = kf_run(buf, len, &st, out, err);
    fclose(out);
    fclose(err);
}

static void run_once(const char *buf, size_t len, captured *c)
{
    run_read(buf, len, NULL, c);
}

static void captured_free(captured *c)
{
    free(c->out);
    free(c->err);
}

/* The byte the two-thread read is asked to cut at: the input chooses it
 * (its first and last bytes), so the fuzzer can move the cut; 0 is the
 * item nearest the middle. */
static size_t split_at_of(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned pick = (unsigned)data[0] * 31u + data[size - 1];
    return (size_t)((unsigned long long)size * (pick % 257u) / 256u);
}

/* The first byte where a[0..na) and b[0..nb) differ, and its line. */
static size_t first_difference(const char *a, size_t na, const char *b, size_t nb,
                               size_t *line)
{
    size_t n = na < nb ? na : nb, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    *line = 1;
    for (size_t j = 0; j < i; j++)
        *line += a[j] == '\n';
    return i;
}

/* What the two-thread read (split) gave, two, must be what the serial
 * read gave: output, stderr and exit status, byte for byte. */
static void check_same(const char *who, const char *read, const captured *serial,
                       const captured *two)
{
    const char *what = NULL;
    size_t at = 0, line = 0;
    if (two->rc != serial->rc)
        what = "exit status";
    else if (two->out_len != serial->out_len ||
             memcmp(two->out, serial->out, two->out_len) != 0) {
        what = "stdout";
        at = first_difference(serial->out, serial->out_len, two->out, two->out_len, &line);
    } else if (two->err_len != serial->err_len ||
               memcmp(two->err, serial->err, two->err_len) != 0) {
        what = "stderr";
        at = first_difference(serial->err, serial->err_len, two->err, two->err_len, &line);
    }
    if (what) {
        fprintf(stderr, "fuzz: %s: %s differs from the serial read: %s; rc %d then %d; "
                        "first difference at byte %zu (line %zu)\n",
                who, read, what, serial->rc, two->rc, at, line);
        abort();
    }
}

/* The two-thread read must be invisible to the function. */
/* What check_same() calls the two-thread read cut at split->split_at. */
static const char *split_name(const kf_read_opts *split, char *buf, size_t cap)
{
    snprintf(buf, cap, "the two-thread read (split at byte %zu)", split->split_at);
    return buf;
}

static void check_split(const uint8_t *data, size_t size, const captured *serial)
{
    kf_read_opts split = {.mode = KF_READ_SPLIT, .split_at = split_at_of(data, size)};
    captured two;
    char name[64];
    run_read((const char *)data, size, &split, &two);
    check_same("the function", split_name(&split, name, sizeof name), serial, &two);
    captured_free(&two);
}

/* As main() allows a stdin it owns: written for a moment (a List's "- "
 * blanked while its bytes are read on their own, read_list.c). */
static int writable(const char *buf, size_t from, size_t to)
{
    (void)buf, (void)from, (void)to;
    return 0;
}

/* A List read in the input itself (blanked and put back) must read as
 * its copy does, and leave the input's bytes as they were. */
static void check_in_place(const uint8_t *data, size_t size, const captured *copied)
{
    char *own = malloc(size ? size : 1);
    if (!own)
        abort();
    memcpy(own, data, size);
    kf_read_opts in_place = {.mode = KF_READ_SERIAL, .input_writable = writable};
    captured c;
    run_read(own, size, &in_place, &c);
    check_same("the function", "the read of Lists in place", copied, &c);
    if (memcmp(own, data, size) != 0) {
        fprintf(stderr, "fuzz: a List read in place left the input changed\n");
        abort();
    }
    captured_free(&c);
    free(own);
}

/* The first line where a and b differ, for the crash report. */
static void report_difference(const captured *a, const captured *b)
{
    size_t line;
    size_t i = first_difference(a->out, a->out_len, b->out, b->out_len, &line);
    fprintf(stderr, "fuzz: not idempotent: first output differs from the "
                    "second at byte %zu (line %zu); rc %d then %d\n",
            i, line, a->rc, b->rc);
}

/* kleym-fn inspect ARGV with stdin in (closed here); its output and
 * stderr in c when c is given (else dropped); its exit status. */
static int run_inspect(int argc, char **argv, const kf_settings *st, FILE *in, captured *c)
{
    FILE *out, *err;
    if (c) {
        c->out = c->err = NULL;
        c->out_len = c->err_len = 0;
        out = open_memstream(&c->out, &c->out_len);
        err = open_memstream(&c->err, &c->err_len);
    } else {
        out = fopen("/dev/null", "w");
        err = fopen("/dev/null", "w");
    }
    if (!in || !out || !err)
        abort();
    int rc = kf_inspect_main(argc, argv, st, in, out, err);
    fclose(in);
    fclose(out);
    fclose(err);
    if (c)
        c->rc = rc;
    return rc;
}

/* inspect over the same bytes, read as asked (NULL: serial), into c. */
static void inspect_once(const uint8_t *data, size_t size, const kf_read_opts *read,
                         captured *c)
{
    static const char *const formats[] = {"text", "json", "markdown"};
    /* by binding or by workload (the same run, the same exit status) */
    char *argv[] = {"-o", (char *)formats[size % 3], "--by",
                    (size / 3) % 2 ? "workload" : "binding", NULL};
    kf_settings st;
    memset(&st, 0, sizeof st);
    st.env_trust_domain = "fuzz.example.org";
    st.read.mode = KF_READ_SERIAL;
    if (read)
        st.read = *read;
    run_inspect(4, argv, &st,
                size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb"), c);
}

/* inspect's report read on two threads must be the serial read's. */
static void check_inspect_split(const uint8_t *data, size_t size, const captured *serial)
{
    kf_read_opts split = {.mode = KF_READ_SPLIT, .split_at = split_at_of(data, size)};
    captured two;
    char name[64];
    inspect_once(data, size, &split, &two);
    check_same("inspect", split_name(&split, name, sizeof name), serial, &two);
    captured_free(&two);
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
    int rc = run_inspect(1, argv, &st, fopen("/dev/null", "rb"), NULL);
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
    check_split(data, size, &first);
    check_in_place(data, size, &first);
    captured report;
    inspect_once(data, size, NULL, &report);
    check_inspect_split(data, size, &report);
    int irc = report.rc;
    captured_free(&report);
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
        captured_free(&first);
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
    if (second.out_len != first.out_len || memcmp(second.out, first.out, first.out_len) != 0) {
        report_difference(&first, &second);
        abort();
    }
    captured_free(&first);
    captured_free(&second);
    return 0;
}
