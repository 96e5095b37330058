/* write_out.c - the writer's output: the input's spans written from where
 * they are, the writer's text from a buffer, with writev() (write_out.h).
 *
 * Copying the 63 MB input of the bench's list into stdio's buffer cost
 * about 10 ms of one thread, and paging the input back in (it is given
 * back after the read) as much again; writev() hands the kernel the
 * mapped pages themselves, which a file or pipe copies once and
 * /dev/null not at all (docs/design.md, After the read). A write that
 * fails or stops short (EPIPE, ENOSPC) fails the whole output. */
#include "write_out.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* How much copied input is told done at once. */
#define DONE_STEP (1u << 20)
/* Pieces are written once this many bytes are held. */
#define HOLD_MAX (256u * 1024)

void kf_out_open(kf_out *o, FILE *f, const char *input, kf_input_done_fn done)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->input = input;
    o->done = done;
    /* what stdio holds goes first; a stream with no descriptor (or one
     * that cannot be flushed: its error shows at the first write) is
     * written through stdio */
    o->fd = fflush(f) == 0 ? fileno(f) : -1;
}

/* v[0..n) written whole to fd, short writes resumed. */
static int write_all(int fd, struct iovec *v, int n)
{
    while (n > 0) {
        ssize_t k = writev(fd, v, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        size_t left = (size_t)k;
        while (n > 0 && left >= v->iov_len) {
            left -= v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + left;
            v->iov_len -= left;
        }
    }
    return 0;
}

/* The held pieces written. */
static int write_held(kf_out *o)
{
    struct iovec v[KF_OUT_PIECES];
    for (size_t i = 0; i < o->n; i++) {
        const kf_out_piece *p = &o->v[i];
        v[i].iov_base = (void *)(p->at ? p->at : o->text.data + p->off);
        v[i].iov_len = p->len;
    }
    if (o->fd >= 0) {
        if (write_all(o->fd, v, (int)o->n) < 0)
            o->failed = true;
    } else {
        for (size_t i = 0; i < o->n && !o->failed; i++)
            if (fwrite(v[i].iov_base, 1, v[i].iov_len, o->f) != v[i].iov_len)
                o->failed = true;
    }
    o->n = 0;
    o->held = 0;
    /* the text not yet a piece (kf_out_text_done() makes room before it
     * makes one) moves to the front; the rest was written */
    size_t keep = o->text.len - o->text_from;
    if (keep)
        memmove(o->text.data, o->text.data + o->text_from, keep);
    o->text.len = keep;
    o->text_from = 0;
    if (o->failed)
        return -1;
    /* written: the input up to here is not read again */
    if (o->done && o->written_to - o->done_to >= DONE_STEP) {
        o->done(o->input, o->done_to, o->written_to);
        o->done_to = o->written_to;
    }
    return 0;
}

/* Room for one more piece: what is held written when the pieces are
 * full. Asked before a text piece's offsets are taken, since writing
 * moves the text. */
static int room(kf_out *o)
{
    return o->n == KF_OUT_PIECES ? write_held(o) : 0;
}

/* One more piece (text: at NULL); room() has been asked. */
static void push(kf_out *o, const char *at, size_t off, size_t len)
{
    kf_out_piece *last = o->n ? &o->v[o->n - 1] : NULL;
    if (!at && last && !last->at && last->off + last->len == off)
        last->len += len; /* text after text: one piece */
    else
        o->v[o->n++] = (kf_out_piece){at, off, len};
    o->held += len;
}

/* What is held written when it is much. */
static int enough(kf_out *o)
{
    return o->held >= HOLD_MAX ? write_held(o) : 0;
}

int kf_out_input(kf_out *o, size_t from, size_t to)
{
    if (kf_out_text_done(o) < 0)
        return -1;
    if (from >= to)
        return 0;
    o->last_is_in = true;
    o->last_in = to - 1;
    /* A long span (a List, never edited) a step at a time, each written
     * and told done before the next: not resident all at once where the
     * kernel reads it (stdout a file or a pipe). */
    for (size_t at = from, end; at < to; at = end) {
        end = to - at > DONE_STEP ? at + DONE_STEP : to;
        if (room(o) < 0)
            return -1;
        push(o, o->input + at, 0, end - at);
        o->written_to = end;
        if (enough(o) < 0)
            return -1;
    }
    return 0;
}

char kf_out_last(const kf_out *o)
{
    return o->last_is_in ? o->input[o->last_in] : o->last_text;
}

kf_buf *kf_out_text(kf_out *o)
{
    return &o->text;
}

int kf_out_text_done(kf_out *o)
{
    if (o->failed)
        return -1;
    if (o->text.len <= o->text_from)
        return 0;
    if (room(o) < 0)
        return -1;
    size_t from = o->text_from, to = o->text.len;
    o->text_from = to;
    o->last_is_in = false;
    o->last_text = o->text.data[to - 1];
    push(o, NULL, from, to - from);
    return enough(o);
}

int kf_out_flush(kf_out *o)
{
    if (kf_out_text_done(o) < 0)
        return -1;
    return o->n ? write_held(o) : 0;
}

void kf_out_free(kf_out *o)
{
    kf_buf_free(&o->text);
}
