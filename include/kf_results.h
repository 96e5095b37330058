/* kf_results.h - the results the function reports.
 *
 * Results name the resource (resourceRef), the field at fault, the file it
 * came from (kpt/kustomize path and index annotations) and carry the
 * condition and reason as tags. They are sorted by (namespace, name,
 * severity, reason) before output, written into the ResourceList, and
 * mirrored on stderr.
 */
#ifndef KF_RESULTS_H
#define KF_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kf_reasons.h"

enum kf_severity { KF_SEV_ERROR, KF_SEV_WARNING, KF_SEV_INFO };

/* Which resource a result is about. Strings are borrowed (they live in the
 * input's string pool) and may be empty, never NULL. */
typedef struct kf_ref {
    const char *api_version, *kind, *name, *namespace;
    const char *path, *index; /* file annotations; empty when absent */
    const char *entry;        /* an entry of a List: where in it
                               * ("items[2]"); NULL or "" otherwise */
    uint32_t position;        /* the item's position in the input (items
                               * are counted in 32 bits): its identity */
    uint32_t shown;           /* 1 + the index "<stdin>:N" prints when no
                               * file names it: the place among the
                               * output's items of the top-level item it
                               * is or is in (the dropped items before it
                               * do not count); 0: position is printed */
} kf_ref;                     /* 64 bytes: in every binding */

/* Appends a result's message made when it is written, from arg; 0 or -1
 * (out of memory). */
typedef int (*kf_result_text_fn)(const void *arg, kf_buf *out);

/* Appends the message of member m of a run (kf_results_add_run()); *field
 * and *ref come in as the run's and may be set to the member's own (a
 * static string or NULL; the ref's strings must outlive the results). 0 or
 * -1 (out of memory). */
typedef int (*kf_result_member_fn)(const void *arg, uint32_t m, kf_buf *out,
                                   const char **field, kf_ref *ref);

/* What the memory of a run's arg starts with. */
typedef struct kf_result_run {
    kf_result_member_fn member;
    uint32_t count;                 /* its members: 1 or more */
} kf_result_run;

typedef struct kf_result {
    const kf_ref *ref;              /* the results' copy (kf_results_add), or
                                     * borrowed (kf_results_add_text) */
    const char *field;              /* static field path, or NULL */
    kf_result_text_fn text;         /* NULL: message is the text; else the
                                     * message of arg (kf_result_message) */
    union {
        char *message;              /* owned by the results, or borrowed
                                     * for one made by a report */
        const void *arg;            /* memory the results keep
                                     * (kf_results_keep) or that outlives them;
                                     * a run's starts with a kf_result_run */
    };
    uint32_t order;                 /* insertion order, for a stable sort; a
                                     * run's members have order .. order +
                                     * count - 1 */
    uint8_t severity;               /* enum kf_severity */
    uint8_t reason;                 /* enum kf_reason, and with it the
                                     * condition */
    uint8_t run;                    /* stands for a run of results: arg is
                                     * a kf_result_run (text NULL) */
    uint8_t shared;                 /* message is in the results' text
                                     * blocks (a check failure's) */
} kf_result;                        /* 40 bytes: one or two a binding */

/* One check failure of a resource (kf_results_add_fail()), in a list of
 * its resource's failures in report order: by reason, then as found. */
typedef struct kf_fail {
    const char *message;            /* in the results' text blocks */
    const char *field;              /* static field path, or NULL */
    uint16_t nth;                   /* its place among its resource's
                                     * failures as they were found */
    uint8_t reason;                 /* enum kf_reason */
    uint8_t left;                   /* how many of its list follow it */
} kf_fail;                          /* 24 bytes; equal lists stored once */

/* The failures of one resource, held as one: no result of 40 bytes each
 * (a binding with `spec: {}` fails five ways). */
typedef struct kf_fail_group {
    const kf_ref *ref;              /* borrowed */
    uint32_t fail;                  /* its list: fails[fail ..] */
    uint32_t order;                 /* its first failure's order; the
                                     * failure found nth has order + nth */
} kf_fail_group;                    /* 16 bytes a failing binding */

typedef struct kf_results {
    kf_result *v;
    size_t n, cap;
    uint32_t norder;                /* the next result's order: n plus the
                                     * runs' other members */
    kf_arena held;                  /* kf_results_hold(): records and
                                     * texts results read when written */
    const char *recent[64];         /* a message stored lately, by hash:
                                     * equal messages are stored once */
    void **kept;                    /* owned: what lazy messages read */
    size_t nkept, kept_cap;
    /* Check failures (kf_results_add_fail()): groups sorted by their
     * resource's (namespace, name), each name once, and their lists;
     * the report and kf_results_expand() make their results. */
    kf_fail_group *groups;
    size_t ngroups, groups_cap;
    kf_fail *fails;
    size_t nfails, fails_cap;
    uint32_t recent_fails[64];      /* 1 + a list stored lately, by hash */
    kf_fail *pend;                  /* the open group's failures, as found */
    size_t npend, pend_cap;
    const kf_ref *pend_ref;
    uint32_t pend_order;
} kf_results;

/* "<path>:<index>" from the file annotations, else "<stdin>:<N>", N the
 * item's place in the output (kf_ref.shown; position when unset); an
 * entry of a List: the List's, then " items[2]". */
void kf_ref_where(const kf_ref *ref, char *buf, size_t cap);

/* A result whose message is fmt formatted; ref is copied, with the message
 * in one allocation. */
int kf_results_add(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                   enum kf_reason reason, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* A result whose message text(arg) makes when it is written: held as a
 * few pointers, not as text (a conflict names peers: 2 KB each). ref is
 * borrowed, not copied (a binding's: 56 bytes a result); it must outlive
 * the results. */
int kf_results_add_text(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                        enum kf_reason reason, const char *field, kf_result_text_fn text,
                        const void *arg);
/* size bytes (aligned to align, a power of two) in the results' blocks,
 * freed with them: what a message made when written reads, held without
 * an allocation of its own. NULL: out of memory. */
void *kf_results_hold(kf_results *rs, size_t size, size_t align);
/* A copy of s in the results' blocks, or an equal copy made lately (64
 * slots by hash); NULL: out of memory. */
const char *kf_results_text(kf_results *rs, const char *s);
/* An error on ref's resource whose message is msg, stored in the results'
 * text blocks (once for equal messages stored close together: each
 * binding's "is required" errors). ref is borrowed, as for
 * kf_results_add_text(): a binding's. The failures of one resource, added
 * one after another (adding any other result, or another resource's
 * failure, ends them; so does kf_results_end_fails()), are held as a group
 * of 16 bytes whose list of failures is shared with the groups that fail
 * the same way, when the group's (namespace, name) sorts after the last
 * group's (a checker going through resources in that order); else as
 * results of their own. Either way they are reported in the same order.
 * 0, or -1: out of memory. */
int kf_results_add_fail(kf_results *rs, const kf_ref *ref, enum kf_reason reason,
                        const char *field, const char *msg);
/* Ends the failures added last (kf_results_add_fail()). 0, or -1: out of
 * memory. */
int kf_results_end_fails(kf_results *rs);
/* Group g's members: how many, and member m as a result (message text). */
uint32_t kf_fail_group_count(const kf_results *rs, size_t g);
void kf_fail_group_result(const kf_results *rs, size_t g, uint32_t m, kf_result *out);
/* count results of one severity and reason on resources of one namespace
 * and name (ref's, which sorts them), one after another in the report (no
 * other result that sorts with them may come between them in order),
 * held as one: run, memory that outlives the results (the caller's
 * kf_results_keep(), as a whole or as part of an array), makes each
 * member's message, field and ref when it is written (a functionConfig
 * with 80 000 unknown keys: one record, not 80 000). ref is borrowed and
 * must outlive the results. The report writes the members
 * (kf_report_get()); kf_results_expand() turns them into results for a
 * reader of rs->v. 0, or -1: out of memory. */
int kf_results_add_run(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                       enum kf_reason reason, const char *field, kf_result_run *run);
/* Every group of failures and every run of rs (sorted) replaced by its
 * members, each a result whose message is text: rs stays sorted. 0, or
 * -1: out of memory. */
int kf_results_expand(kf_results *rs);
/* The members a result stands for: a run's count, else 1. */
static inline uint32_t kf_result_count(const kf_result *r)
{
    return r->run ? ((const kf_result_run *)r->arg)->count : 1;
}
/* The results own p from now on (kf_results_free() frees it), or free it
 * at once and return -1 when memory runs out: then a result made from p
 * must never be written, and the run fails (out of memory) as every -1
 * past the reader does. */
int kf_results_keep(kf_results *rs, void *p);
/* r's message: its text, or made in scratch (cleared first); NULL when
 * memory runs out. */
char *kf_result_message(const kf_result *r, kf_buf *scratch);
/* An error among the results, groups of failures included. */
bool kf_results_has_error(const kf_results *rs);
/* "error", "warning", "info" */
const char *kf_severity_name(enum kf_severity s);
/* The report order: namespace, name, severity, reason, then order. */
int kf_result_cmp(const kf_result *a, const kf_result *b);
void kf_results_sort(kf_results *rs);
/* One result as a YAML block mapping or a one-line JSON object, where
 * entry_col says (kf_emit_open_at()); r's message is its text
 * (kf_report_get() gives such results). */
int kf_result_render(const kf_result *r, bool json, long entry_col, kf_buf *out);
/* The result's stderr line: one line, control characters escaped; r's
 * message is its text, as for kf_result_render(). */
void kf_result_print(const kf_result *r, FILE *err);
/* s[0..n) with control characters written as \n, \t, \xNN. */
void kf_fputs_escaped(const char *s, size_t n, FILE *f);
void kf_puts_escaped(const char *s, FILE *f); /* s NUL-terminated */
void kf_results_free(kf_results *rs);

#endif
