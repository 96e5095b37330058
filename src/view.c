/* view.c - one item's captured fields, indexed (kf_view.h). */
#include "kf_view.h"

#include <stdio.h>
#include <string.h>

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

const char *kf_view_str(const kf_view *v, enum kf_fid id)
{
    const kf_field *f = v->f[id];
    return f && f->type == KF_V_STR ? kf_field_text(v->in, f) : "";
}

enum kf_vtype kf_view_type(const kf_view *v, enum kf_fid id)
{
    return v->f[id] ? (enum kf_vtype)v->f[id]->type : KF_V_ABSENT;
}

kf_ref kf_view_ref(const kf_view *v, size_t position)
{
    kf_ref r;
    r.api_version = kf_view_str(v, KF_F_APIVERSION);
    r.kind = kf_view_str(v, KF_F_KIND);
    r.name = kf_view_str(v, KF_F_NAME);
    r.namespace = kf_view_str(v, KF_F_NAMESPACE);
    r.path = kf_view_str(v, KF_F_ANN_PATH);
    if (!r.path[0])
        r.path = kf_view_str(v, KF_F_ANN_IPATH);
    r.index = kf_view_str(v, KF_F_ANN_INDEX);
    if (!r.index[0])
        r.index = kf_view_str(v, KF_F_ANN_IINDEX);
    if (!r.path[0] && v->in->origin_path && position < v->in->nitems) {
        r.path = v->in->origin_path[position];
        r.index = v->in->origin_index[position];
    }
    r.position = position;
    return r;
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
