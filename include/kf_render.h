/* kf_render.h - one ClusterSPIFFEID per rendered binding (SPEC section 5).
 *
 * Every string placed in the output has been validated by kf_identity.h
 * rules before it gets here; the emitter quotes what YAML could mistype.
 */
#ifndef KF_RENDER_H
#define KF_RENDER_H

#include <stdbool.h>

#include "kf_buf.h"
#include "kf_config.h"
#include "kf_emit.h"
#include "kf_resolve.h"

/* Append the ClusterSPIFFEID of binding b (whose pool is p) to out, as a
 * YAML block mapping or one-line JSON, without a trailing newline, where
 * entry_col says (kf_emit_open_at()). */
int kf_render_binding(const kf_binding *b, const kf_pool *p, const kf_config *cfg,
                      bool json, long entry_col, kf_buf *out);

/* The SVID options of cfg as keys of the open mapping, in this order and
 * only those given (SPEC section 14): ttl, jwtTtl, federatesWith,
 * autoPopulateDNSNames. */
void kf_render_svid_options(kf_emit *e, const kf_config *cfg);

/* The kpt path of the generated file: "<binding dir>/clusterspiffeid-<name>.yaml",
 * or empty when the binding has no path. */
int kf_render_path(const kf_binding *b, kf_buf *out);

#endif
