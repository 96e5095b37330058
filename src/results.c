/* results.c - collecting, sorting and writing results (kf_results.h). */
#include "kf_results.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kf_emit.h"

void kf_ref_where(const kf_ref *ref, char *buf, size_t cap)
{
    if (ref->path[0])
        snprintf(buf, cap, "%s:%s", ref->path, ref->index[0] ? ref->index : "0");
    else
        snprintf(buf, cap, "<stdin>:%zu", ref->position);
}

/* A new result with the fields every result has; NULL: out of memory. */
static kf_result *result_new(kf_results *rs, const kf_ref *ref,
                             enum kf_severity sev, const char *condition,
                             const char *reason, const char *field)
{
    if (kf_array_grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v) < 0)
        return NULL;
    kf_result *r = &rs->v[rs->n];
    memset(r, 0, sizeof *r);
    r->ref = *ref;
    r->severity = sev;
    r->condition = condition;
    r->reason = reason;
    r->field = field;
    r->order = rs->n;
    return r;
}

int kf_results_add(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                   const char *condition, const char *reason, const char *field,
                   const char *fmt, ...)
{
    kf_result *r = result_new(rs, ref, sev, condition, reason, field);
    if (!r)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!msg)
        return -1;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->message = msg;
    rs->n++;
    return 0;
}

int kf_results_add_deferred(kf_results *rs, const kf_ref *ref,
                            enum kf_severity sev, const char *condition,
                            const char *reason, const char *fmt,
                            const char *arg0, const char *arg1)
{
    kf_result *r = result_new(rs, ref, sev, condition, reason, NULL);
    if (!r)
        return -1;
    r->fmt = fmt;
    r->arg[0] = arg0;
    r->arg[1] = arg1;
    rs->n++;
    return 0;
}

const char *kf_result_message(const kf_result *r, kf_buf *buf)
{
    if (r->message)
        return r->message;
    buf->len = 0;
    /* fmt is one of ours, with exactly two %s (kf_results_add_deferred) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int rc = kf_buf_printf(buf, r->fmt, r->arg[0], r->arg[1]);
#pragma GCC diagnostic pop
    return rc < 0 ? NULL : buf->data;
}

bool kf_results_has_error(const kf_results *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].severity == KF_SEV_ERROR)
            return true;
    return false;
}

static int cmp_result(const void *pa, const void *pb)
{
    const kf_result *a = pa, *b = pb;
    int c = strcmp(a->ref.namespace, b->ref.namespace);
    if (!c)
        c = strcmp(a->ref.name, b->ref.name);
    if (!c)
        c = (int)a->severity - (int)b->severity;
    if (!c)
        c = strcmp(a->reason, b->reason);
    if (!c)
        c = a->order < b->order ? -1 : a->order > b->order;
    return c;
}

void kf_results_sort(kf_results *rs)
{
    if (rs->n > 1)
        qsort(rs->v, rs->n, sizeof *rs->v, cmp_result);
}

static const char *severity_name(enum kf_severity s)
{
    return s == KF_SEV_ERROR ? "error" : s == KF_SEV_WARNING ? "warning" : "info";
}

int kf_result_render(const kf_result *r, bool json, kf_buf *out)
{
    kf_buf msg = {0};
    const char *text = kf_result_message(r, &msg);
    kf_emit e;
    if (!text || kf_emit_open(&e, json) < 0) {
        kf_buf_free(&msg);
        return -1;
    }
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "message", text);
    kf_buf_free(&msg);
    kf_emit_kv(&e, "severity", severity_name(r->severity));
    kf_emit_str(&e, "resourceRef");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "apiVersion", r->ref.api_version);
    kf_emit_kv(&e, "kind", r->ref.kind);
    kf_emit_kv(&e, "name", r->ref.name);
    if (r->ref.namespace[0])
        kf_emit_kv(&e, "namespace", r->ref.namespace);
    kf_emit_map_end(&e);
    if (r->field) {
        kf_emit_str(&e, "field");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->field);
        kf_emit_map_end(&e);
    }
    if (r->ref.path[0]) {
        kf_emit_str(&e, "file");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->ref.path);
        if (r->ref.index[0]) {
            /* kpt reads file.index as an integer */
            kf_emit_str(&e, "index");
            kf_emit_number(&e, r->ref.index);
        }
        kf_emit_map_end(&e);
    }
    kf_emit_str(&e, "tags");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "condition", r->condition);
    kf_emit_kv(&e, "reason", r->reason);
    kf_emit_map_end(&e);
    kf_emit_map_end(&e);
    return kf_emit_close(&e, out);
}

void kf_results_print(const kf_results *rs, bool all, FILE *err)
{
    kf_buf msg = {0};
    for (size_t i = 0; i < rs->n; i++) {
        const kf_result *r = &rs->v[i];
        if (!all && r->severity != KF_SEV_ERROR)
            continue;
        const char *ns = r->ref.namespace;
        char where[512];
        kf_ref_where(&r->ref, where, sizeof where);
        fprintf(err, "kleym-fn: %s: %s%s%s: %s/%s: %s (%s)\n",
                severity_name(r->severity), ns, ns[0] ? "/" : "", r->ref.name,
                r->condition, r->reason, kf_result_message(r, &msg), where);
    }
    kf_buf_free(&msg);
}

void kf_results_free(kf_results *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].message);
    free(rs->v);
    memset(rs, 0, sizeof *rs);
}
