/* kptfile.c - a Kptfile's pipeline function that runs kleym-fn, and its
 * configuration (kf_pipeline.h). Inspect reads it from a package's Kptfile
 * file (inspect_source.c) and from the Kptfile item that `kpt fn source`
 * puts in a ResourceList (pipeline.c): one reading for both.
 */
#include "kf_pipeline.h"

#include <string.h>

#include "kf_emit.h"

/* Whether an exec path or an image names kleym-fn: its last path
 * component, without a tag or digest. */
static bool names_us(const char *s)
{
    const char *base = strrchr(s, '/');
    base = base ? base + 1 : s;
    size_t n = strcspn(base, ":@");
    return n == 8 && strncmp(base, "kleym-fn", 8) == 0;
}

bool kf_kpt_find_fn(const kf_input *in, const kf_field *f, size_t n, kf_kpt_fn *fn)
{
    size_t start = n; /* the function being read: f[start..] */
    for (size_t i = 0; i <= n; i++) {
        if (start < n && (i == n || f[i].id == KF_F_KPT_FN)) { /* it ends here */
            bool ours = false;
            fn->config_path = NULL;
            for (size_t g = start; g < i; g++) {
                if ((f[g].id == KF_F_KPT_FN_IMAGE || f[g].id == KF_F_KPT_FN_EXEC) &&
                    f[g].type == KF_V_STR && names_us(kf_field_text(in, &f[g])))
                    ours = true;
                if (f[g].id == KF_F_KPT_FN_CONFIGPATH && f[g].type == KF_V_STR)
                    fn->config_path = kf_field_text(in, &f[g]);
            }
            if (ours) {
                fn->first = &f[start];
                fn->n = i - start;
                return true;
            }
        }
        if (i < n && f[i].id == KF_F_KPT_FN)
            start = i;
    }
    return false;
}

int kf_kpt_config_map(const kf_input *in, const kf_kpt_fn *fn, kf_buf *out)
{
    kf_emit e;
    if (kf_emit_open(&e, false) < 0)
        return -1;
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "apiVersion", "v1");
    kf_emit_kv(&e, "kind", "ConfigMap");
    kf_emit_str(&e, "metadata");
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "name", "kptfile-configmap");
    kf_emit_map_end(&e);
    kf_emit_str(&e, "data");
    kf_emit_map_begin(&e);
    for (const kf_field *f = fn->first; f < fn->first + fn->n; f++)
        if (f->id == KF_F_KPT_FN_CONFIG)
            kf_emit_kv(&e, kf_field_key(in, f), kf_field_text(in, f));
    kf_emit_map_end(&e);
    kf_emit_map_end(&e);
    out->len = 0;
    return kf_emit_close(&e, out);
}
