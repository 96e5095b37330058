/* kleym.h - kleym-fn as a library: one call runs the whole pipeline.
 *
 *   read -> config -> resolve -> check conflicts -> check workloads
 *        -> render -> write (the function) / report (inspect)
 *
 * main.c parses flags and reads stdin; the fuzz target and the tests call
 * kf_run() and kf_inspect_main() directly.
 */
#ifndef KLEYM_H
#define KLEYM_H

#include <stddef.h>
#include <stdio.h>

#define KLEYM_VERSION "0.1.0"

enum kf_exit {
    KF_EXIT_OK = 0,     /* no error-severity result */
    KF_EXIT_ERRORS = 1, /* error results, fatal input or failed write */
    KF_EXIT_USAGE = 2,
    KF_EXIT_NO_BINDING = 3, /* inspect --binding: not in the input */
};

/* The environment variables main.c reads into kf_settings. */
#define KF_ENV_TRUST_DOMAIN "KLEYM_TRUST_DOMAIN"
#define KF_ENV_CLASS_NAME "KLEYM_CLUSTERSPIFFEID_CLASS_NAME"

/* How the input is read: KLEYM_FN_READ=auto|serial|split|split@BYTE, and
 * KLEYM_FN_READ_TRACE=1 for one line on stderr saying which read ran and
 * why (docs/design.md, "The two-thread read"). The output is the same
 * bytes whichever read runs; the switch is there for debugging and for
 * the tests that prove it. */
#define KF_ENV_READ "KLEYM_FN_READ"
#define KF_ENV_READ_TRACE "KLEYM_FN_READ_TRACE"

enum kf_read_mode {
    KF_READ_AUTO = 0, /* two threads for a large block-style ResourceList
                       * that splits safely, else one */
    KF_READ_SERIAL,   /* one thread */
    KF_READ_SPLIT,    /* two threads whenever the input splits safely,
                       * whatever its size */
};

/* The input's bytes buf[from, to) are not needed again until touched. */
typedef void (*kf_input_done_fn)(const char *buf, size_t from, size_t to);
/* May the input's bytes buf[from, to) be written for a moment? 0: yes,
 * they are writable now. */
typedef int (*kf_input_writable_fn)(const char *buf, size_t from, size_t to);

typedef struct kf_read_opts {
    enum kf_read_mode mode;
    size_t split_at;  /* KF_READ_SPLIT: at the first item boundary at or
                       * after this byte; 0: the one nearest the middle */
    FILE *trace;      /* not NULL: which read ran, and why, one line */
    /* Called with the input kf_run() was given, never another text: all
     * of it once the two-thread read has read both halves (before they
     * are merged) and once the input is read (the checks read its
     * fields), the bytes of each List once its entries are read, then as
     * the writer copies it. main() gives a mapped file's pages back (a
     * page touched again is read from the file). NULL: nothing. */
    kf_input_done_fn input_done;
    /* Asked with the input kf_run() was given, never another text: the
     * reader blanks what precedes a List on its first line (`- `) while
     * it reads the List's bytes again on their own (read_list.c), and
     * puts them back before it reads on. main() says yes: its input is
     * its own heap memory, or a private mapping whose pages it makes
     * writable (the file is never written). NULL, or not 0: the List's
     * bytes are copied instead. */
    kf_input_writable_fn input_writable;
} kf_read_opts;

/* Parse a KLEYM_FN_READ value (NULL: auto) into *o. Returns 0, or -1 when
 * the value is not one of the forms above. */
int kf_read_opts_parse(const char *value, kf_read_opts *o);

/* Settings given outside the input (flags, environment). NULL: not given. */
typedef struct kf_settings {
    const char *flag_trust_domain, *flag_class_name;
    const char *env_trust_domain, *env_class_name;
    const char *flag_namespace;     /* inspect -n: the functionConfig namespace */
    kf_read_opts read;              /* how the input is read */
} kf_settings;

/* Run the function over buf[0..len). The output goes to out only when the
 * input could be read; diagnostics go to err. Returns an enum kf_exit. */
int kf_run(const char *buf, size_t len, const kf_settings *settings, FILE *out,
           FILE *err);

/* `kleym-fn inspect ARGS...` (argv after "inspect"): the same pipeline,
 * printed for people. Reads stdin when no file is named. Returns an enum
 * kf_exit (3: the --binding named is not in the input). */
int kf_inspect_main(int argc, char **argv, const kf_settings *env, FILE *in,
                    FILE *out, FILE *err);

#endif
