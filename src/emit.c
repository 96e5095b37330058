/* emit.c - generated YAML/JSON through libfyaml's emitter (kf_emit.h). */
#include "kf_emit.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "kf_scalar.h"

static void put(kf_emit *e, struct fy_event *ev)
{
    if (e->failed)
        return;
    if (!ev || fy_emit_event(e->em, ev) != 0)
        e->failed = true;
}

int kf_emit_open(kf_emit *e, bool json)
{
    memset(e, 0, sizeof *e);
    e->json = json;
    unsigned flags = (json ? FYECF_MODE_JSON_ONELINE : FYECF_MODE_BLOCK) |
                     FYECF_DOC_START_MARK_OFF | FYECF_DOC_END_MARK_OFF |
                     FYECF_INDENT_2 | FYECF_WIDTH_INF;
    e->em = fy_emit_to_string((enum fy_emitter_cfg_flags)flags);
    if (!e->em)
        return -1;
    put(e, fy_emit_event_create(e->em, FYET_STREAM_START));
    put(e, fy_emit_event_create(e->em, FYET_DOCUMENT_START, 1, NULL, NULL));
    return e->failed ? -1 : 0;
}

void kf_emit_map_begin(kf_emit *e)
{
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_MAPPING_START, FYNS_BLOCK,
                                    NULL, NULL));
}

void kf_emit_map_end(kf_emit *e)
{
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_MAPPING_END));
}

void kf_emit_seq_begin(kf_emit *e)
{
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_SEQUENCE_START, FYNS_BLOCK,
                                    NULL, NULL));
}

void kf_emit_seq_end(kf_emit *e)
{
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_SEQUENCE_END));
}

void kf_emit_str(kf_emit *e, const char *s)
{
    if (e->failed)
        return;
    size_t n = strlen(s);
    enum fy_scalar_style st = (!e->json && kf_plain_is_safe(s, n))
                                  ? FYSS_PLAIN
                                  : FYSS_DOUBLE_QUOTED;
    put(e, fy_emit_event_create(e->em, FYET_SCALAR, st, s, n, NULL, NULL));
}

void kf_emit_bool(kf_emit *e, bool v)
{
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_SCALAR, FYSS_PLAIN,
                                    v ? "true" : "false", (size_t)FY_NT, NULL,
                                    NULL));
}

void kf_emit_number(kf_emit *e, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || strspn(s, "0123456789") != n || (n > 1 && s[0] == '0')) {
        kf_emit_str(e, s);
        return;
    }
    if (!e->failed)
        put(e, fy_emit_event_create(e->em, FYET_SCALAR, FYSS_PLAIN, s, n, NULL,
                                    NULL));
}

void kf_emit_kv(kf_emit *e, const char *key, const char *value)
{
    kf_emit_str(e, key);
    kf_emit_str(e, value);
}

int kf_emit_close(kf_emit *e, kf_buf *out)
{
    put(e, fy_emit_event_create(e->em, FYET_DOCUMENT_END, 1));
    put(e, fy_emit_event_create(e->em, FYET_STREAM_END));
    size_t n = 0;
    char *text = fy_emit_to_string_collect(e->em, &n);
    fy_emitter_destroy(e->em);
    e->em = NULL;
    int rc = -1;
    if (text && !e->failed) {
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\0'))
            n--;
        rc = kf_buf_append(out, text, n);
    }
    free(text);
    return rc;
}
