/* write_out.h - where the writer's bytes go (write_out.c).
 *
 * The output is a run of pieces: spans of the input, written from where
 * they are (the mapped input is never copied), and the writer's own text
 * (edits, annotations, rendered items), made in a buffer. Pieces are held
 * until about 256 KiB or 256 pieces are waiting, then written with one
 * writev() to the stream's descriptor; a stream without one
 * (open_memstream()) gets them through stdio. */
#ifndef KF_WRITE_OUT_H
#define KF_WRITE_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "kf_buf.h"
#include "kleym.h"

typedef struct kf_out_piece {
    const char *at;   /* a span of the input; NULL: text[off, off + len) */
    size_t off, len;
} kf_out_piece;

enum { KF_OUT_PIECES = 256 };

typedef struct kf_out {
    FILE *f;
    int fd;                 /* -1: written through f */
    kf_buf text;            /* the writer's text not yet written */
    size_t text_from;       /* text[text_from, len): not yet a piece */
    kf_out_piece v[KF_OUT_PIECES];
    size_t n;
    size_t held;            /* bytes the pieces hold */
    /* The last byte put: the input's at last_in when last_is_in (read
     * only when asked: kf_out_last()), else last_text (0 before any). */
    bool last_is_in;
    char last_text;
    size_t last_in;
    bool failed;            /* a write failed (sticky) */
    /* The input's spans written are told done (kf_read_opts.input_done)
     * every MiB or so, once written. */
    const char *input;
    kf_input_done_fn done;
    size_t done_to, written_to;
} kf_out;

/* o ready to write to f (whatever f holds buffered written first);
 * input and done: the input the spans come from, and who is told which
 * of its bytes are written (NULL: nobody). */
void kf_out_open(kf_out *o, FILE *f, const char *input, kf_input_done_fn done);
/* input[from, to): a span of the input, written as it is. 0, or -1 when
 * the output could not be written. */
int kf_out_input(kf_out *o, size_t from, size_t to);
/* The buffer the writer's text is appended to; kf_out_text_done() makes
 * what was appended since a piece. */
kf_buf *kf_out_text(kf_out *o);
/* 0, or -1 when the output could not be written (the buffer's own
 * failure to grow is the caller's to see in its appends). */
int kf_out_text_done(kf_out *o);
/* The last byte put, 0 before any. The input's pages are given back
 * after the read: the writer reads them only where it must. */
char kf_out_last(const kf_out *o);
/* Everything held written: 0, or -1. */
int kf_out_flush(kf_out *o);
void kf_out_free(kf_out *o);

#endif
