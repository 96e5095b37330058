/* config_svid.c - the SVID options' values as the functionConfig gives
 * them: ttl and jwtTtl (Go durations), federatesWith (trust domains,
 * checked against the effective trust domain); what a kf_config owns. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kf_buf.h"
#include "svid.h"

/* ttl, jwtTtl: a Go duration greater than zero, copied as written. */
void kf_config_duration(loader *l, kf_config *cfg, const kf_field *f, enum key k,
                        char **out)
{
    const char *path = kf_config_field_path(l, k);
    const char *t = kf_field_text(l->in, f);
    char buf[256];
    if (f->type != KF_V_STR && f->type != KF_V_NONSTR) {
        refuse_option(l, cfg, KF_R_INVALID_VALUE, path, "%s %s", path,
                      kf_field_problem(l->in, f, false, buf, sizeof buf));
        return;
    }
    const char *why = kf_ttl_problem(t, strlen(t));
    if (why) {
        refuse_option(l, cfg, KF_R_INVALID_VALUE, path,
                      "%s must be a Go duration greater than zero, such as 90s, "
                      "1h30m or 1.5h (units ns, us, ms, s, m, h): \"%s\" %s",
                      path, kf_config_shown(t, buf, sizeof buf), why);
        return;
    }
    free(*out);
    if (!(*out = strdup(t)))
        l->m->failed = true;
}

void kf_config_typed_federates(loader *l, kf_config *cfg)
{
    merge *m = l->m;
    if (l->earlier[K_FEDERATES_WITH]) {
        /* an earlier source gave it */
    } else if (l->view.dup[KF_F_FEDERATES]) {
        const char *path = kf_config_field_path(l, K_FEDERATES_WITH);
        m->given[K_FEDERATES_WITH] = true;
        refuse_option(l, cfg, KF_R_CONFIG_DUPLICATE_KEY, path, "%s is given twice", path);
    } else if ((l->federates = l->view.f[KF_F_FEDERATES])) {
        m->given[K_FEDERATES_WITH] = true;
        m->federates_from = l;
    }
}

/* Report a refused federatesWith (the message built in msg; ok false when
 * building it ran out of memory); then no binding renders. */
static void federates_invalid(loader *l, kf_config *cfg, kf_buf *msg, bool ok)
{
    if (!ok || !msg->data)
        l->m->failed = true;
    else
        refuse_option(l, cfg, KF_R_INVALID_VALUE,
                      kf_config_field_path(l, K_FEDERATES_WITH), "%s", msg->data);
    kf_buf_free(msg);
    cfg->options_invalid = true;
}

/* federatesWith: a list of trust domains (the typed form), or a
 * comma-separated string (both forms). Checked once the effective trust
 * domain is known, which it must not name. */
void kf_config_federates(loader *l, kf_config *cfg)
{
    const kf_field *f = l->federates;
    const char *path = kf_config_field_path(l, K_FEDERATES_WITH);
    kf_td_list list = {0};
    kf_buf msg = {0};
    char buf[256], val[128], ent[128];
    bool seq = l->typed && f->type == KF_V_SEQ;
    if (seq) {
        size_t idx = 0;
        for (size_t i = 0; i < l->view.nfields; i++) {
            const kf_field *e = &l->view.fields[i];
            if (e->id != KF_F_FEDERATES_ITEM || e->slot != 0)
                continue;
            const char *why = kf_field_problem(l->in, e, false, buf, sizeof buf);
            if (why) {
                federates_invalid(l, cfg, &msg, kf_buf_printf(&msg, "%s[%zu] %s",
                                                              path, idx, why) == 0);
                goto out;
            }
            const char *t = kf_field_text(l->in, e);
            if (kf_td_list_add(&list, t, strlen(t)) < 0)
                goto oom;
            idx++;
        }
    } else if (f->type == KF_V_STR) {
        const char *t = kf_field_text(l->in, f);
        if (kf_td_list_split(&list, t, strlen(t)) < 0)
            goto oom;
    } else {
        const char *why = kf_field_problem(l->in, f, false, buf, sizeof buf);
        federates_invalid(l, cfg, &msg, kf_buf_printf(&msg, "%s %s (%s)", path, why,
                          l->typed ? "a list of trust domains, or a comma-separated string"
                                   : "a comma-separated string of trust domains") == 0);
        goto out;
    }
    const char *why;
    size_t bad;
    if (kf_td_list_check(&list, cfg->trust_domain, &why, &bad) < 0)
        goto oom;
    if (why) {
        /* the key, which entry, the entry, the rule; for the own trust
         * domain also where that comes from */
        bool ok = kf_buf_puts(&msg, path) == 0;
        if (bad < list.n) {
            const char *e = kf_td_list_get(&list, bad);
            if (seq)
                ok = ok && kf_buf_printf(&msg, "[%zu]", bad) == 0;
            else
                ok = ok && kf_buf_printf(&msg, " entry %zu of \"%s\"", bad + 1,
                                         kf_config_shown(kf_field_text(l->in, f),
                                                         val, sizeof val)) == 0;
            if (e[0])
                ok = ok && kf_buf_printf(&msg, ": \"%s\"",
                                         kf_config_shown(e, ent, sizeof ent)) == 0;
            ok = ok && kf_buf_printf(&msg, " %s", why) == 0;
            const loader *src = l->m->td_source;
            if (e[0] && l->m->td_where && strcmp(e, cfg->trust_domain) == 0)
                ok = ok && kf_buf_printf(&msg, " (the trust domain comes from %s%s%s)",
                                         l->m->td_where,
                                         src && src != l && src->ref.path[0] ? " of " : "",
                                         src && src != l && src->ref.path[0] ? src->ref.path
                                                                            : "") == 0;
        } else {
            ok = ok && kf_buf_printf(&msg, " %s", why) == 0;
        }
        federates_invalid(l, cfg, &msg, ok);
    } else {
        if (kf_td_list_join(&list, &msg) < 0)
            goto oom;
        cfg->federates_with = msg.data; /* owned by cfg now */
        msg.data = NULL;
    }
    goto out;
oom:
    l->m->failed = true;
out:
    kf_buf_free(&msg);
    kf_td_list_free(&list);
}

bool kf_config_has_svid_options(const kf_config *cfg)
{
    return cfg->ttl || cfg->jwt_ttl || cfg->federates_with ||
           cfg->auto_populate_dns_names >= 0;
}

void kf_config_free(kf_config *cfg)
{
    free(cfg->ttl);
    free(cfg->jwt_ttl);
    free(cfg->federates_with);
    cfg->ttl = cfg->jwt_ttl = cfg->federates_with = NULL;
}
