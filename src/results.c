/* results.c - collecting, sorting and writing results (kf_results.h). */
#include "kf_results.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kf_emit.h"
#include "kf_sort.h"
#include "results.h"

_Static_assert(KF_R_COUNT <= UINT8_MAX + 1, "kf_result.reason is 8 bits");
_Static_assert(sizeof(kf_result) <= 40, "a result is 40 bytes: one or two a binding");
_Static_assert(sizeof(kf_ref) <= 64, "a ref is 64 bytes: in every binding");

void kf_ref_where(const kf_ref *ref, char *buf, size_t cap)
{
    const char *entry = ref->entry && ref->entry[0] ? ref->entry : NULL;
    if (ref->path[0])
        snprintf(buf, cap, "%s:%s%s%s", ref->path, ref->index[0] ? ref->index : "0",
                 entry ? " " : "", entry ? entry : "");
    else
        snprintf(buf, cap, "<stdin>:%" PRIu32 "%s%s", ref->shown ? ref->shown - 1 : ref->position,
                 entry ? " " : "", entry ? entry : "");
}

/* What kf_results_add() allocates for a result: its ref's copy and its
 * message, one allocation (a result's message points into it). */
typedef struct added {
    kf_ref ref;
    char message[];
} added;

static added *added_of(char *message)
{
    return (added *)(message - offsetof(added, message));
}

kf_result *kf_results_new(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                          enum kf_reason reason, const char *field)
{
    if (kf_results_end_fails(rs) < 0 || rs->norder >= UINT32_MAX - 1 ||
        kf_array_grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v) < 0)
        return NULL;
    kf_result *r = &rs->v[rs->n];
    memset(r, 0, sizeof *r);
    r->ref = ref;
    r->severity = (uint8_t)sev;
    r->reason = (uint8_t)reason;
    r->field = field;
    r->order = rs->norder;
    return r;
}

int kf_results_add(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                   enum kf_reason reason, const char *field, const char *fmt, ...)
{
    kf_result *r = kf_results_new(rs, ref, sev, reason, field);
    if (!r)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    added *a = n >= 0 ? malloc(sizeof *a + (size_t)n + 1) : NULL;
    if (!a)
        return -1;
    a->ref = *ref;
    va_start(ap, fmt);
    vsnprintf(a->message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->ref = &a->ref;
    r->message = a->message;
    rs->n++;
    rs->norder++;
    return 0;
}

int kf_results_add_text(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                        enum kf_reason reason, const char *field, kf_result_text_fn text,
                        const void *arg)
{
    kf_result *r = kf_results_new(rs, ref, sev, reason, field);
    if (!r)
        return -1;
    r->text = text;
    r->arg = arg;
    rs->n++;
    rs->norder++;
    return 0;
}

void *kf_results_hold(kf_results *rs, size_t size, size_t align)
{
    return kf_arena_alloc(&rs->held, size, align);
}

const char *kf_results_text(kf_results *rs, const char *msg)
{
    size_t len = strlen(msg);
    uint64_t h = kf_hash_mem(KF_HASH_BASIS, msg, len);
    const char **slot = &rs->recent[h % (sizeof rs->recent / sizeof *rs->recent)];
    if (*slot && strcmp(*slot, msg) == 0)
        return *slot;
    char *t = kf_arena_strdup(&rs->held, msg, len);
    return t ? (*slot = t) : NULL;
}

int kf_results_add_run(kf_results *rs, const kf_ref *ref, enum kf_severity sev,
                       enum kf_reason reason, const char *field, kf_result_run *run)
{
    kf_result *r = run->count < UINT32_MAX - 1 - rs->norder
                       ? kf_results_new(rs, ref, sev, reason, field)
                       : NULL;
    if (!r)
        return -1;
    r->run = 1;
    r->arg = run;
    rs->n++;
    rs->norder += run->count;
    return 0;
}

/* Member m of run r as a result of its own, its message formatted into
 * memory the result owns (with a copy of its ref, as kf_results_add()). */
static int member_result(const kf_result *r, uint32_t m, kf_buf *scratch, kf_result *out)
{
    const kf_result_run *run = r->arg;
    const char *field = r->field;
    kf_ref ref = *r->ref;
    kf_buf_clear(scratch);
    if (run->member(run, m, scratch, &field, &ref) < 0 || kf_buf_puts(scratch, "") < 0)
        return -1;
    added *a = malloc(sizeof *a + scratch->len + 1);
    if (!a)
        return -1;
    a->ref = ref;
    memcpy(a->message, scratch->data, scratch->len + 1);
    *out = *r;
    out->run = 0;
    out->ref = &a->ref;
    out->field = field;
    out->message = a->message;
    out->order = r->order + m;
    return 0;
}

int kf_results_expand(kf_results *rs)
{
    if (kf_results_ungroup(rs) < 0)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < rs->n; i++)
        total += kf_result_count(&rs->v[i]);
    if (total == rs->n)
        return 0;
    kf_result *v = malloc(total * sizeof *v);
    if (!v)
        return -1;
    kf_buf scratch = {0};
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const kf_result *r = &rs->v[i];
        if (!r->run) {
            v[k++] = *r;
            continue;
        }
        for (uint32_t m = 0; m < kf_result_count(r); m++) {
            if (member_result(r, m, &scratch, &v[k]) < 0) {
                /* what is not yet a member stays a run, to be freed */
                rc = -1;
                break;
            }
            k++;
        }
        if (rc < 0) {
            for (size_t j = i; j < rs->n; j++)
                v[k++] = rs->v[j];
            break;
        }
    }
    kf_buf_free(&scratch);
    free(rs->v);
    rs->v = v;
    rs->n = k;
    rs->cap = total;
    return rc;
}

int kf_results_keep(kf_results *rs, void *p)
{
    if (kf_array_grow((void **)&rs->kept, &rs->kept_cap, rs->nkept + 1,
                      sizeof *rs->kept) < 0) {
        free(p);
        return -1;
    }
    rs->kept[rs->nkept++] = p;
    return 0;
}

char *kf_result_message(const kf_result *r, kf_buf *scratch)
{
    if (r->run) { /* its first member's */
        const char *field = r->field;
        kf_ref ref = *r->ref;
        const kf_result_run *run = r->arg;
        kf_buf_clear(scratch);
        return run->member(run, 0, scratch, &field, &ref) < 0 || kf_buf_puts(scratch, "") < 0
                   ? NULL : scratch->data;
    }
    if (!r->text)
        return r->message;
    kf_buf_clear(scratch);
    /* "" appended: data is a C string even for an empty message */
    if (r->text(r->arg, scratch) < 0 || kf_buf_puts(scratch, "") < 0)
        return NULL;
    return scratch->data;
}

bool kf_results_has_error(const kf_results *rs)
{
    if (rs->ngroups || rs->npend) /* failures are errors */
        return true;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].severity == KF_SEV_ERROR)
            return true;
    return false;
}

int kf_result_cmp(const kf_result *a, const kf_result *b)
{
    /* results about one binding share its ref */
    int c = a->ref == b->ref ? 0 : strcmp(a->ref->namespace, b->ref->namespace);
    if (!c && a->ref != b->ref)
        c = strcmp(a->ref->name, b->ref->name);
    if (!c)
        c = (int)a->severity - (int)b->severity;
    if (!c)
        c = strcmp(kf_reason_name(a->reason), kf_reason_name(b->reason));
    if (!c)
        c = a->order < b->order ? -1 : a->order > b->order;
    return c;
}

static int cmp_result(const void *a, const void *b)
{
    return kf_result_cmp(a, b);
}

void kf_results_sort(kf_results *rs)
{
    if (rs->n > 1)
        kf_sort(rs->v, rs->n, sizeof *rs->v, cmp_result);
}

const char *kf_severity_name(enum kf_severity s)
{
    return s == KF_SEV_ERROR ? "error" : s == KF_SEV_WARNING ? "warning" : "info";
}

int kf_result_render(const kf_result *r, bool json, long entry_col, kf_buf *out)
{
    kf_emit e;
    if (kf_emit_open_at(&e, json, out, entry_col) < 0)
        return -1;
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "message", r->message);
    kf_emit_kv(&e, "severity", kf_severity_name(r->severity));
    kf_emit_str(&e, "resourceRef");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "apiVersion", r->ref->api_version);
    kf_emit_kv(&e, "kind", r->ref->kind);
    kf_emit_kv(&e, "name", r->ref->name);
    if (r->ref->namespace[0])
        kf_emit_kv(&e, "namespace", r->ref->namespace);
    kf_emit_map_end(&e);
    if (r->field) {
        kf_emit_str(&e, "field");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->field);
        kf_emit_map_end(&e);
    }
    if (r->ref->path[0]) {
        kf_emit_str(&e, "file");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "path", r->ref->path);
        if (r->ref->index[0]) {
            /* kpt reads file.index as an integer */
            kf_emit_str(&e, "index");
            kf_emit_number(&e, r->ref->index);
        }
        kf_emit_map_end(&e);
    }
    kf_emit_str(&e, "tags");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "condition", kf_reason_condition(r->reason));
    kf_emit_kv(&e, "reason", kf_reason_name(r->reason));
    kf_emit_map_end(&e);
    kf_emit_map_end(&e);
    return kf_emit_close(&e, out);
}

void kf_fputs_escaped(const char *s, size_t n, FILE *f)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        fwrite(s + run, 1, i - run, f);
        if (c == '\n' || c == '\r' || c == '\t')
            fprintf(f, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else
            fprintf(f, "\\x%02x", c);
        run = i + 1;
    }
    fwrite(s + run, 1, n - run, f);
}

void kf_puts_escaped(const char *s, FILE *f)
{
    kf_fputs_escaped(s, strlen(s), f);
}

/* One line, whatever the input put in names and messages. */
void kf_result_print(const kf_result *r, FILE *err)
{
    const char *ns = r->ref->namespace;
    char where[512];
    kf_ref_where(r->ref, where, sizeof where);
    fprintf(err, "kleym-fn: %s: ", kf_severity_name(r->severity));
    kf_puts_escaped(ns, err);
    fputs(ns[0] ? "/" : "", err);
    kf_puts_escaped(r->ref->name, err);
    fprintf(err, ": %s/%s: ", kf_reason_condition(r->reason), kf_reason_name(r->reason));
    kf_puts_escaped(r->message, err);
    fputs(" (", err);
    kf_puts_escaped(where, err);
    fputs(")\n", err);
}

void kf_results_free(kf_results *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!rs->v[i].text && !rs->v[i].run && !rs->v[i].shared)
            free(added_of(rs->v[i].message));
    free(rs->v);
    for (size_t i = 0; i < rs->nkept; i++)
        free(rs->kept[i]);
    free(rs->kept);
    kf_results_free_fails(rs);
    kf_arena_free(&rs->held);
    memset(rs, 0, sizeof *rs);
}
