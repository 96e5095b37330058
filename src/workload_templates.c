/* workload_templates.c - the pod templates of the input (workload.h).
 *
 * Every workload kind the schema reads (schema.c mounts one pod-template
 * table at each kind's template path, a slot per template) gives one
 * kf_template per template: its workload's namespace, kind, name and file,
 * the template's labels (sorted by key), its service account (else the
 * deprecated serviceAccount, else default; null or "" count as unset), its
 * variant label, and its container names, init containers last. A template
 * whose labels, service account or container names are not plain strings
 * is kept but marked unreadable (its labels dropped, why kept instead):
 * it is left out of matching and reported once (UnreadableTemplate, a
 * warning: kf_workloads_unreadable()).
 */
#include <stdlib.h>
#include <string.h>

#include "kf_view.h"
#include "workload.h"

#define DEFAULT_SA "default"

bool kf_namespaces_has(const char *const *v, size_t n, const char *ns)
{
    return n && bsearch(&ns, v, n, sizeof *v, kf_str_cmp);
}

/* The first reason a template cannot be read, kept in why. -1: out of
 * memory. */
static int why_field(const kf_input *in, const kf_field *f, bool dup, const char *path,
                     kf_buf *why)
{
    char buf[256];
    const char *p = kf_field_problem(in, f, dup, buf, sizeof buf);
    if (!p || why->len)
        return 0;
    return kf_buf_printf(why, "%s %s", path, p);
}

/* A collection the reading goes through: absent or null is fine (nothing
 * there), else it must be what it is said to be. */
static int check_collection(const kf_input *in, const kf_view *v, enum kf_fid id,
                            enum kf_vtype want, const char *path, kf_buf *why)
{
    const kf_field *f = v->f[id];
    if (!f || why->len || (f->type == want && !v->dup[id]))
        return 0;
    if (kf_field_is_null(in, f) && !v->dup[id])
        return 0; /* `labels:` with nothing, or null: no labels */
    if (f->type == KF_V_NONSTR || f->type == KF_V_STR)
        return kf_buf_printf(why, "%s is not a %s", path,
                             want == KF_V_MAP ? "mapping" : "list");
    return why_field(in, f, v->dup[id], path, why);
}

/* A service account field that says nothing: null or "" (Kubernetes
 * reads both as unset). */
static bool unset(const kf_input *in, const kf_field *f)
{
    return !f || kf_field_is_null(in, f) ||
           (f->type == KF_V_STR && !kf_field_text(in, f)[0]);
}

static int read_service_account(const kf_input *in, const kf_view *v, kf_template *t,
                                kf_buf *why)
{
    static const struct {
        enum kf_fid id;
        const char *path;
    } fields[] = {{KF_F_TPL_SA, "spec.serviceAccountName"},
                  {KF_F_TPL_SA_OLD, "spec.serviceAccount"}};
    t->sa = DEFAULT_SA;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const kf_field *f = v->f[fields[i].id];
        if (unset(in, f) && !v->dup[fields[i].id])
            continue;
        if (why_field(in, f, v->dup[fields[i].id], fields[i].path, why) < 0)
            return -1;
        t->sa = kf_field_text(in, f);
        return 0;
    }
    return 0;
}

/* Labels and element types in one pass; container names, then init
 * container names (whatever their order in the document). */
static int read_lists(kf_workloads *w, const kf_input *in, const kf_view *all,
                      unsigned slot, kf_template *t, kf_buf *why)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < all->nfields; i++) {
            const kf_field *f = &all->fields[i];
            if (f->slot != slot)
                continue;
            if (pass == 0 && f->id == KF_F_TPL_LABEL) {
                if (f->type != KF_V_STR && !why->len) {
                    kf_buf label = {0};
                    int rc = kf_buf_printf(&label, "label %s", kf_field_key(in, f));
                    if (rc == 0)
                        rc = why_field(in, f, false, label.data, why);
                    kf_buf_free(&label);
                    if (rc < 0)
                        return -1;
                }
                if (kf_array_grow((void **)&w->labels, &w->labels_cap, w->nlabels + 1,
                                  sizeof *w->labels) < 0)
                    return -1;
                w->labels[w->nlabels++] =
                    (kf_label){kf_field_key(in, f), kf_field_text(in, f)};
            } else if (pass == 0 && (f->id == KF_F_TPL_CONTAINER || f->id == KF_F_TPL_INIT)) {
                if (f->type != KF_V_MAP && !why->len &&
                    kf_buf_printf(why, "an element of spec.%s is not a mapping",
                                  f->id == KF_F_TPL_INIT ? "initContainers"
                                                         : "containers") < 0)
                    return -1;
            } else if (f->id == (pass == 0 ? KF_F_TPL_CONTAINER_NAME : KF_F_TPL_INIT_NAME)) {
                if (why_field(in, f, f->dup, "a container name", why) < 0 ||
                    kf_array_grow((void **)&w->names, &w->names_cap, w->nnames + 1,
                                  sizeof *w->names) < 0)
                    return -1;
                w->names[w->nnames++] = kf_field_text(in, f);
                t->ninit += pass == 1;
            }
        }
    }
    return 0;
}

/* Read template `slot` of the workload whose fields `all` views into t;
 * why says what is not a plain string, when something is. */
static int read_template(kf_workloads *w, const kf_input *in, const kf_view *all,
                         unsigned slot, kf_template *t, kf_buf *why)
{
    kf_view v;
    kf_view_init(&v, in, all->fields, all->nfields, slot);
    if (check_collection(in, &v, KF_F_TPL_METADATA, KF_V_MAP, "metadata", why) < 0 ||
        check_collection(in, &v, KF_F_TPL_LABELS, KF_V_MAP, "metadata.labels", why) < 0 ||
        check_collection(in, &v, KF_F_TPL_SPEC, KF_V_MAP, "spec", why) < 0 ||
        check_collection(in, &v, KF_F_TPL_CONTAINERS, KF_V_SEQ, "spec.containers", why) < 0 ||
        check_collection(in, &v, KF_F_TPL_INITS, KF_V_SEQ, "spec.initContainers", why) < 0 ||
        read_service_account(in, &v, t, why) < 0)
        return -1;
    t->first_label = (uint32_t)w->nlabels;
    t->first_name = (uint32_t)w->nnames;
    if (read_lists(w, in, all, slot, t, why) < 0)
        return -1;
    if (w->nlabels - t->first_label >= UINT16_MAX ||
        w->nnames - t->first_name >= KF_ALL_CONTAINERS) {
        if (!why->len &&
            kf_buf_printf(why, "it has more labels or containers than kleym-fn checks") < 0)
            return -1;
        w->nlabels = t->first_label;
        w->nnames = t->first_name;
        t->ninit = 0;
    }
    t->nlabels = (uint16_t)(w->nlabels - t->first_label);
    t->ncontainers = (uint16_t)(w->nnames - t->first_name);
    kf_label *labels = t->nlabels ? w->labels + t->first_label : NULL;
    if (t->nlabels > 1)
        qsort(labels, t->nlabels, sizeof *labels, kf_label_cmp);
    for (size_t i = 1; i < t->nlabels; i++)
        if (strcmp(labels[i].key, labels[i - 1].key) == 0 && !why->len &&
            kf_buf_printf(why, "label %s is given twice", labels[i].key) < 0)
            return -1;
    for (size_t i = 0; i < t->nlabels; i++)
        if (strcmp(labels[i].key, KF_VARIANT_LABEL) == 0)
            t->variant = labels[i].value;
    return 0;
}

static int add_namespace(const char ***v, size_t *n, size_t *cap, const char *ns)
{
    if (*n && strcmp((*v)[*n - 1], ns) == 0)
        return 0; /* the same as the last: most workloads come in runs */
    if (kf_array_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
        return -1;
    (*v)[(*n)++] = ns;
    return 0;
}

/* An integer field of the workload: 0 absent, -1 not a plain integer. */
static int32_t count_of(const kf_input *in, const kf_view *v, enum kf_fid id)
{
    const kf_field *f = v->f[id];
    if (!f)
        return 0;
    const char *t = kf_field_text(in, f);
    long n = 0;
    if (f->type != KF_V_NONSTR || !t[0] || strlen(t) > 9)
        return -1;
    for (; *t; t++) {
        if (*t < '0' || *t > '9')
            return -1;
        n = n * 10 + (*t - '0');
    }
    return (int32_t)n;
}

/* A kind class's template paths (kf_template_path() of each slot),
 * looked up once for a run of workloads of that class. */
typedef struct tpl_paths {
    kf_kmask cls; /* 0: none looked up yet */
    const char *at[KF_SLOTS];
} tpl_paths;

static const tpl_paths *paths_of(tpl_paths *p, kf_kmask cls)
{
    if (p->cls != cls) {
        p->cls = cls;
        for (unsigned slot = 0; slot < KF_SLOTS; slot++)
            p->at[slot] = kf_template_path(cls, slot);
    }
    return p;
}

/* The workload's template of slot, in *sv, and the path it is at ("":
 * the item itself); NULL when its kind has none there (path, its kind's
 * path of slot, NULL), or when it is at a path and absent or null there. */
static const char *template_at(const kf_input *in, const kf_view *all, const char *path,
                               unsigned slot, kf_view *sv)
{
    if (!path)
        return NULL;
    kf_view_init(sv, in, all->fields, all->nfields, slot);
    const kf_field *tf = sv->f[KF_F_TEMPLATE];
    if (path[0] && (!tf || kf_field_is_null(in, tf)))
        return NULL;
    return path;
}

/* The workload's templates, each read or marked unreadable. */
static int read_workload(kf_workloads *w, const kf_input *in, size_t item,
                         const tpl_paths *paths, const kf_view *all, kf_results *rs,
                         kf_namespaces *nss, kf_buf *why)
{
    kf_ref ref = kf_view_ref(all, item);
    kf_view sv;
    /* A leaderTemplate, read or not, is the leader pod's: the worker
     * template, read first, is then the workers' only, and its findings
     * (an UnreadableTemplate one too) must say so. */
    bool has_leader = template_at(in, all, paths->at[1], 1, &sv) != NULL;
    for (unsigned slot = 0; slot < KF_SLOTS; slot++) {
        const char *path = template_at(in, all, paths->at[slot], slot, &sv);
        if (!path)
            continue;
        const kf_field *tf = sv.f[KF_F_TEMPLATE];
        why->len = 0;
        if (path[0]) {
            if ((tf->type != KF_V_MAP || sv.dup[KF_F_TEMPLATE]) &&
                why_field(in, tf, sv.dup[KF_F_TEMPLATE], "the template", why) < 0)
                return -1;
        }
        if (kf_array_grow((void **)&w->tpls, &w->tpls_cap, w->ntpls + 1,
                          sizeof *w->tpls) < 0)
            return -1;
        kf_template *t = &w->tpls[w->ntpls];
        memset(t, 0, sizeof *t);
        t->ref = ref;
        t->slot = (uint8_t)slot;
        t->two_templates = paths->at[1] != NULL;
        t->replicas = count_of(in, all, KF_F_REPLICAS);
        t->size = count_of(in, all, KF_F_LWS_SIZE);
        t->has_leader = has_leader;
        if (read_template(w, in, all, slot, t, why) < 0)
            return -1;
        t->readable = why->len == 0;
        w->ntpls++;
        if (t->readable)
            continue;
        /* left out of matching: its labels are not kept; why is kept for
         * its finding, made once the input's fields are given back
         * (kf_workloads_unreadable()) */
        w->nlabels = t->first_label;
        t->nlabels = 0;
        t->why = kf_results_text(rs, why->data);
        if (!t->why || add_namespace(&nss->unreadable, &nss->nunreadable,
                                     &nss->unreadable_cap, t->ref.namespace) < 0)
            return -1;
    }
    return 0;
}

int kf_read_templates(kf_workloads *w, const kf_input *in, kf_results *rs,
                      kf_namespaces *nss)
{
    kf_buf why = {0};
    tpl_paths paths = {0};
    int rc = -1;
    for (size_t i = 0; i < in->nitems; i++) {
        if (!(in->items[i].kind_cls & KF_KC_WORKLOADS))
            continue; /* no view needed to tell */
        kf_view all;
        kf_view_item(&all, in, i);
        const kf_kind *k = kf_view_kind(&all, NULL);
        if (!k || !(k->cls & KF_KC_WORKLOADS))
            continue;
        /* Its namespace, or the configured one (SPEC section 3). One
         * without either is read into namespace "", where no binding
         * looks, and reported once (WorkloadNamespaceUnset); one whose
         * namespace is not a usable string is not checked. */
        const char *ns = kf_view_namespace(&all);
        if (!ns[0] && kf_view_namespace_less(&all)) {
            if (kf_array_grow((void **)&nss->nsless, &nss->nsless_cap, nss->nnsless + 1,
                              sizeof *nss->nsless) < 0)
                goto out;
            nss->nsless[nss->nnsless++] = (uint32_t)i;
        } else if (!ns[0] || all.dup[KF_F_NAMESPACE]) {
            continue;
        } else if (add_namespace(&nss->all, &nss->nall, &nss->all_cap, ns) < 0) {
            goto out;
        }
        if (read_workload(w, in, i, paths_of(&paths, k->cls), &all, rs, nss, &why) < 0)
            goto out;
    }
    kf_strs_sort_unique(nss->all, &nss->nall);
    kf_strs_sort_unique(nss->unreadable, &nss->nunreadable);
    rc = 0;
out:
    kf_buf_free(&why);
    return rc;
}

void kf_namespaces_free(kf_namespaces *nss)
{
    free(nss->all);
    free(nss->unreadable);
    free(nss->nsless);
    memset(nss, 0, sizeof *nss);
}
