/* config.c - functionConfig, flags and environment (kf_config.h). */
#include "kf_config.h"

#include <stdio.h>
#include <string.h>

#include "kf_identity.h"
#include "kf_view.h"

enum source { SRC_NONE, SRC_ENV, SRC_FC, SRC_FLAG };

typedef struct loader {
    const kf_input *in;
    kf_view view;
    kf_ref ref;
    kf_results *rs;
    const char *prefix; /* "data" or "spec" */
    int failed;
} loader;

/* Add a result on the functionConfig. A macro, so the compiler checks
 * every format against its arguments (kf_results_add() is printf-like). */
#define report(l, sev, reason, field, ...)                                   \
    do {                                                                     \
        if (kf_results_add((l)->rs, &(l)->ref, (sev), (reason), (field),     \
                           __VA_ARGS__) < 0)                                 \
            (l)->failed = 1;                                                 \
    } while (0)

bool kf_config_valid_class_name(const char *s)
{
    return kf_is_label_value(s, strlen(s));
}

/* Field paths are static strings, one per known key and form. */
static const char *field_path(const char *prefix, const char *key)
{
    static const char *const paths[][2] = {
        {"data.trustDomain", "spec.trustDomain"},
        {"data.clusterSPIFFEIDClassName", "spec.clusterSPIFFEIDClassName"},
        {"data.namespaceSelector", "spec.namespaceSelector"},
        {"data.bindings", "spec.bindings"},
    };
    static const char *const keys[] = {"trustDomain", "clusterSPIFFEIDClassName",
                                       "namespaceSelector", "bindings"};
    int form = strcmp(prefix, "spec") == 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(keys[i], key) == 0)
            return paths[i][form];
    return form ? "spec" : "data";
}

static bool str_value(loader *l, const kf_field *f, const char *key,
                      const char **out)
{
    char buf[256];
    const char *why = kf_field_problem(l->in, f, false, buf, sizeof buf);
    if (why) {
        report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, field_path(l->prefix, key),
               "%s %s", field_path(l->prefix, key), why);
        return false;
    }
    *out = kf_field_text(l->in, f);
    return true;
}

static bool bool_value(loader *l, const kf_field *f, const char *key, bool *out)
{
    const char *t = kf_field_text(l->in, f);
    if ((f->type == KF_V_STR || f->type == KF_V_NONSTR) &&
        (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)) {
        *out = t[0] == 't';
        return true;
    }
    report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, field_path(l->prefix, key),
           "%s.%s must be true or false", l->prefix, key);
    return false;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static void set_trust_domain(loader *l, kf_config *cfg, const char *v,
                             const char *where, const char *field)
{
    if (kf_is_trust_domain(v, strlen(v))) {
        copy(cfg->trust_domain, sizeof cfg->trust_domain, v);
        return;
    }
    cfg->trust_domain[0] = '\0';
    report(l, KF_SEV_ERROR, KF_R_INVALID_TRUST_DOMAIN, field,
           "%s is not a valid SPIFFE trust domain (1-255 of a-z 0-9 . - _, no "
           "scheme, no '/'): \"%s\"", where, v);
}

static void set_class_name(loader *l, kf_config *cfg, const char *v,
                           const char *where, const char *field)
{
    if (kf_config_valid_class_name(v)) {
        copy(cfg->class_name, sizeof cfg->class_name, v);
        return;
    }
    cfg->class_name[0] = '\0';
    report(l, KF_SEV_ERROR, KF_R_INVALID_CLASS_NAME, field,
           "%s is not a valid class name (at most 63 of A-Z a-z 0-9 . - _, "
           "alphanumeric at both ends): \"%s\"", where, v);
}

/* Read the functionConfig's entries (data.* or spec.*). */
static void load_entries(loader *l, kf_config *cfg, enum kf_fid entry_id,
                         const char **td, const char **cls)
{
    const kf_view *v = &l->view;
    for (size_t i = 0; i < v->nfields; i++) {
        const kf_field *f = &v->fields[i];
        if (f->id != entry_id)
            continue;
        const char *key = kf_field_key(l->in, f);
        for (size_t j = 0; j < i; j++)
            if (v->fields[j].id == entry_id &&
                strcmp(kf_field_key(l->in, &v->fields[j]), key) == 0) {
                report(l, KF_SEV_ERROR, KF_R_CONFIG_DUPLICATE_KEY, field_path(l->prefix, key),
                       "%s.%s is given twice", l->prefix, key);
                break;
            }
        if (strcmp(key, "trustDomain") == 0) {
            str_value(l, f, key, td);
        } else if (strcmp(key, "clusterSPIFFEIDClassName") == 0) {
            str_value(l, f, key, cls);
        } else if (strcmp(key, "namespaceSelector") == 0) {
            bool b;
            if (bool_value(l, f, key, &b))
                cfg->namespace_selector = b;
        } else if (strcmp(key, "bindings") == 0) {
            const char *s = NULL;
            if (!str_value(l, f, key, &s))
                continue;
            if (strcmp(s, "keep") == 0)
                cfg->keep_bindings = true;
            else if (strcmp(s, "local-config") == 0)
                cfg->keep_bindings = false;
            else
                report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, field_path(l->prefix, key),
                       "%s.%s must be local-config or keep, not \"%s\"",
                       l->prefix, key, s);
        } else {
            report(l, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, NULL,
                   "unknown functionConfig key %s.%s is ignored", l->prefix, key);
        }
    }
}

int kf_config_load(const kf_input *in, const kf_settings *st, kf_config *cfg,
                   kf_results *rs)
{
    loader l;
    memset(&l, 0, sizeof l);
    memset(cfg, 0, sizeof *cfg);
    cfg->namespace_selector = true;
    l.in = in;
    l.rs = rs;
    kf_view_init(&l.view, in, in->fc_fields, in->nfc_fields, 0);
    l.ref = kf_view_ref(&l.view, 0);
    if (!l.ref.kind[0])
        l.ref.kind = "ClusterSPIFFEIDGenerator";
    if (!l.ref.name[0])
        l.ref.name = "functionConfig";
    l.prefix = "data";

    const char *td = NULL, *cls = NULL;
    if (in->has_fc) {
        const char *av = kf_view_str(&l.view, KF_F_APIVERSION);
        const char *kind = kf_view_str(&l.view, KF_F_KIND);
        if (strcmp(av, "v1") == 0 && strcmp(kind, "ConfigMap") == 0) {
            load_entries(&l, cfg, KF_F_DATA_ENTRY, &td, &cls);
        } else if (strcmp(av, "fn.kleym.sonda.red/v1alpha1") == 0 &&
                   strcmp(kind, "ClusterSPIFFEIDGenerator") == 0) {
            l.prefix = "spec";
            load_entries(&l, cfg, KF_F_SPEC_ENTRY, &td, &cls);
        } else {
            report(&l, KF_SEV_ERROR, KF_R_UNSUPPORTED_CONFIG, "kind",
                   "functionConfig must be a v1 ConfigMap or a "
                   "fn.kleym.sonda.red/v1alpha1 ClusterSPIFFEIDGenerator, not "
                   "%s %s", av[0] ? av : "(no apiVersion)",
                   kind[0] ? kind : "(no kind)");
        }
    } else if (in->rlist && in->fc_type != KF_V_ABSENT && !in->fc_null) {
        report(&l, KF_SEV_ERROR, KF_R_UNSUPPORTED_CONFIG, NULL,
               "functionConfig must be a mapping");
    }

    /* Precedence, lowest first: environment, functionConfig, flags. */
    const char *td_field = l.prefix[0] == 's' ? "spec.trustDomain" : "data.trustDomain";
    const char *cls_field = l.prefix[0] == 's' ? "spec.clusterSPIFFEIDClassName"
                                               : "data.clusterSPIFFEIDClassName";
    if (st->flag_trust_domain)
        set_trust_domain(&l, cfg, st->flag_trust_domain, "--trust-domain", NULL);
    else if (td)
        set_trust_domain(&l, cfg, td, td_field, td_field);
    else if (st->env_trust_domain && st->env_trust_domain[0])
        set_trust_domain(&l, cfg, st->env_trust_domain, KF_ENV_TRUST_DOMAIN, NULL);

    if (st->flag_class_name)
        set_class_name(&l, cfg, st->flag_class_name, "--class-name", NULL);
    else if (cls)
        set_class_name(&l, cfg, cls, cls_field, cls_field);
    else if (st->env_class_name)
        set_class_name(&l, cfg, st->env_class_name, KF_ENV_CLASS_NAME, NULL);
    return l.failed ? -1 : 0;
}
