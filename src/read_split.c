/* read_split.c - the two-thread read of a large block-style ResourceList.
 *
 * libfyaml's parse is two thirds of a run, and one thread of it. A
 * ResourceList written in block style (what kpt, kustomize and the
 * pipelines write) can be cut at the start of an item of `items:`, the
 * line of its `-`: this thread reads the head, the input up to that line,
 * while a second thread reads the slice of items from there to where
 * `items:` ends. The slice's reader starts in the state the serial reader
 * is in at an item's start (the root mapping, the item sequence); when
 * both are done, the slice's items, fields, layouts and texts are appended
 * to the head's (read_split_merge.c), and this thread's reader goes on
 * with what follows `items:` (the functionConfig, results), read by a
 * third parser from there. Marks are read as offsets into the whole buffer
 * (kf_ends.base), so every recorded position is the serial read's.
 *
 * The output must be the serial read's, byte for byte, for every input:
 *   - the cut is chosen by a scan of line starts (plan_split()) that gives
 *     up on anything it cannot vouch for: JSON and flow style, directives,
 *     several documents, a root that is not a block mapping at column 0,
 *     `items:` not followed by a block sequence, tabs at a line's start;
 *   - a line that only looks like an item's start (inside a quoted scalar
 *     or a flow collection that crosses it) leaves the head's quote or
 *     bracket open at its end, which libfyaml reports as an error;
 *   - anything that goes wrong in any part (an error, input the serial
 *     read would refuse, a reading that needs what the other part read)
 *     throws the two-thread read away and reads the input again on one
 *     thread, so errors, their lines and the first of them are always the
 *     serial read's own.
 * tests/read_split.py runs every input of the suite cut at every line start
 * against the serial read, tests/split_hazards.py each unsafe construct at
 * the cut; the fuzz target compares the two on every input.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "read.h"
#include "read_split.h"

/* make KF_READ_ONE_THREAD=1 builds without the two-thread read. */
#ifdef KF_READ_ONE_THREAD
#define ONE_THREAD_BUILD true
#else
#define ONE_THREAD_BUILD false
#endif

/* Below this size a second thread costs more than it saves. */
#define SPLIT_MIN_BYTES ((size_t)1 << 20)

int kf_read_opts_parse(const char *value, kf_read_opts *o)
{
    o->mode = KF_READ_AUTO;
    o->split_at = 0;
    if (!value || !*value || strcmp(value, "auto") == 0)
        return 0;
    if (strcmp(value, "serial") == 0) {
        o->mode = KF_READ_SERIAL;
        return 0;
    }
    if (strncmp(value, "split", 5) != 0)
        return -1;
    o->mode = KF_READ_SPLIT;
    if (value[5] == '\0')
        return 0;
    if (value[5] != '@' || value[6] < '0' || value[6] > '9')
        return -1;
    char *end = NULL;
    unsigned long long at = strtoull(value + 6, &end, 10);
    if (*end != '\0')
        return -1;
    o->split_at = (size_t)at;
    return 0;
}

/* ---- the slice's thread --------------------------------------------------- */

typedef struct slice_job {
    const char *buf;
    size_t len;
    const kf_split_plan *plan;
    enum kf_read_as as;    /* the input, or a List */
    atomic_bool *stop;     /* set when the head failed: give up early */
    kf_input in;           /* what the slice read (this thread's until joined) */
    kf_fatal fatal;
    uint32_t last, scalar; /* where its content ends */
    uint32_t prev_item_me;
    bool ok;
    const char *why;       /* why not ok */
} slice_job;

/* Put a fresh reader where the serial read is at the start of an item of
 * the root mapping's block sequence `items`. */
static int slice_position(kf_reader *r, const kf_split_plan *p)
{
    r->in_slice = true;
    r->ends.last = p->split;
    r->ends.last_unknown = true;
    /* The item's '-' when a comment stands between it and the item. */
    r->prev_item_me = p->split + p->col;
    if (kf_walk_push(r, 0, S_DOC, R_DOC, true, false) < 0 ||
        kf_walk_push(r, 0, S_ITEM, R_ITEMS, false, false) < 0)
        return -1;
    r->stack[0].want_key = 0;
    if (kf_strict_begin_slice(&r->strict) < 0)
        return kf_reader_oom(r);
    return 0;
}

/* e ends the item sequence: the serial read's root mapping and its items
 * frame are the stack, and no skipped subtree is open. */
static bool closes_items(const kf_reader *r, const struct fy_event *e)
{
    return e->type == FYET_SEQUENCE_END && r->skip_depth == 0 && r->depth == 2 &&
           r->stack[1].role == R_ITEMS && r->doc_index == 0;
}

/* The slice's events: its own stream, document and sequence starts are
 * the serial read's item sequence, already open; it ends with that
 * sequence's end, after which only the document's and stream's ends may
 * come. */
static const char *read_slice(kf_reader *r, const kf_split_plan *p, atomic_bool *stop)
{
    const char *why = NULL;
    bool opened = false, closed = false;
    struct fy_event *e;
    while (!why && (e = kf_reader_next(r)) != NULL) {
        if (atomic_load_explicit(stop, memory_order_relaxed))
            why = "stopped";
        else if (closed) {
            if (e->type != FYET_DOCUMENT_END && e->type != FYET_STREAM_END)
                why = "content after the item sequence";
        } else if (!opened) {
            if (e->type == FYET_SEQUENCE_START) {
                opened = true;
                if (kf_event_tag(e) || e->sequence_start.anchor ||
                    kf_event_start(&r->ends, e) != p->split + p->col)
                    why = "the slice does not start with an item";
            } else if (e->type != FYET_STREAM_START && e->type != FYET_DOCUMENT_START) {
                why = "the slice is not a sequence";
            }
        } else if (closes_items(r, e)) {
            closed = true;
        } else if (kf_reader_event(r, e) < 0) {
            why = r->fatal->msg;
        }
    }
    if (!why && !closed)
        why = "the slice did not end its item sequence";
    return why;
}

static void *slice_main(void *arg)
{
    slice_job *job = arg;
    const kf_split_plan *p = job->plan;
    kf_reader r;
    job->why = "out of memory";
    if (kf_reader_begin(&r, job->buf, job->len, &job->in, &job->fatal, job->as) == 0 &&
        slice_position(&r, p) == 0 &&
        kf_reader_open(&r, p->split, p->tail - p->split, p->split_line) == 0) {
        job->why = read_slice(&r, p, job->stop);
        if (kf_reader_close(&r, job->why ? -1 : 0) < 0 && !job->why)
            job->why = job->fatal.msg;
    }
    if (!job->why && r.ends.unsure)
        job->why = "an item starts with a key the slice cannot place";
    if (!job->why && r.nonmap_line)
        job->why = "an item is not a mapping";
    if (!job->why && job->in.nitems == 0)
        job->why = "the slice holds no item";
    job->last = r.ends.last;
    job->scalar = r.ends.scalar;
    job->prev_item_me = r.prev_item_me;
    job->ok = job->why == NULL;
    kf_reader_end(&r);
    return NULL;
}

/* ---- this thread: the head, then the tail ---------------------------------- */

/* Read the head up to the end of its item sequence (which, for the head's
 * parser, is the head's end). *held is that event, still the parser's. */
static const char *read_head(kf_reader *r, struct fy_event **held)
{
    struct fy_event *e;
    *held = NULL;
    while ((e = kf_reader_next(r)) != NULL) {
        if (closes_items(r, e)) {
            *held = kf_reader_take(r);
            return NULL;
        }
        if (kf_reader_event(r, e) < 0)
            return r->fatal->msg;
    }
    return "the head's item sequence did not end at the cut";
}

/* The head's parse after its item sequence: the root mapping's, the
 * document's and the stream's ends, and no error. A line indented between
 * the items' '-' and their keys ends the sequence early, before the cut,
 * and libfyaml reports it only after that sequence end: unread, the lines
 * from there to the cut would be dropped and the error never seen. */
static const char *head_ends_at_cut(kf_reader *r)
{
    static const enum fy_event_type ends[] = {FYET_MAPPING_END, FYET_DOCUMENT_END,
                                              FYET_STREAM_END};
    size_t n = 0;
    bool other = false;
    struct fy_event *e;
    while ((e = kf_reader_next(r)) != NULL) {
        other |= n >= sizeof ends / sizeof ends[0] || e->type != ends[n];
        n++;
    }
    if (other || n != sizeof ends / sizeof ends[0] || fy_parser_get_stream_error(r->parser))
        return "the head's item sequence ended before the cut";
    return NULL;
}

/* What follows `items:`: a parser of its own from the tail's first byte,
 * whose root mapping is the ResourceList's, already open. */
static const char *read_tail(kf_reader *r, const kf_split_plan *p)
{
    if (kf_reader_open(r, p->tail, r->ends.len - p->tail, p->tail_line) < 0)
        return r->fatal->msg;
    const char *why = NULL;
    bool opened = false;
    struct fy_event *e;
    while (!why && (e = kf_reader_next(r)) != NULL) {
        if (!opened) {
            if (e->type == FYET_MAPPING_START) {
                opened = true;
                if (kf_event_tag(e) || e->mapping_start.anchor ||
                    kf_event_col(e) != 0 || r->ends.buf[kf_event_start(&r->ends, e)] == '{')
                    why = "the tail is not the root mapping's keys";
            } else if (e->type != FYET_STREAM_START && e->type != FYET_DOCUMENT_START) {
                why = "the tail is not a mapping";
            }
        } else if (kf_reader_event(r, e) < 0) {
            why = r->fatal->msg;
        }
    }
    if (kf_reader_close(r, why ? -1 : 0) < 0 && !why)
        why = r->fatal->msg;
    return why;
}

/* The two-thread read. 0, or -1 with why it was given up in lost (*in and
 * *fatal then hold nothing of use). */
static int read_two(const char *buf, size_t len, const kf_split_plan *p,
                    enum kf_read_as as, kf_input_done_fn done, kf_input *in,
                    kf_fatal *fatal, char *lost, size_t lost_size)
{
    atomic_bool stop;
    atomic_init(&stop, false);
    slice_job job = {.buf = buf, .len = len, .plan = p, .as = as, .stop = &stop};
    pthread_t tid;
    if (pthread_create(&tid, NULL, slice_main, &job) != 0) {
        snprintf(lost, lost_size, "no second thread");
        return -1;
    }
    kf_reader r;
    struct fy_event *held = NULL;
    const char *why = NULL;
    if (kf_reader_begin(&r, buf, len, in, fatal, as) < 0 ||
        kf_reader_open(&r, 0, p->split, 0) < 0)
        why = fatal->msg;
    if (!why)
        why = read_head(&r, &held);
    if (why)
        atomic_store(&stop, true);
    pthread_join(tid, NULL);
    if (!why && !job.ok)
        why = job.why;
    /* Both halves are read: the merge below is the read's peak, and
     * nothing reads the input's bytes again but the few at the cut and
     * after the items, the local-config marks and the writer. */
    if (!why && done)
        done(buf, 0, len);
    if (!why && kf_split_merge(in, &job.in) < 0)
        why = "out of memory";
    if (!why) {
        r.ends.last = job.last;
        r.ends.last_unknown = false;
        r.ends.scalar = job.scalar;
        r.prev_item_me = job.prev_item_me;
        r.cur_item = in->nitems - 1;
        /* The item sequence ends: at the head's end, as at the tail's
         * first key for the serial read; a block end has no mark of use. */
        if (kf_reader_event(&r, held) < 0)
            why = fatal->msg;
    }
    if (held)
        fy_parser_event_free(r.parser, held);
    if (!why && p->tail < len) {
        why = head_ends_at_cut(&r);
        kf_reader_close(&r, -1); /* the head's own ends are not the input's */
        if (!why)
            why = read_tail(&r, p);
    } else if (!why && kf_reader_drain(&r) < 0) {
        why = fatal->msg;
    }
    if (kf_reader_close(&r, why ? -1 : 0) < 0 && !why)
        why = fatal->msg;
    if (why)
        snprintf(lost, lost_size, "%s", why);
    kf_input_free(&job.in);
    kf_reader_end(&r);
    return why ? -1 : 0;
}

static void trace_plan(FILE *t, const kf_split_plan *p, size_t len, enum kf_read_as as)
{
    fprintf(t, "kleym-fn: read: %stwo threads: cut at byte %u (line %d) of %zu, "
               "items end at byte %u\n",
            as == KF_AS_LIST ? "a List: " : "", p->split, p->split_line + 1, len, p->tail);
}

int kf_read_input(const char *buf, size_t len, const kf_read_opts *opts,
                  enum kf_read_as as, kf_input *in, kf_fatal *fatal)
{
    kf_read_opts serial = {.mode = KF_READ_SERIAL};
    if (!opts)
        opts = &serial;
    FILE *t = opts->trace;
    int line, col;
    const char *why = kf_read_precheck(buf, len, &line, &col);
    if (why) {
        if (t)
            fprintf(t, "kleym-fn: read: not read: %s\n", why);
        memset(in, 0, sizeof *in);
        memset(fatal, 0, sizeof *fatal);
        fatal->line = line;
        fatal->col = col;
        snprintf(fatal->msg, sizeof fatal->msg, "%s", why);
        return -1;
    }
    kf_split_plan plan;
    char busy[64];
    double quota;
    if (ONE_THREAD_BUILD)
        why = "built with KF_READ_ONE_THREAD";
    else if (opts->mode == KF_READ_SERIAL)
        why = "asked for";
    else if (opts->mode == KF_READ_AUTO && len < SPLIT_MIN_BYTES)
        why = "the input is under 1 MiB";
    else if (opts->mode == KF_READ_AUTO && kf_cpus_usable(&quota) < 2) {
        if (quota > 0)
            snprintf(busy, sizeof busy, "a CPU quota of %.2f processors", quota);
        else
            snprintf(busy, sizeof busy, "one processor");
        why = busy;
    }
    else
        why = kf_split_plan_make(buf, len, opts->mode == KF_READ_SPLIT ? opts->split_at : 0,
                                 as == KF_AS_LIST, &plan);
    if (!why) {
        char lost[sizeof fatal->msg + 64];
        /* only the input kf_run() was given, never a List's text (which
         * may be a copy) */
        kf_input_done_fn done = as == KF_AS_INPUT ? opts->input_done : NULL;
        if (read_two(buf, len, &plan, as, done, in, fatal, lost, sizeof lost) == 0) {
            if (t)
                trace_plan(t, &plan, len, as);
            return 0;
        }
        kf_input_free(in);
        if (t)
            fprintf(t, "kleym-fn: read: %stwo threads gave up (%s); read again on one\n",
                    as == KF_AS_LIST ? "a List: " : "", lost);
    } else if (t && as != KF_AS_LIST) { /* not a line for every small List */
        fprintf(t, "kleym-fn: read: one thread: %s\n", why);
    }
    return kf_read_serial(buf, len, in, fatal, as, true);
}
