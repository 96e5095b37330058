/* read.h - the reader's state, shared by its three parts.
 *
 * read.c runs libfyaml's parser and handles documents; read_walk.c follows
 * the collections the capture schema looks into (keys, values, the item
 * list); read_capture.c records captured fields in their sink and narrows
 * what an item may be once its kind is known. Not an interface for the
 * rest of the program: that is kf_read.h.
 */
#ifndef KF_SRC_READ_H
#define KF_SRC_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "read_event.h"
#include "kf_read.h"
#include "kf_schema.h"
#include "read_strict.h"
#include "read_textpool.h"

/* Where captured fields go: the current document (which may be the
 * ResourceList or an item of a stream), the current item of
 * ResourceList.items, or the functionConfig. */
enum sink { S_DOC, S_ITEM, S_FC, S_COUNT };

/* What a frame's collection is to the walk. */
enum role { R_NONE, R_DOC, R_ITEM, R_FC, R_ITEMS };

typedef struct kf_frame {
    uint32_t node;        /* schema node of the collection (a sequence: its
                           * '[]' node) */
    uint32_t lit, wild;   /* the current key's schema nodes, or KF_SNONE */
    kf_kmask wild_mask;   /* the classes the wildcard captures this key for */
    uint64_t seen;        /* literal keys seen, by their node's ordinal */
    uint32_t key_start;   /* first byte of the current key */
    uint32_t key_end;     /* end of the current key */
    uint8_t sink;         /* enum sink */
    uint8_t role;         /* enum role */
    uint8_t is_map;
    uint8_t want_key;
    uint8_t flow;
    uint8_t dup;          /* the current key was seen before */
    uint8_t tagged_key;   /* the current key carries a tag */
    uint8_t layout;       /* enum kf_layout_kind recorded for this mapping */
} kf_frame;

/* What one sink knows of its item while it is read. */
typedef struct kf_sinkstate {
    kf_kmask allowed;     /* classes an item of this sink may be */
    kf_kmask kmask;       /* classes it may still be */
    bool kind_known;      /* its kind has narrowed kmask */
    kf_kmask *masks;      /* while the kind is unknown: each field's capture
                           * classes, to drop the wrong ones once known */
    size_t nmasks, masks_cap;
    uint32_t pool_mark;   /* string pool size at its start */
} kf_sinkstate;

/* The open parser's events, parsed a batch at a time (kf_reader_next()):
 * libfyaml's scanner and the reader each run for a whole batch, so the
 * code of both stays in the instruction cache instead of the two taking
 * turns at every event, while a batch's events still fit the data cache
 * (the sizes measured: docs/design.md). An event stays valid until the
 * batch after its own is parsed. */
enum { KF_EVENT_BATCH = 64 };
typedef struct kf_events {
    struct fy_event *ev[KF_EVENT_BATCH]; /* parsed, not yet freed; NULL:
                                          * taken (kf_reader_take()) */
    uint32_t n, next;     /* ev[0..n) parsed; ev[next] comes next */
    bool ended;           /* the parser gave NULL: its stream ended, or it
                           * stopped at an error; it is not asked again */
} kf_events;

typedef struct kf_reader {
    kf_ends ends;         /* the input, and where content read ends */
    kf_input *in;
    kf_fatal *fatal;
    kf_schema schema;
    kf_textpool pool;
    struct fy_parser *parser; /* the open parse (kf_reader_open()) */
    struct fy_diag *diag;     /* its diagnostics */
    kf_events events;         /* its events, a batch at a time */

    kf_frame *stack;
    size_t depth, stack_cap;
    kf_strict strict;     /* every event, skipped subtrees included */
    kf_buf entry_key;     /* the key of the entry whose value comes next */
    size_t skip_depth;
    kf_sinkstate sinks[S_COUNT];

    size_t doc_index;
    uint32_t doc_start;
    bool doc_has_root;
    bool doc_implicit;
    bool doc_is_empty;
    kf_item doc_item;
    kf_field *doc_fields;
    size_t ndoc_fields, doc_fields_cap;
    int doc_line, doc_col;    /* where the current document's root starts */
    char root_dup[32];        /* a ResourceList key given twice, and where */
    int root_dup_line, root_dup_col;

    size_t cur_item;          /* index into in->items of the open item */
    uint32_t prev_item_me;    /* mark of the previous item's block end */
    bool items_not_seq;
    bool as_config;           /* kf_read_config(): one functionConfig document */
    bool as_list;             /* kf_read_list(): one List, whose items are
                               * the items */
    bool in_slice;            /* reads a slice of ResourceList.items that
                               * starts at an item (read_split.c) */
    int nonmap_line, nonmap_col; /* first non-mapping element of items */
    bool failed;
} kf_reader;


/* What a reader reads its text as. */
enum kf_read_as { KF_AS_INPUT, KF_AS_CONFIG, KF_AS_LIST };

/* read.c: a reader's life, for the serial read and for read_split.c.
 * Start reading buf into in (both emptied). 0, or -1 with the failure
 * recorded. kf_reader_end() must follow in both cases. */
int kf_reader_begin(kf_reader *r, const char *buf, size_t len, kf_input *in,
                    kf_fatal *fatal, enum kf_read_as as);
/* Release what the reader holds (not *in). */
void kf_reader_end(kf_reader *r);
/* Open a parser over buf[base..base+n), which starts at line line_base
 * (0-based) of buf; its marks are read as offsets into buf. */
int kf_reader_open(kf_reader *r, uint32_t base, size_t n, int line_base);
/* Close the open parser. rc is the reading's result so far: when 0 and
 * the parser stopped at an error, that error is recorded and -1 returned. */
int kf_reader_close(kf_reader *r, int rc);
/* The open parser's next event, or NULL at the end of its stream or at a
 * parse error (kf_reader_close() reports it). The reader frees it when it
 * parses the batch after its own, or at kf_reader_close(). Inline: it runs
 * for every event, and most of the time only takes the batch's next. */
struct fy_event *kf_reader_refill(kf_reader *r);
static inline struct fy_event *kf_reader_next(kf_reader *r)
{
    kf_events *q = &r->events;
    return q->next < q->n ? q->ev[q->next++] : kf_reader_refill(r);
}
/* The event kf_reader_next() gave last, now the caller's to free with
 * fy_parser_event_free() while the parser is open; the reader's next
 * events are still parsed ahead of it. */
struct fy_event *kf_reader_take(kf_reader *r);
/* Read one event of the open parser. 0, or -1 with the failure recorded. */
int kf_reader_event(kf_reader *r, struct fy_event *e);
/* Read the open parser's remaining events, up to the first failure. 0, or
 * -1 with the failure recorded. */
int kf_reader_drain(kf_reader *r);
/* Why buf cannot be read at all (too large, not UTF-8...), with the 1-based
 * line and column, or NULL. */
const char *kf_read_precheck(const char *buf, size_t len, int *line, int *col);
/* The input is JSON (its first non-blank byte is '{'). */
bool kf_read_is_json(const char *buf, size_t len);
/* Read buf on this thread, from its first byte to its last. checked: the
 * caller has run kf_read_precheck(). */
int kf_read_serial(const char *buf, size_t len, kf_input *in, kf_fatal *fatal,
                   enum kf_read_as as, bool checked);

/* read_split.c: read buf (as the input, or as a List) on one thread or
 * two, as opts allows; the result is the serial read's, byte for byte. */
int kf_read_input(const char *buf, size_t len, const kf_read_opts *opts,
                  enum kf_read_as as, kf_input *in, kf_fatal *fatal);

/* Record a fatal error (the first one wins). Returns -1. */
int kf_reader_fail(kf_reader *r, int line, int col, const char *fmt, const char *arg);
int kf_reader_oom(kf_reader *r);

/* Read buf as one List document: its items are the items of in
 * (read_list.c uses it). */
int kf_read_list_text(const char *buf, size_t len, const kf_read_opts *opts,
                      kf_input *in, kf_fatal *fatal);

/* read_capture.c: sinks and captures */
/* A sink starts a new item, which may be any of classes. */
void kf_sink_begin(kf_reader *r, uint8_t sink, kf_kmask classes);
/* The item a sink holds has ended: give back what its class does not need.
 * Returns whether its fields can go too. */
bool kf_sink_release(kf_reader *r, uint8_t sink, kf_item *it);
kf_item *kf_sink_item(kf_reader *r, uint8_t sink);
/* Record value e as the field each capture of schema node makes for the
 * classes of kmask (an entry when through a wildcard). */
int kf_capture_value(kf_reader *r, kf_frame *f, uint32_t node, kf_kmask kmask,
                     struct fy_event *e, bool entry);

/* read_walk.c: collections */
int kf_walk_push(kf_reader *r, uint32_t node, uint8_t sink, uint8_t role,
                 bool is_map, bool flow);
/* The node event e in frame f: a key, or a value. */
int kf_walk_node(kf_reader *r, kf_frame *f, struct fy_event *e);
/* A collection the walk followed ends. */
int kf_walk_end(kf_reader *r, struct fy_event *e);
/* A value of mapping frame f (skipped or followed) has been read. */
void kf_walk_value_done(kf_reader *r, kf_frame *f);

#endif
