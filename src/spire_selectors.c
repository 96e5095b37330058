/* spire_selectors.c - foreign ClusterSPIFFEIDs as SCM parses them
 * (spire.h).
 *
 * A ClusterSPIFFEID kleym-fn does not own gives its class, fallback,
 * SPIFFE ID template and label selectors. Each selector is read as
 * metav1.LabelSelectorAsSelector reads it: matchLabels entries become In
 * requirements with one value; matchExpressions need a label key, one of
 * In, NotIn, Exists, DoesNotExist, values for In and NotIn only, each a
 * label value. SCM skips a ClusterSPIFFEID it cannot parse (or with an
 * empty template); kleym-fn counts it as selecting no pod and says so.
 */
#include <stdlib.h>
#include <string.h>

#include "kf_identity.h"
#include "spire.h"
#include "kf_view.h"

static int add_value(kf_spire_state *st, const char *v)
{
    if (kf_array_grow((void **)&st->values, &st->values_cap, st->nvalues + 1,
                      sizeof *st->values) < 0)
        return -1;
    st->values[st->nvalues++] = v;
    return 0;
}

static int add_req(kf_spire_state *st, const char *key, enum kf_op op)
{
    if (kf_array_grow((void **)&st->reqs, &st->reqs_cap, st->nreqs + 1,
                      sizeof *st->reqs) < 0)
        return -1;
    st->reqs[st->nreqs++] = (kf_req){key, (uint32_t)st->nvalues, 0, (uint8_t)op};
    return 0;
}

static const struct {
    const char *name;
    enum kf_op op;
} operators[] = {{"In", KF_OP_IN},
                 {"NotIn", KF_OP_NOT_IN},
                 {"Exists", KF_OP_EXISTS},
                 {"DoesNotExist", KF_OP_NOT_EXISTS}};

/* A collection field that may also be absent or null. */
static bool collection_ok(const kf_view *v, enum kf_fid id, enum kf_vtype want)
{
    const kf_field *f = v->f[id];
    return !f || (!v->dup[id] && (f->type == want || kf_field_is_null(v->in, f)));
}

/* An alias or a tag where a selector is read: YAML that SCM reads, but
 * kleym-fn reads selectors written out only. */
static bool written_out(const kf_field *fs, size_t n, unsigned slot)
{
    static const uint8_t ids[] = {KF_F_LS, KF_F_LS_MATCHLABELS, KF_F_LS_MATCHEXPR,
                                  KF_F_LS_LABEL, KF_F_LS_EXPR, KF_F_LS_EXPR_KEY,
                                  KF_F_LS_EXPR_OP, KF_F_LS_EXPR_VALUES, KF_F_LS_EXPR_VALUE};
    for (size_t i = 0; i < n; i++)
        if (fs[i].slot == slot && (fs[i].type == KF_V_ALIAS || fs[i].type == KF_V_TAGGED) &&
            memchr(ids, fs[i].id, sizeof ids))
            return false;
    return true;
}

/* The requirement being read is complete: is it one LabelSelectorAsSelector
 * accepts? NULL, or why not. */
static const char *finish_req(const kf_spire_state *st, const kf_req *q, bool has_op)
{
    if (!q->key[0] || !kf_is_qualified_name(q->key, strlen(q->key)))
        return "has a matchExpressions entry whose key is missing or not a label key";
    if (!has_op)
        return "has a matchExpressions entry whose operator is not In, NotIn, Exists "
               "or DoesNotExist";
    bool needs = q->op == KF_OP_IN || q->op == KF_OP_NOT_IN;
    if (needs != (q->nvalues > 0))
        return needs ? "has an In or NotIn expression without values"
                     : "has an Exists or DoesNotExist expression with values";
    for (uint32_t i = 0; i < q->nvalues; i++) {
        const char *val = st->values[q->first_value + i];
        if (!kf_is_label_value(val, strlen(val)))
            return "has an expression value that is not a valid label value";
    }
    return NULL;
}

/* The selector in slot of item v (fields fs[0..n)) as requirements;
 * NULL, or why SCM cannot parse it. */
static const char *read_selector(kf_spire_state *st, const kf_input *in,
                                 const kf_field *fs, size_t n, unsigned slot,
                                 uint32_t *count, bool *oom)
{
    kf_view v;
    kf_view_init(&v, in, fs, n, slot);
    size_t first = st->nreqs;
    *count = 0;
    if (!written_out(fs, n, slot))
        return "holds an alias or a YAML tag, which kleym-fn does not read in a "
               "selector (write it out)";
    if (!collection_ok(&v, KF_F_LS, KF_V_MAP))
        return "is not a label selector (a mapping)";
    if (!collection_ok(&v, KF_F_LS_MATCHLABELS, KF_V_MAP))
        return "has a matchLabels that is not a mapping";
    if (!collection_ok(&v, KF_F_LS_MATCHEXPR, KF_V_SEQ))
        return "has a matchExpressions that is not a list";
    size_t qi = SIZE_MAX; /* the expression being read (reqs may move) */
    bool has_op = false;
    const char *why = NULL;
    for (size_t i = 0; i < n && !why; i++) {
        const kf_field *f = &fs[i];
        if (f->slot != slot)
            continue;
        const char *t = kf_field_text(in, f);
        bool str = f->type == KF_V_STR && !f->dup;
        kf_req *q = qi != SIZE_MAX ? &st->reqs[qi] : NULL;
        switch (f->id) {
        case KF_F_LS_LABEL: {
            const char *key = kf_field_key(in, f);
            if (!str)
                return "has a matchLabels value that is not a string";
            if (!kf_is_qualified_name(key, strlen(key)) || !kf_is_label_value(t, strlen(t)))
                return "has a matchLabels entry that is not a valid label";
            if (add_req(st, key, KF_OP_IN) < 0 || add_value(st, t) < 0)
                return *oom = true, "";
            st->reqs[st->nreqs - 1].nvalues = 1;
            break;
        }
        case KF_F_LS_EXPR:
            if (q && (why = finish_req(st, q, has_op)))
                break;
            if (f->type != KF_V_MAP)
                return "has a matchExpressions entry that is not a mapping";
            if (add_req(st, "", KF_OP_IN) < 0)
                return *oom = true, "";
            qi = st->nreqs - 1;
            has_op = false;
            break;
        case KF_F_LS_EXPR_KEY:
            if (!str)
                return "has a matchExpressions key that is not a string";
            if (q)
                q->key = t;
            break;
        case KF_F_LS_EXPR_OP:
            for (size_t o = 0; q && str && o < sizeof operators / sizeof *operators; o++)
                if (strcmp(t, operators[o].name) == 0)
                    q->op = (uint8_t)operators[o].op, has_op = true;
            break;
        case KF_F_LS_EXPR_VALUES:
            if (f->dup || (f->type != KF_V_SEQ && !kf_field_is_null(in, f)))
                return "has matchExpressions values that are not a list";
            break;
        case KF_F_LS_EXPR_VALUE:
            if (!str)
                return "has a matchExpressions value that is not a string";
            if (!q)
                break;
            if (q->nvalues == 0)
                q->first_value = (uint32_t)st->nvalues;
            if (add_value(st, t) < 0)
                return *oom = true, "";
            q->nvalues++;
            break;
        default:
            break;
        }
    }
    if (!why && qi != SIZE_MAX)
        why = finish_req(st, &st->reqs[qi], has_op);
    *count = (uint32_t)(st->nreqs - first);
    return why;
}

int kf_spire_read_foreign(kf_spire_reader *r, const kf_view *v, const kf_ref *ref)
{
    kf_spire *sp = r->sp;
    kf_spire_state *st = r->st;
    if (kf_array_grow((void **)&sp->foreign, &sp->foreign_cap, sp->nforeign + 1,
                      sizeof *sp->foreign) < 0)
        return -1;
    kf_foreign *f = &sp->foreign[sp->nforeign++];
    memset(f, 0, sizeof *f);
    f->ref = *ref;
    f->class_name = kf_view_str(v, KF_F_CSID_CLASS);
    f->spiffe_id = kf_view_str(v, KF_F_CSID_TEMPLATE);
    f->first_req = (uint32_t)st->nreqs;
    char buf[256];
    const char *field = NULL, *why = NULL;
    bool oom = false;
    if ((why = kf_spire_string_problem(v, KF_F_CSID_CLASS, false, buf, sizeof buf)))
        field = "spec.className";
    else if ((why = kf_spire_bool_problem(v, KF_F_CSID_FALLBACK, &f->fallback)))
        field = "spec.fallback";
    else if ((why = kf_spire_string_problem(v, KF_F_CSID_TEMPLATE, true, buf, sizeof buf)) ||
             (!f->spiffe_id[0] && (why = "is empty")))
        field = "spec.spiffeIDTemplate";
    else if ((why = read_selector(st, v->in, v->fields, v->nfields, KF_SLOT_PODSEL,
                                  &f->npod, &oom)))
        field = "spec.podSelector";
    else if ((why = read_selector(st, v->in, v->fields, v->nfields, KF_SLOT_NSSEL,
                                  &f->nns, &oom)))
        field = "spec.namespaceSelector";
    if (oom)
        return -1;
    f->readable = !why;
    if (!why)
        return 0;
    bool ours = strstr(why, "kleym-fn") != NULL;
    return UNREADABLE(r, ref, field, "ClusterSPIFFEID %s: %s %s; %skleym-fn counts it as "
                                     "selecting no pod",
                      ref->name, field, why,
                      ours ? "" : "SPIRE Controller Manager cannot parse it and skips it, so ");
}

