/* kleym.h - kleym-fn as a library: one call runs the whole pipeline.
 *
 *   read -> config -> resolve -> check conflicts -> render -> write
 *
 * main.c parses flags and reads stdin; the fuzz target and the tests call
 * kf_run() directly.
 */
#ifndef KLEYM_H
#define KLEYM_H

#include <stddef.h>
#include <stdio.h>

#include "kf_config.h"

#define KLEYM_VERSION "0.1.0"

enum kf_exit {
    KF_EXIT_OK = 0,     /* no error-severity result */
    KF_EXIT_ERRORS = 1, /* error results, fatal input or failed write */
    KF_EXIT_USAGE = 2,
};

/* Run the function over buf[0..len). The output goes to out only when the
 * input could be read; diagnostics go to err. Returns an enum kf_exit. */
int kf_run(const char *buf, size_t len, const kf_settings *settings, FILE *out,
           FILE *err);

#endif
