/* config.c - functionConfig, flags and environment (kf_config.h): the
 * key table, each source's keys, and the merge of the sources with the
 * flags and the environment (the SVID options' values: config_svid.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_identity.h"
#include "offsets.h"

/* Every key: its name, its paths, and what --help says of it (its
 * default, what it does): the one list of the settings. */
static const struct {
    const char *name;
    const char *path[2]; /* data.<name>, spec.<name> */
    const char *def, *doc;
} keys[K_COUNT] = {
#define KEY(name, def, doc) {name, {"data." name, "spec." name}, def, doc}
    [K_TRUST_DOMAIN] = KEY("trustDomain", "(required)", "the SPIFFE trust domain"),
    [K_CLASS_NAME] = KEY("clusterSPIFFEIDClassName", "(none)",
                         "spec.className of every output"),
    [K_NAMESPACE_SELECTOR] = KEY("namespaceSelector", "true",
                                 "pin each identity to its namespace"),
    [K_BINDINGS] = KEY("bindings", "local-config", "local-config or keep (the bindings)"),
    [K_WORKLOAD_CHECK] = KEY("workloadCheck", "warn", "warn, error (a CI gate) or off"),
    [K_TTL] = KEY("ttl", "(none)", "X509-SVID TTL, e.g. 1h"),
    [K_JWT_TTL] = KEY("jwtTtl", "(none)", "JWT-SVID TTL, e.g. 5m"),
    [K_FEDERATES_WITH] = KEY("federatesWith", "(none)", "trust domains, comma-separated"),
    [K_AUTO_DNS] = KEY("autoPopulateDNSNames", "(none)", "true or false"),
    [K_NAMESPACE] = KEY("namespace", "(none)", "where namespace-less items are applied"),
#undef KEY
};

const char *kf_config_key_doc(size_t i, const char **def, const char **doc)
{
    if (i >= K_COUNT)
        return NULL;
    *def = keys[i].def;
    *doc = keys[i].doc;
    return keys[i].name;
}

static enum key key_of(const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(keys[k].name, name) == 0)
            return (enum key)k;
    return K_UNKNOWN;
}

bool kf_config_valid_class_name(const char *s)
{
    return kf_is_label_value(s, strlen(s));
}

/* Field paths are static strings, one per known key and form. */
const char *kf_config_field_path(const loader *l, enum key k)
{
    return k < K_COUNT ? keys[k].path[l->typed] : l->typed ? "spec" : "data";
}

/* A value as a message shows it (config.h). */
const char *kf_config_shown(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* room for an escape or the rest of a UTF-8 character, then "..." */
        if ((o + 8 >= cap && (*p & 0xc0) != 0x80) || o + 5 >= cap) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        if (*p == '"' || *p == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)*p;
        } else if (*p == '\n' || *p == '\t') {
            buf[o++] = '\\';
            buf[o++] = *p == '\n' ? 'n' : 't';
        } else if (*p < 0x20 || *p == 0x7f) {
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", *p);
        } else {
            buf[o++] = (char)*p;
        }
    }
    buf[o] = '\0';
    return buf;
}

static bool str_value(loader *l, const kf_field *f, enum key k, const char **out)
{
    char buf[256];
    const char *why = kf_field_problem(l->in, f, false, buf, sizeof buf);
    if (why) {
        const char *path = kf_config_field_path(l, k);
        report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, path, "%s %s", path, why);
        return false;
    }
    *out = kf_field_text(l->in, f);
    return true;
}

/* A boolean: true or false, as a YAML boolean or as the string (a
 * ConfigMap's data values are strings). svid: cfg when the key is an SVID
 * option, else NULL. */
static bool bool_value(loader *l, kf_config *svid, const kf_field *f, enum key k,
                       bool *out)
{
    const char *path = kf_config_field_path(l, k);
    const char *t = kf_field_text(l->in, f);
    char buf[256];
    if (f->type == KF_V_STR || f->type == KF_V_NONSTR) {
        if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
            *out = t[0] == 't';
            return true;
        }
        kf_config_shown(t, buf, 128);
        report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, path,
               "%s must be true or false, not \"%s\"%s", path, buf, svid ? NO_RENDER : "");
    } else {
        const char *why = kf_field_problem(l->in, f, false, buf, sizeof buf);
        report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, path,
               "%s must be true or false: it %s%s", path, why, svid ? NO_RENDER : "");
    }
    if (svid)
        svid->options_invalid = true;
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
        l->m->td_where = where;
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
    /* an output without the class asked for would be ignored by the
     * user's SPIRE Controller Manager, or picked up by another one */
    cfg->class_name[0] = '\0';
    cfg->options_invalid = true;
    report(l, KF_SEV_ERROR, KF_R_INVALID_CLASS_NAME, field,
           "%s is not a valid class name (at most 63 of A-Z a-z 0-9 . - _, "
           "alphanumeric at both ends): \"%s\" (no binding renders while the "
           "class name is invalid)", where, v);
}

/* namespace: where namespace-less items are applied (SPEC sections 2, 3).
 * Refused: no binding renders, as one without it might land in the wrong
 * namespace. */
static void set_namespace(loader *l, kf_config *cfg, const char *v, const char *where,
                          const char *field)
{
    if (kf_is_dns1123_label(v, strlen(v))) {
        copy(cfg->namespace, sizeof cfg->namespace, v);
        return;
    }
    char val[128];
    cfg->namespace[0] = '\0';
    cfg->options_invalid = true;
    report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, field,
           "%s must be a namespace (DNS-1123 label: at most 63 of a-z 0-9 -, "
           "alphanumeric at both ends), not \"%s\" (no binding renders while "
           "the namespace is invalid)", where, kf_config_shown(v, val, sizeof val));
}

/* A source's unknown or repeated keys, as one run of results: the pool
 * offsets of their keys (about a byte each: offsets.h), the messages made
 * when written. */
typedef struct key_run {
    kf_result_run head;
    kf_ref ref;             /* the source's (its loader goes first) */
    const kf_buf *pool;     /* the keys' texts */
    const char *prefix;     /* "data" or "spec" */
    int typed;
    kf_offsets key;         /* pool offset of each member's key */
} key_run;

static int unknown_key_text(const void *arg, uint32_t m, kf_buf *out, const char **field,
                            kf_ref *ref)
{
    const key_run *kr = arg;
    (void)field; /* the run's: none */
    (void)ref;
    return kf_buf_cat(out, "unknown functionConfig key ", kr->prefix, ".",
                      kr->pool->data + kf_offsets_get(&kr->key, m), " is ignored", NULL);
}

static int repeated_key_text(const void *arg, uint32_t m, kf_buf *out, const char **field,
                             kf_ref *ref)
{
    (void)ref;
    const key_run *kr = arg;
    const char *name = kr->pool->data + kf_offsets_get(&kr->key, m);
    enum key k = key_of(name);
    *field = k < K_COUNT ? keys[k].path[kr->typed] : kr->typed ? "spec" : "data";
    /* which of two SVID option values was meant? neither renders */
    return kf_buf_cat(out, kr->prefix, ".", name, " is given twice",
                      k >= K_TTL && k <= K_AUTO_DNS ? NO_RENDER : "", NULL);
}

/* Add key f to run *kr of l (made on first use); false: out of memory. */
static bool run_add(loader *l, key_run **kr, kf_result_member_fn member, const kf_field *f)
{
    if (!*kr) {
        key_run *r = malloc(sizeof *r);
        if (!r)
            return false;
        *r = (key_run){{member, 0}, l->ref, &l->in->pool, l->prefix, l->typed, {0}};
        *kr = r;
    }
    if (kf_offsets_add(&(*kr)->key, f->text) < 0)
        return false;
    (*kr)->head.count = (*kr)->key.count;
    return true;
}

/* Hand run kr to the results (as its members' results, one after another
 * in order: a run's members may not have others between them), with what
 * its members are read from. */
static void run_report(loader *l, enum kf_severity sev, enum kf_reason reason, key_run *kr)
{
    if (!kr)
        return;
    void *delta = kr->key.delta, *mark = kr->key.mark;
    if (kf_results_keep(l->m->rs, kr) < 0) {
        free(delta);
        free(mark);
        l->m->failed = true;
        return;
    }
    int rc = kf_results_keep(l->m->rs, delta);
    if (rc < 0)
        free(mark);
    else
        rc = kf_results_keep(l->m->rs, mark);
    if (rc < 0 || kr->head.count == 0 ||
        kf_results_add_run(l->m->rs, &kr->ref, sev, reason, NULL, &kr->head) < 0)
        l->m->failed = true;
}

/* Read the functionConfig's entries (data.* or spec.*), except the
 * settings an earlier source gave. */
static void load_entries(loader *l, kf_config *cfg, enum kf_fid entry_id)
{
    const kf_view *v = &l->view;
    kf_key_texts rp;
    key_run *unknown = NULL, *repeated = NULL;
    if (!kf_find_repeats(l->in, &l->view, entry_id, &rp)) {
        l->m->failed = true;
        return;
    }
    for (size_t i = 0; i < v->nfields; i++) {
        const kf_field *f = &v->fields[i];
        if (f->id != entry_id)
            continue;
        const char *name = kf_field_key(l->in, f);
        enum key k = key_of(name);
        if (k < K_COUNT && l->earlier[k])
            continue;
        if (k < K_COUNT)
            l->m->given[k] = true;
        bool dup = kf_is_repeat(&rp, l->in, f);
        const char *path = kf_config_field_path(l, k);
        if (dup && !run_add(l, &repeated, repeated_key_text, f))
            l->m->failed = true;
        if (dup && k >= K_TTL && k <= K_AUTO_DNS) {
            cfg->options_invalid = true; /* repeated_key_text() says so */
            continue;
        }
        switch (k) {
        case K_TRUST_DOMAIN:
            if (str_value(l, f, k, &l->m->td))
                l->m->td_from = l;
            break;
        case K_CLASS_NAME:
            if (str_value(l, f, k, &l->m->cls))
                l->m->cls_from = l;
            break;
        case K_NAMESPACE_SELECTOR: {
            bool b;
            if (bool_value(l, NULL, f, k, &b))
                cfg->namespace_selector = b;
            break;
        }
        case K_BINDINGS: {
            const char *s = NULL;
            if (!str_value(l, f, k, &s))
                break;
            if (strcmp(s, "keep") == 0)
                cfg->keep_bindings = true;
            else if (strcmp(s, "local-config") == 0)
                cfg->keep_bindings = false;
            else
                report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, path,
                       "%s.%s must be local-config or keep, not \"%s\"",
                       l->prefix, name, s);
            break;
        }
        case K_WORKLOAD_CHECK: {
            static const char *const modes[] = {[KF_CHECK_WARN] = "warn",
                                                [KF_CHECK_ERROR] = "error",
                                                [KF_CHECK_OFF] = "off"};
            const char *s = NULL;
            if (!str_value(l, f, k, &s))
                break;
            size_t m = 0, nmodes = sizeof modes / sizeof *modes;
            while (m < nmodes && strcmp(s, modes[m]) != 0)
                m++;
            if (m < nmodes) {
                cfg->workload_check = (uint8_t)m;
            } else {
                char val[128];
                report(l, KF_SEV_ERROR, KF_R_INVALID_VALUE, path,
                       "%s must be warn, error or off, not \"%s\"; the check runs "
                       "as warn", path, kf_config_shown(s, val, sizeof val));
            }
            break;
        }
        case K_TTL:
            kf_config_duration(l, cfg, f, k, &cfg->ttl);
            break;
        case K_JWT_TTL:
            kf_config_duration(l, cfg, f, k, &cfg->jwt_ttl);
            break;
        case K_FEDERATES_WITH: /* the ConfigMap form: checked last, against
                                * the effective trust domain */
            l->federates = f;
            l->m->federates_from = l;
            break;
        case K_AUTO_DNS: {
            bool b;
            if (bool_value(l, cfg, f, k, &b))
                cfg->auto_populate_dns_names = b;
            break;
        }
        case K_NAMESPACE:
            if (str_value(l, f, k, &l->m->ns))
                l->m->ns_from = l;
            else
                cfg->options_invalid = true;
            break;
        default:
            if (!run_add(l, &unknown, unknown_key_text, f))
                l->m->failed = true;
        }
    }
    kf_key_texts_free(&rp);
    /* one result each, made when written (80 000 unknown keys cost one
     * record and 4 bytes each, not 80 000 messages) */
    run_report(l, KF_SEV_ERROR, KF_R_CONFIG_DUPLICATE_KEY, repeated);
    run_report(l, KF_SEV_WARNING, KF_R_UNKNOWN_KEY, unknown);
}


/* Start reading one source: its view, its place for results, its form. */
static void load_source(loader *l, merge *m, const kf_config_source *src,
                        kf_config *cfg)
{
    const kf_input *in = src->in;
    l->m = m;
    l->in = in;
    memcpy(l->earlier, m->given, sizeof l->earlier);
    if (src->from_item)
        kf_view_item(&l->view, in, src->item);
    else
        kf_view_init(&l->view, in, in->fc_fields, in->nfc_fields, 0);
    l->ref = kf_view_ref(&l->view, src->from_item ? src->item : 0);
    if (!l->ref.path[0] && src->origin) {
        l->ref.path = src->origin;
        l->ref.index = src->origin_index ? src->origin_index : "";
    }
    if (!l->ref.kind[0])
        l->ref.kind = "ClusterSPIFFEIDGenerator";
    if (!l->ref.name[0])
        l->ref.name = "functionConfig";
    l->prefix = "data";

    if (src->from_item || in->has_fc) {
        const char *av = kf_view_str(&l->view, KF_F_APIVERSION);
        const char *kind = kf_view_str(&l->view, KF_F_KIND);
        if (strcmp(av, "v1") == 0 && strcmp(kind, "ConfigMap") == 0) {
            load_entries(l, cfg, KF_F_DATA_ENTRY);
        } else if (strcmp(av, "fn.kleym.sonda.red/v1alpha1") == 0 &&
                   strcmp(kind, "ClusterSPIFFEIDGenerator") == 0) {
            l->prefix = "spec";
            l->typed = 1;
            load_entries(l, cfg, KF_F_SPEC_ENTRY);
            kf_config_typed_federates(l, cfg);
        } else {
            report(l, KF_SEV_ERROR, KF_R_UNSUPPORTED_CONFIG, "kind",
                   "functionConfig must be a v1 ConfigMap or a "
                   "fn.kleym.sonda.red/v1alpha1 ClusterSPIFFEIDGenerator, not "
                   "%s %s", av[0] ? av : "(no apiVersion)",
                   kind[0] ? kind : "(no kind)");
        }
    } else if (in->rlist && in->fc_type != KF_V_ABSENT && !in->fc_null) {
        report(l, KF_SEV_ERROR, KF_R_UNSUPPORTED_CONFIG, NULL,
               "functionConfig must be a mapping");
    }
}

int kf_config_load(const kf_config_source *srcs, size_t nsrcs, const kf_settings *st,
                   kf_config *cfg, kf_results *rs)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->namespace_selector = true;
    cfg->auto_populate_dns_names = -1;
    merge m = {.rs = rs};
    loader *ls = calloc(nsrcs, sizeof *ls);
    if (!ls)
        return -1;
    for (size_t i = 0; i < nsrcs; i++)
        load_source(&ls[i], &m, &srcs[i], cfg);

    /* Precedence, lowest first: environment, functionConfig, flags. The
     * environment only fills a setting no source gave: one given but
     * refused keeps its error, and nothing renders with another value.
     * Problems with a flag or the environment go on the first source. */
    loader *first = &ls[0];
    if (st->flag_trust_domain) {
        set_trust_domain(first, cfg, st->flag_trust_domain, "--trust-domain", NULL);
    } else if (m.td) {
        const char *field = kf_config_field_path(m.td_from, K_TRUST_DOMAIN);
        set_trust_domain(m.td_from, cfg, m.td, field, field);
        m.td_source = m.td_from;
    } else if (!m.given[K_TRUST_DOMAIN] && st->env_trust_domain &&
               st->env_trust_domain[0]) {
        set_trust_domain(first, cfg, st->env_trust_domain, KF_ENV_TRUST_DOMAIN, NULL);
    }

    if (st->flag_class_name) {
        set_class_name(first, cfg, st->flag_class_name, "--class-name", NULL);
    } else if (m.cls) {
        const char *field = kf_config_field_path(m.cls_from, K_CLASS_NAME);
        set_class_name(m.cls_from, cfg, m.cls, field, field);
    } else if (!m.given[K_CLASS_NAME] && st->env_class_name) {
        set_class_name(first, cfg, st->env_class_name, KF_ENV_CLASS_NAME, NULL);
    }

    if (st->flag_namespace) {
        set_namespace(first, cfg, st->flag_namespace, "--namespace", NULL);
    } else if (m.ns) {
        const char *field = kf_config_field_path(m.ns_from, K_NAMESPACE);
        set_namespace(m.ns_from, cfg, m.ns, field, field);
    }

    if (m.federates_from)
        kf_config_federates(m.federates_from, cfg);
    free(ls);
    return m.failed ? -1 : 0;
}

int kf_option_value(int argc, char **argv, int *i, const char *name,
                    const char **value)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=' || (a[n] && name[1] != '-')) {
        *value = a + n + (a[n] == '=');
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}
