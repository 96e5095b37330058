/* render.c - ClusterSPIFFEID documents (kf_render.h). */
#include "kf_render.h"

#include <stdlib.h>
#include <string.h>

#include "kf_emit.h"

int kf_render_path(const kf_binding *b, kf_buf *out)
{
    const char *path = b->ref.path;
    if (!path[0])
        return 0;
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    /* room made once: a new buffer grew three times for the path */
    if (kf_buf_reserve(out, dir + strlen("clusterspiffeid-") + strlen(b->csid_name) +
                                strlen(".yaml")) < 0 ||
        kf_buf_append(out, path, dir) < 0)
        return -1;
    return kf_buf_cat(out, "clusterspiffeid-", b->csid_name, ".yaml", NULL);
}

void kf_render_svid_options(kf_emit *e, const kf_config *cfg)
{
    if (cfg->ttl)
        kf_emit_kv(e, "ttl", cfg->ttl);
    if (cfg->jwt_ttl)
        kf_emit_kv(e, "jwtTtl", cfg->jwt_ttl);
    if (cfg->federates_with) {
        kf_emit_str(e, "federatesWith");
        kf_emit_seq_begin(e);
        for (const char *td = cfg->federates_with, *nl; (nl = strchr(td, '\n'));
             td = nl + 1)
            kf_emit_strn(e, td, (size_t)(nl - td));
        kf_emit_seq_end(e);
    }
    if (cfg->auto_populate_dns_names >= 0) {
        kf_emit_str(e, "autoPopulateDNSNames");
        kf_emit_bool(e, cfg->auto_populate_dns_names);
    }
}

int kf_render_binding(const kf_binding *b, const kf_pool *p, const kf_config *cfg,
                      bool json, long entry_col, kf_buf *out)
{
    kf_buf path = {0}, hint = {0}, sels = {0};
    kf_emit e;
    int rc = -1;
    kf_label pod_few[16]; /* on the stack for nearly every pool */
    kf_label *pod = p->nlabels < 16 ? pod_few : malloc((p->nlabels + 1) * sizeof *pod);
    size_t npod = pod ? kf_binding_pod_labels(b, p, pod) : 0;
    if (!pod || kf_render_path(b, &path) < 0 ||
        kf_buf_reserve(&hint, strlen(b->ref.namespace) + 1 + strlen(b->ref.name)) < 0 ||
        kf_buf_cat(&hint, b->ref.namespace, "/", b->ref.name, NULL) < 0 ||
        kf_binding_selectors_of(b, pod, npod, &sels) < 0 ||
        kf_emit_open_at(&e, json, out, entry_col) < 0)
        goto out;
    /* podSelector: with namespaceSelector, the pod labels (a variant
     * binding's variant label too, so SPIRE Controller Manager only makes
     * entries for pods that can attest); without, the operator's: the
     * pool's labels. */
    const kf_label *match = cfg->namespace_selector ? pod : p->labels;
    size_t nmatch = cfg->namespace_selector ? npod : p->nlabels;
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "apiVersion", "spire.spiffe.io/v1alpha1");
    kf_emit_kv(&e, "kind", "ClusterSPIFFEID");
    kf_emit_str(&e, "metadata");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "name", b->csid_name);
    kf_emit_str(&e, "labels");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "kleym.sonda.red/managed-by", "kleym");
    kf_emit_kv(&e, "kleym.sonda.red/binding-name", b->ref.name);
    kf_emit_kv(&e, "kleym.sonda.red/binding-namespace", b->ref.namespace);
    kf_emit_map_end(&e);
    if (path.len) {
        kf_emit_str(&e, "annotations");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "config.kubernetes.io/path", path.data);
        kf_emit_kv(&e, "internal.config.kubernetes.io/path", path.data);
        kf_emit_map_end(&e);
    }
    kf_emit_map_end(&e);

    kf_emit_str(&e, "spec");
    kf_emit_map_begin(&e);
    if (cfg->class_name[0])
        kf_emit_kv(&e, "className", cfg->class_name);
    kf_emit_kv(&e, "spiffeIDTemplate", b->spiffe_id);
    if (cfg->namespace_selector) {
        kf_emit_str(&e, "namespaceSelector");
        kf_emit_map_begin(&e);
        kf_emit_str(&e, "matchLabels");
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "kubernetes.io/metadata.name", b->ref.namespace);
        kf_emit_map_end(&e);
        kf_emit_map_end(&e);
    }
    kf_emit_str(&e, "podSelector");
    kf_emit_map_begin(&e);
    kf_emit_str(&e, "matchLabels");
    kf_emit_map_begin(&e);
    for (size_t i = 0; i < nmatch; i++)
        kf_emit_kv(&e, match[i].key, match[i].value);
    kf_emit_map_end(&e);
    kf_emit_map_end(&e);
    kf_emit_str(&e, "workloadSelectorTemplates");
    kf_emit_seq_begin(&e);
    for (const char *sel = sels.data, *nl; sel && (nl = strchr(sel, '\n'));
         sel = nl + 1)
        kf_emit_strn(&e, sel, (size_t)(nl - sel));
    kf_emit_seq_end(&e);
    kf_emit_str(&e, "fallback");
    kf_emit_bool(&e, false);
    kf_emit_kv(&e, "hint", hint.data);
    kf_render_svid_options(&e, cfg);
    kf_emit_map_end(&e); /* spec */
    kf_emit_map_end(&e); /* the ClusterSPIFFEID */
    rc = kf_emit_close(&e, out);
out:
    if (pod != pod_few)
        free(pod);
    kf_buf_free(&path);
    kf_buf_free(&hint);
    kf_buf_free(&sels);
    return rc;
}
