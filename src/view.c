/* view.c - one item's captured fields, indexed (kf_view.h). */
#include "kf_view.h"

#include <stdio.h>
#include <string.h>

#include "kf_scalar.h"

void kf_view_init(kf_view *v, const kf_input *in, const kf_field *fields,
                  size_t n, unsigned slot)
{
    memset(v, 0, sizeof *v);
    v->in = in;
    v->fields = fields;
    v->nfields = n;
    for (size_t i = 0; i < n; i++) {
        const kf_field *f = &fields[i];
        if (!kf_fid_is_single(f->id) || f->slot != slot)
            continue;
        if (v->f[f->id] || f->dup)
            v->dup[f->id] = true;
        if (!v->f[f->id])
            v->f[f->id] = f;
    }
}

void kf_view_item(kf_view *v, const kf_input *in, size_t item)
{
    const kf_item *it = &in->items[item];
    /* an item without any captured field has no field array to point into */
    kf_view_init(v, in, it->nfields ? in->fields + it->first_field : NULL,
                 it->nfields, 0);
}

/* The kind read at apiVersion api, or NULL (*rank: the apiVersion's). */
static const kf_kind *kind_at(const char *kind, const char *api, int *rank)
{
    const kf_kind *k = kf_kind_named(kind);
    int r = k ? kf_kind_rank(k, api) : -1;
    if (rank)
        *rank = r;
    return r >= 0 ? k : NULL;
}

const kf_kind *kf_view_kind(const kf_view *v, int *rank)
{
    return kind_at(kf_view_str(v, KF_F_KIND), kf_view_str(v, KF_F_APIVERSION), rank);
}

/* The text of an item's own single field id, as kf_view_str() gives it:
 * the first such field (fields of slot 0 only), "" when it is not a
 * string. The item's fields are searched until it is found, where a view
 * indexes all of them. */
static const char *item_str(const kf_input *in, const kf_item *it, enum kf_fid id)
{
    if (!it->nfields) /* no field array to point into */
        return "";
    const kf_field *f = in->fields + it->first_field;
    for (size_t i = 0; i < it->nfields; i++)
        if (f[i].id == id && f[i].slot == 0)
            return f[i].type == KF_V_STR ? kf_field_text(in, &f[i]) : "";
    return "";
}

const kf_kind *kf_item_kind(const kf_input *in, size_t item, int *rank)
{
    const kf_item *it = &in->items[item];
    return kind_at(item_str(in, it, KF_F_KIND), item_str(in, it, KF_F_APIVERSION), rank);
}

const char *kf_view_str(const kf_view *v, enum kf_fid id)
{
    const kf_field *f = v->f[id];
    return f && f->type == KF_V_STR ? kf_field_text(v->in, f) : "";
}

enum kf_vtype kf_view_type(const kf_view *v, enum kf_fid id)
{
    return v->f[id] ? (enum kf_vtype)v->f[id]->type : KF_V_ABSENT;
}

bool kf_view_namespace_less(const kf_view *v)
{
    const kf_field *f = v->f[KF_F_NAMESPACE];
    return !v->dup[KF_F_NAMESPACE] &&
           (!f || (f->type == KF_V_STR && !kf_field_text(v->in, f)[0]));
}

const char *kf_view_namespace(const kf_view *v)
{
    if (v->in->default_ns && kf_view_namespace_less(v))
        return v->in->default_ns;
    return kf_view_str(v, KF_F_NAMESPACE);
}

/* The kinds read that live in a namespace. */
#define NAMESPACED (KF_KC_BINDING | KF_KC_POOL | KF_KC_OBJECTIVE | KF_KC_MODEL | \
                    KF_KC_WORKLOADS)

kf_ref kf_view_ref(const kf_view *v, size_t position)
{
    kf_ref r;
    r.api_version = kf_view_str(v, KF_F_APIVERSION);
    r.kind = kf_view_str(v, KF_F_KIND);
    r.name = kf_view_str(v, KF_F_NAME);
    r.namespace = kf_view_str(v, KF_F_NAMESPACE);
    if (v->in->default_ns && kf_view_namespace_less(v)) {
        const kf_kind *k = kf_view_kind(v, NULL);
        if (k && (k->cls & NAMESPACED))
            r.namespace = v->in->default_ns;
    }
    r.path = kf_view_str(v, KF_F_ANN_PATH);
    if (!r.path[0])
        r.path = kf_view_str(v, KF_F_ANN_IPATH);
    r.index = kf_view_str(v, KF_F_ANN_INDEX);
    if (!r.index[0])
        r.index = kf_view_str(v, KF_F_ANN_IINDEX);
    /* Where a file gave the item, when its annotations do not say: only
     * for the view of that very item (not a functionConfig's). */
    if (!r.path[0] && v->in->origin_path && position < v->in->nitems &&
        v->nfields && v->in->fields &&
        v->fields == v->in->fields + v->in->items[position].first_field) {
        r.path = v->in->origin_path[position];
        r.index = v->in->origin_index[position];
    }
    r.position = position;
    r.entry = NULL;
    r.shown = position < v->in->ntop ? kf_input_out_place(v->in, position) + 1 : 0;
    /* An entry of a List is where its List is, then its place in it. */
    const kf_entry *it = kf_item_entry(v->in, position);
    if (it && (!v->nfields ||
               v->fields == v->in->fields + v->in->items[position].first_field)) {
        kf_view lv;
        kf_view_item(&lv, v->in, it->top - 1);
        kf_ref lr = kf_view_ref(&lv, it->top - 1);
        r.path = lr.path;
        r.index = lr.index;
        r.shown = lr.shown;
        r.entry = v->in->pool.data ? v->in->pool.data + it->entry : "";
    }
    return r;
}

bool kf_field_is_null(const kf_input *in, const kf_field *f)
{
    if (!f || f->type != KF_V_NONSTR)
        return false;
    const char *t = kf_field_text(in, f);
    return kf_plain_is_null(t, strlen(t));
}

const char *kf_field_problem(const kf_input *in, const kf_field *f, bool dup,
                             char *buf, size_t cap)
{
    if (dup)
        return "is given twice";
    if (!f)
        return "is required";
    const char *t = kf_field_text(in, f);
    switch ((enum kf_vtype)f->type) {
    case KF_V_STR:
        return NULL;
    case KF_V_NONSTR:
        if (!t[0])
            return "is empty";
        snprintf(buf, cap,
                 "is not a string: YAML reads the unquoted value %.80s as "
                 "null, a boolean, a number or a time; quote it", t);
        return buf;
    case KF_V_NUL:
        return "holds a NUL character (\\0), which no Kubernetes field accepts";
    case KF_V_ALIAS:
        return "is an alias; write the value out";
    case KF_V_TAGGED:
        return "has an explicit YAML tag; remove it";
    case KF_V_MAP:
        return "must be a string, not a mapping";
    case KF_V_SEQ:
        return "must be a string, not a sequence";
    default:
        return "is required";
    }
}

const char *kf_view_problem(const kf_view *v, enum kf_fid id, char *buf,
                            size_t cap)
{
    return kf_field_problem(v->in, v->f[id], v->dup[id], buf, cap);
}
