/* main.c - the kleym-fn command: flags, stdin, and kf_run(); or
 * `kleym-fn inspect ...`, kf_inspect_main(). */
#define _DEFAULT_SOURCE /* madvise() */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kf_config.h"
#include "kf_identity.h"
#include "kf_read.h"
#include "kleym.h"

static const char usage[] =
    "usage: kleym-fn [--trust-domain TD] [--class-name NAME] < resourcelist\n"
    "       kleym-fn inspect [options] [FILE|DIR ...]   (kleym-fn inspect --help)\n"
    "\n"
    "Compiles Kleym InferenceIdentityBindings into SPIRE ClusterSPIFFEIDs.\n"
    "Reads a KRM ResourceList (YAML or JSON) or a YAML stream on stdin and\n"
    "writes it to stdout with the generated ClusterSPIFFEIDs and results.\n"
    "\n"
    "  --trust-domain TD   SPIFFE trust domain (overrides functionConfig and\n"
    "                      $" KF_ENV_TRUST_DOMAIN ")\n"
    "  --class-name NAME   spec.className of every ClusterSPIFFEID (overrides\n"
    "                      functionConfig and $" KF_ENV_CLASS_NAME ")\n"
    "  --help              this text\n"
    "  --version           the version\n"
    "\n"
    "Exit status: 0 no errors, 1 error results or unreadable input, 2 usage.\n";

/* --help: the usage, then every functionConfig key with its default, from
 * the table the configuration reader uses (config.c). */
static void help(FILE *out)
{
    const char *name, *def, *doc;
    fputs(usage, out);
    fputs("\nfunctionConfig (a ConfigMap's data.KEY, a ClusterSPIFFEIDGenerator's "
          "spec.KEY,\nor kpt fn eval ... -- KEY=VALUE):\n\n"
          "  KEY                       DEFAULT       MEANING\n",
          out);
    for (size_t i = 0; (name = kf_config_key_doc(i, &def, &doc)); i++)
        fprintf(out, "  %-25s %-13s %s\n", name, def, doc);
    fputs("\nDocumentation: docs/functionconfig.md, man kleym-fn, "
          "man kleym-fn-inspect.\n", out);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "kleym-fn: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'kleym-fn --help'.\n");
    return KF_EXIT_USAGE;
}

static char *read_all(FILE *in, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            if (cap >= KF_MAX_INPUT) {
                errno = EFBIG;
                free(buf);
                return NULL;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0) {
            if (ferror(in)) {
                free(buf);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

/* Standard input that is a whole regular file (`kleym-fn < list.yaml`)
 * mapped instead of copied: no copy of the input and no page of the heap
 * zeroed for it (about 5% of a run on the 100k list). Anything else (a pipe,
 * as kpt and kustomize send, an empty file, a file read from an offset)
 * is read with read_all(). NULL when it cannot be mapped. */
static char *map_stdin(size_t *len)
{
    struct stat sb;
    if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        (unsigned long long)sb.st_size >= KF_MAX_INPUT ||
        lseek(STDIN_FILENO, 0, SEEK_CUR) != 0)
        return NULL;
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, STDIN_FILENO, 0);
    if (m == MAP_FAILED)
        return NULL;
    *len = (size_t)sb.st_size;
    return m;
}

/* The mapped input's pages in buf[from, to), whole pages from the one
 * holding buf[from] (kf_read_opts.input_done): given back. A private
 * mapping of a file that was never written reads the file's bytes again
 * where a page is touched, so the checks between the read and the
 * writer's copy, and the writer behind its copy, do not hold the input
 * resident. buf is page-aligned (mmap()). */
static void give_back_input(const char *buf, size_t from, size_t to)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    from -= from % page;
    to -= to % page;
    if (to > from) /* only a hint: no error */
        madvise((void *)(buf + from), to - from, MADV_DONTNEED);
}

/* The input's bytes buf[from, to) made writable for the reader
 * (kf_read_opts.input_writable): a mapped file's pages are read-only, and
 * a private mapping's page written is the process's own copy (the file
 * is never written). buf is page-aligned (mmap()). */
static int mapped_writable(const char *buf, size_t from, size_t to)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    from -= from % page;
    to += (page - to % page) % page;
    return mprotect((void *)(buf + from), to - from, PROT_READ | PROT_WRITE);
}

/* Input read from a pipe is main()'s own heap memory: writable. */
static int heap_writable(const char *buf, size_t from, size_t to)
{
    (void)buf;
    (void)from;
    (void)to;
    return 0;
}

/* Close stdout and say when the output could not be written. */
static int close_stdout(int rc)
{
    if (fclose(stdout) != 0 && rc != KF_EXIT_ERRORS) {
        fprintf(stderr, "kleym-fn: fatal: writing the output failed: %s\n",
                strerror(errno));
        rc = KF_EXIT_ERRORS;
    }
    return rc;
}

int main(int argc, char **argv)
{
    kf_settings st;
    memset(&st, 0, sizeof st);
    /* Blocks of 128 KiB and more (the input, the arrays of items, bindings
     * and results, qsort's scratch copies) each their own mapping, given
     * back when freed. glibc raises this threshold to the size of each
     * large block freed, so later ones come from the heap and what they
     * leave stays resident: 3-7% of the peak on the conflict-heavy lists
     * (docs/design.md). */
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    /* stderr line-buffered: a result line is written as one write, not one
     * per piece (20 000 conflicting bindings made 370 000 writes). */
    setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
    /* A closed stdout must be an error we report, not a silent kill. */
    signal(SIGPIPE, SIG_IGN);
    if (kf_read_opts_parse(getenv(KF_ENV_READ), &st.read) < 0)
        return usage_error("invalid " KF_ENV_READ " \"%s\" (auto, serial, split or "
                           "split@BYTE)", getenv(KF_ENV_READ));
    const char *trace = getenv(KF_ENV_READ_TRACE);
    if (trace && *trace && strcmp(trace, "0") != 0)
        st.read.trace = stderr;
    if (argc > 1 && strcmp(argv[1], "inspect") == 0) {
        st.env_trust_domain = getenv(KF_ENV_TRUST_DOMAIN);
        st.env_class_name = getenv(KF_ENV_CLASS_NAME);
        return close_stdout(kf_inspect_main(argc - 2, argv + 2, &st, stdin, stdout, stderr));
    }
    for (int i = 1; i < argc; i++) {
        int m;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return close_stdout(KF_EXIT_OK);
        }
        if (strcmp(argv[i], "--version") == 0) {
            puts("kleym-fn " KLEYM_VERSION);
            return KF_EXIT_OK;
        }
        if ((m = kf_option_value(argc, argv, &i, "--trust-domain", &st.flag_trust_domain))) {
            if (m < 0)
                return usage_error("%s needs a value", "--trust-domain");
            if (!kf_is_trust_domain(st.flag_trust_domain, strlen(st.flag_trust_domain)))
                return usage_error("invalid --trust-domain \"%s\" (1-255 of a-z 0-9 . - _)",
                                   st.flag_trust_domain);
            continue;
        }
        if ((m = kf_option_value(argc, argv, &i, "--class-name", &st.flag_class_name))) {
            if (m < 0)
                return usage_error("%s needs a value", "--class-name");
            if (!kf_config_valid_class_name(st.flag_class_name))
                return usage_error("invalid --class-name \"%s\"", st.flag_class_name);
            continue;
        }
        return usage_error("unknown argument \"%s\"", argv[i]);
    }
    st.env_trust_domain = getenv(KF_ENV_TRUST_DOMAIN);
    st.env_class_name = getenv(KF_ENV_CLASS_NAME);
    /* A person at a terminal, not a pipe: waiting for input would look
     * like a hang. */
    if (isatty(STDIN_FILENO)) {
        fputs("kleym-fn: stdin is a terminal; pipe a ResourceList or YAML stream in\n\n",
              stderr);
        fputs(usage, stderr);
        return KF_EXIT_USAGE;
    }

    size_t len = 0;
    char *mapped = map_stdin(&len);
    char *buf = mapped ? mapped : read_all(stdin, &len);
    if (mapped)
        st.read.input_done = give_back_input;
    st.read.input_writable = mapped ? mapped_writable : heap_writable;
    if (!buf) {
        fprintf(stderr, "kleym-fn: fatal: reading stdin: %s\n",
                errno == EFBIG ? "input larger than 1 GiB" : strerror(errno));
        return KF_EXIT_ERRORS;
    }
    /* The list goes to stdout's descriptor with writev(), in pieces of
     * about 256 KiB (write_out.c), not through stdio's buffer. */
    int rc = kf_run(buf, len, &st, stdout, stderr);
    if (mapped)
        munmap(mapped, len);
    else
        free(buf);
    return close_stdout(rc);
}
