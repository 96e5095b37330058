/* spire_read.c - SPIRE's side of the package, as SCM would read it
 * (spire.h).
 *
 * (Foreign ClusterSPIFFEIDs' selectors: spire_selectors.c.)
 *
 * SPIRE Controller Manager's configuration comes from an item of kind
 * ControllerManagerConfig, or from the YAML text of a ConfigMap data value
 * whose kind is ControllerManagerConfig (the Helm chart's ConfigMap): that
 * text is read by the same reader and schema as the input, so the same
 * fields are captured the same way. A configuration SCM could not load (a
 * field of the wrong type, a required field missing, a pattern Go would
 * not compile) is unreadable; so are several different ones, since which
 * one runs cannot be told. Foreign ClusterSPIFFEIDs give their class,
 * fallback, SPIFFE ID template and label selectors, which must parse as
 * metav1.LabelSelectorAsSelector parses them (SCM skips one that does
 * not). Namespaces give their labels, with kubernetes.io/metadata.name set
 * as Kubernetes always sets it. Nothing here is edited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_identity.h"
#include "kf_read.h"
#include "kf_scalar.h"
#include "spire.h"
#include "kf_view.h"

#define SCM_KIND "ControllerManagerConfig"
/* The ConfigMap texts read as a configuration are at most this long. */
#define MAX_EMBEDDED ((size_t)1 << 20)

/* SCM's ignoreNamespaces when its configuration file omits the key
 * (spire-controller-manager v0.6.6 cmd/main.go). */
static const char *const default_ignore[] = {"kube-system", "kube-public", "spire-system"};


/* What the config warnings say is skipped. */
#define NOT_CHECKED "Until then kleym-fn does not check className, ignoreNamespaces " \
                    "or trustDomain against it"

/* ---- SCM's configuration -------------------------------------------------- */

int kf_scm_where(const kf_ref *ref, const char *key, kf_buf *out)
{
    char where[600];
    kf_ref_where(ref, where, sizeof where);
    return kf_buf_printf(out, "%s %s%s%s%s%s (%s)", ref->kind, ref->namespace,
                         ref->namespace[0] ? "/" : "", ref->name, key ? " key " : "",
                         key ? key : "", where);
}

const char *kf_spire_string_problem(const kf_view *v, enum kf_fid id, bool required,
                                  char *buf, size_t cap)
{
    if (!v->f[id] && !required)
        return NULL;
    return kf_view_problem(v, id, buf, cap);
}

const char *kf_spire_bool_problem(const kf_view *v, enum kf_fid id, bool *value)
{
    const kf_field *f = v->f[id];
    *value = false;
    if (!f)
        return NULL;
    const char *t = kf_field_text(v->in, f);
    if (v->dup[id])
        return "is given twice";
    if (f->type == KF_V_NONSTR && kf_is_bool_word(t, strlen(t), value))
        return NULL;
    return "must be true or false (unquoted)";
}

static void scm_free(kf_scm *c)
{
    for (size_t i = 0; c->re && i < c->nignore; i++)
        kf_regex_free(c->re[i]);
    free(c->re);
    free((void *)c->ignore);
    memset(c, 0, sizeof *c);
}

/* The patterns of ignoreNamespaces, compiled. Returns the problem, or
 * NULL; *bad the pattern at fault. */
static const char *read_ignore(kf_spire_reader *r, const kf_view *v, kf_scm *c, char *buf,
                               size_t cap, const char **bad)
{
    const kf_field *f = v->f[KF_F_SCM_IGNORE];
    *bad = "";
    size_t n = 0;
    if (!f) {
        n = sizeof default_ignore / sizeof *default_ignore;
    } else if (v->dup[KF_F_SCM_IGNORE]) {
        return "is given twice";
    } else if (f->type != KF_V_SEQ && !kf_field_is_null(v->in, f)) {
        return "must be a list of regular expressions";
    } else {
        for (size_t i = 0; i < v->nfields; i++)
            n += v->fields[i].id == KF_F_SCM_IGNORE_ITEM;
    }
    c->ignore_given = f != NULL;
    c->ignore = calloc(n ? n : 1, sizeof *c->ignore);
    c->re = calloc(n ? n : 1, sizeof *c->re);
    if (!c->ignore || !c->re)
        return r->oom = true, "";
    for (size_t i = 0; !f && i < n; i++)
        c->ignore[c->nignore++] = default_ignore[i];
    for (size_t i = 0; f && i < v->nfields; i++) {
        const kf_field *e = &v->fields[i];
        if (e->id != KF_F_SCM_IGNORE_ITEM)
            continue;
        const char *why = kf_field_problem(v->in, e, false, buf, cap);
        if (why)
            return why;
        c->ignore[c->nignore++] = kf_field_text(v->in, e);
    }
    for (size_t i = 0; i < c->nignore; i++) {
        const char *why;
        bool oom;
        c->re[i] = kf_regex_compile(c->ignore[i], buf, cap, &why, &oom);
        if (oom)
            return r->oom = true, "";
        if (!c->re[i]) {
            *bad = c->ignore[i];
            return why;
        }
    }
    return NULL;
}

/* A configuration from the captured fields of v (an item, or a ConfigMap
 * text read as one), said to be at ref (and key). */
static int read_scm(kf_spire_reader *r, const kf_view *v, const kf_ref *ref, const char *key)
{
    kf_spire_state *st = r->st;
    if (kf_array_grow((void **)&st->configs, &st->configs_cap, st->nconfigs + 1,
                      sizeof *st->configs) < 0)
        return -1;
    kf_scm *c = &st->configs[st->nconfigs];
    memset(c, 0, sizeof *c);
    c->ref = *ref;
    c->key = key;
    char buf[256];
    const char *field = NULL, *why = NULL, *bad = "";
    static const struct {
        enum kf_fid id;
        const char *name;
        bool required;
    } strings[] = {{KF_F_SCM_TRUST_DOMAIN, "trustDomain", true},
                   {KF_F_SCM_CLUSTER, "clusterName", true},
                   {KF_F_SCM_CLASS, "className", false}};
    for (size_t i = 0; !why && i < sizeof strings / sizeof *strings; i++)
        if ((why = kf_spire_string_problem(v, strings[i].id, strings[i].required, buf, sizeof buf)))
            field = strings[i].name;
    c->trust_domain = kf_view_str(v, KF_F_SCM_TRUST_DOMAIN);
    c->cluster_name = kf_view_str(v, KF_F_SCM_CLUSTER);
    c->class_name = kf_view_str(v, KF_F_SCM_CLASS);
    if (!why && !kf_is_trust_domain(c->trust_domain, strlen(c->trust_domain)))
        field = "trustDomain", why = "is not a valid SPIFFE trust domain";
    if (!why && !c->cluster_name[0])
        field = "clusterName", why = "is empty";
    if (!why && (why = kf_spire_bool_problem(v, KF_F_SCM_WATCH_CLASSLESS, &c->watch_classless)))
        field = "watchClassless";
    if (!why && (why = read_ignore(r, v, c, buf, sizeof buf, &bad)))
        field = "ignoreNamespaces";
    if (r->oom) {
        scm_free(c);
        return -1;
    }
    if (!why) {
        st->nconfigs++;
        return 0;
    }
    scm_free(c);
    st->config_unreadable = true; /* one is there, though it cannot be used */
    kf_buf at = {0};
    int rc = kf_scm_where(ref, key, &at) < 0
                 ? -1
                 : UNREADABLE(r, ref, key ? NULL : field,
                              "SPIRE Controller Manager's configuration %s: %s%s%s%s %s%s, "
                              "and SPIRE Controller Manager would refuse to start with it; "
                              "fix it. " NOT_CHECKED,
                              at.data, field, bad[0] ? " entry \"" : "", bad,
                              bad[0] ? "\"" : "", bad[0] ? "is " : "", why);
    kf_buf_free(&at);
    return rc;
}

/* The ConfigMap data values of item v that are an SCM configuration. */
static int read_configmap(kf_spire_reader *r, const kf_view *v, const kf_ref *ref)
{
    kf_spire_state *st = r->st;
    for (size_t i = 0; i < v->nfields; i++) {
        const kf_field *f = &v->fields[i];
        if (f->id != KF_F_DATA_ENTRY || f->type != KF_V_STR)
            continue;
        const char *text = kf_field_text(v->in, f), *key = kf_field_key(v->in, f);
        if (!strstr(text, SCM_KIND))
            continue;
        size_t len = strlen(text);
        if (len > MAX_EMBEDDED) {
            if (UNREADABLE(r, ref, NULL,
                           "ConfigMap data key %s names a SPIRE Controller Manager "
                           "configuration but is over 1 MiB, and kleym-fn reads none "
                           "that large. " NOT_CHECKED, key) < 0)
                return -1;
            continue;
        }
        if (kf_array_grow((void **)&st->embedded, &st->embedded_cap, st->nembedded + 1,
                          sizeof *st->embedded) < 0)
            return -1;
        kf_input *in = &st->embedded[st->nembedded++];
        memset(in, 0, sizeof *in);
        kf_fatal fatal;
        if (kf_read(text, len, NULL, in, &fatal) < 0) {
            st->config_unreadable |= strstr(text, "kind: " SCM_KIND) != NULL;
            if (strstr(text, "kind: " SCM_KIND) &&
                UNREADABLE(r, ref, NULL,
                           "ConfigMap data key %s holds a SPIRE Controller Manager "
                           "configuration that is not valid YAML (line %d column %d of "
                           "the text: %s); SPIRE Controller Manager would refuse to "
                           "start with it; fix it. " NOT_CHECKED,
                           key, fatal.line, fatal.col, fatal.msg) < 0)
                return -1;
            continue;
        }
        size_t found = 0, which = 0;
        for (size_t k = 0; k < in->nitems; k++) {
            kf_view iv;
            kf_view_item(&iv, in, k);
            if (strcmp(kf_view_str(&iv, KF_F_KIND), SCM_KIND) == 0 && !found++)
                which = k;
        }
        if (!found)
            continue;
        kf_view iv;
        kf_view_item(&iv, in, which);
        int rc = 0;
        st->config_unreadable |= in->nitems != 1 || in->rlist || !kf_view_kind(&iv, NULL);
        if (in->nitems != 1 || in->rlist)
            rc = UNREADABLE(r, ref, NULL,
                            "ConfigMap data key %s holds more than one YAML document; "
                            "SPIRE Controller Manager reads one configuration; keep one. "
                            NOT_CHECKED, key);
        else if (!kf_view_kind(&iv, NULL))
            rc = UNREADABLE(r, ref, NULL,
                            "ConfigMap data key %s holds a ControllerManagerConfig of "
                            "apiVersion \"%s\", and SPIRE Controller Manager reads "
                            "spire.spiffe.io/v1alpha1 only; fix it. " NOT_CHECKED, key,
                            kf_view_str(&iv, KF_F_APIVERSION));
        else
            rc = read_scm(r, &iv, ref, key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Two configurations that configure SCM alike. */
static bool same_scm(const kf_scm *a, const kf_scm *b)
{
    if (strcmp(a->trust_domain, b->trust_domain) || strcmp(a->class_name, b->class_name) ||
        strcmp(a->cluster_name, b->cluster_name) ||
        a->watch_classless != b->watch_classless || a->nignore != b->nignore)
        return false;
    for (size_t i = 0; i < a->nignore; i++)
        if (strcmp(a->ignore[i], b->ignore[i]))
            return false;
    return true;
}

/* The configuration in force: the one read, or none when several differ
 * (each then gets a warning). */
static int choose_scm(kf_spire_reader *r)
{
    kf_spire_state *st = r->st;
    bool differ = false;
    for (size_t i = 1; i < st->nconfigs; i++)
        differ |= !same_scm(&st->configs[0], &st->configs[i]);
    r->sp->has_config = st->nconfigs || st->config_unreadable;
    if (!differ) {
        st->scm = st->nconfigs && !st->config_unreadable ? &st->configs[0] : NULL;
        return 0;
    }
    kf_buf other = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < st->nconfigs; i++) {
        const kf_scm *c = &st->configs[i];
        const kf_scm *o = &st->configs[i ? 0 : 1];
        kf_buf_clear(&other);
        rc = kf_scm_where(&o->ref, o->key, &other) < 0
                 ? -1
                 : UNREADABLE(r, &c->ref, NULL,
                              "%zu different SPIRE Controller Manager configurations are in "
                              "the input, this one%s%s and %s among them: which one runs "
                              "cannot be told; keep one. " NOT_CHECKED,
                              st->nconfigs, c->key ? " in key " : "", c->key ? c->key : "",
                              other.data);
    }
    kf_buf_free(&other);
    if (rc < 0)
        return -1;
    st->scm = NULL;
    return 0;
}

/* ---- Namespaces -------------------------------------------------------------- */

static int cmp_ns(const void *pa, const void *pb)
{
    const kf_ns *a = pa, *b = pb;
    return strcmp(a->name, b->name);
}

/* By name, then input order (a later copy of a Namespace is left out). */
static int cmp_ns_first(const void *pa, const void *pb)
{
    const kf_ns *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : a->first_label < b->first_label ? -1 : a->first_label > b->first_label;
}

const kf_ns *kf_spire_ns(const kf_spire_state *st, const char *name)
{
    kf_ns key = {name, 0, 0};
    return st->nnss ? bsearch(&key, st->nss, st->nnss, sizeof key, cmp_ns) : NULL;
}

static int read_namespace(kf_spire_state *st, const kf_view *v, const char *name)
{
    if (kf_array_grow((void **)&st->nss, &st->nss_cap, st->nnss + 1, sizeof *st->nss) < 0)
        return -1;
    kf_ns *ns = &st->nss[st->nnss++];
    *ns = (kf_ns){name, (uint32_t)st->nns_labels, 0};
    for (size_t i = 0; i <= v->nfields; i++) {
        const kf_field *f = i < v->nfields ? &v->fields[i] : NULL;
        if (f && (f->id != KF_F_NS_LABEL || f->type != KF_V_STR ||
                  strcmp(kf_field_key(v->in, f), NS_NAME_LABEL) == 0))
            continue;
        if (kf_array_grow((void **)&st->ns_labels, &st->ns_labels_cap, st->nns_labels + 1,
                          sizeof *st->ns_labels) < 0)
            return -1;
        /* Kubernetes sets this one to the name, whatever is written */
        st->ns_labels[st->nns_labels++] =
            f ? (kf_label){kf_field_key(v->in, f), kf_field_text(v->in, f)}
              : (kf_label){NS_NAME_LABEL, name};
        ns->nlabels++;
    }
    qsort(st->ns_labels + ns->first_label, ns->nlabels, sizeof *st->ns_labels, kf_label_cmp);
    return 0;
}

/* ---- all of SPIRE's side -------------------------------------------------- */

int kf_spire_read(kf_spire *sp, const kf_input *in, kf_results *rs)
{
    kf_spire_reader r = {sp, sp->st, rs, false};
    /* the classes the switch below reads */
    const kf_kmask wanted = KF_KC_SCMCONFIG | KF_KC_CONFIGMAP | KF_KC_CSID | KF_KC_NAMESPACE;
    for (size_t i = 0; i < in->nitems; i++) {
        if (!(in->items[i].kind_cls & wanted))
            continue; /* no view needed to tell */
        kf_view v;
        kf_view_item(&v, in, i);
        const kf_kind *k = kf_view_kind(&v, NULL);
        if (!k)
            continue;
        kf_ref ref = kf_view_ref(&v, i);
        int rc = 0;
        switch (k->cls) {
        case KF_KC_SCMCONFIG:
            rc = read_scm(&r, &v, &ref, NULL);
            break;
        case KF_KC_CONFIGMAP:
            rc = read_configmap(&r, &v, &ref);
            break;
        case KF_KC_CSID:
            if (strcmp(kf_view_str(&v, KF_F_LBL_MANAGED), KF_MANAGED_BY) != 0)
                rc = kf_spire_read_foreign(&r, &v, &ref);
            break;
        case KF_KC_NAMESPACE:
            if (ref.name[0])
                rc = read_namespace(r.st, &v, ref.name);
            break;
        default:
            break;
        }
        if (rc < 0 || r.oom)
            return -1;
    }
    kf_spire_state *st = r.st;
    if (st->nnss > 1) {
        qsort(st->nss, st->nnss, sizeof *st->nss, cmp_ns_first);
        size_t kept = 1;
        for (size_t i = 1; i < st->nnss; i++)
            if (strcmp(st->nss[i].name, st->nss[kept - 1].name) != 0)
                st->nss[kept++] = st->nss[i];
        st->nnss = kept;
    }
    return choose_scm(&r);
}

void kf_spire_state_free(kf_spire_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nconfigs; i++)
        scm_free(&st->configs[i]);
    free(st->configs);
    for (size_t i = 0; i < st->nembedded; i++)
        kf_input_free(&st->embedded[i]);
    free(st->embedded);
    free(st->reqs);
    free((void *)st->values);
    free(st->nss);
    free(st->ns_labels);
    free(st->verdicts);
    free(st);
}
