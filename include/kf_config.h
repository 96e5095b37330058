/* kf_config.h - the function's settings: flags > functionConfig > env.
 *
 * Two functionConfig forms are accepted: a v1 ConfigMap (data.*) as kpt
 * builds from a Kptfile configMap: or from `key=value` arguments, and the
 * typed fn.kleym.sonda.red/v1alpha1 ClusterSPIFFEIDGenerator (spec.*) that
 * kustomize transformers and kpt configPath: use.
 */
#ifndef KF_CONFIG_H
#define KF_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "kf_read.h"
#include "kf_results.h"
#include "kleym.h"

/* A functionConfig: in's own (in->has_fc; an input without one gives
 * nothing) or, from_item, item `item` of in (a ClusterSPIFFEIDGenerator
 * among the items); and where it is when it carries no path annotation of
 * its own (inspect: a Kptfile, a file): its results' file and index, or
 * NULL. Everything is borrowed from in. */
typedef struct kf_config_source {
    const kf_input *in;
    const char *origin, *origin_index;
    bool from_item;
    size_t item;
} kf_config_source;

/* workloadCheck: what workload findings are (SPEC section 11). */
enum kf_workload_check { KF_CHECK_WARN, KF_CHECK_ERROR, KF_CHECK_OFF };

typedef struct kf_config {
    char trust_domain[256];   /* empty: missing or invalid */
    char class_name[254];     /* empty: classless */
    char namespace[64];       /* where namespace-less items are applied;
                               * empty: not configured */
    bool namespace_selector;  /* default true */
    bool keep_bindings;       /* bindings: keep */
    uint8_t workload_check;   /* enum kf_workload_check, default warn */
    /* SVID options (SPEC section 14), copied to every ClusterSPIFFEID;
     * owned; NULL (or -1) when absent. Each passed its rule (src/svid.h),
     * none of which admits '{': no option can carry a template. */
    char *ttl, *jwt_ttl;      /* Go durations > 0, as written */
    char *federates_with;     /* trust domains, sorted, unique, each + '\n' */
    signed char auto_populate_dns_names; /* -1 absent, 0 false, 1 true */
    bool options_invalid;     /* an SVID option, the class name or the
                               * namespace was refused: no binding renders
                               * (the pipeline withholds them all) */
} kf_config;

/* Fill cfg from the settings and the functionConfig sources (at least
 * one), in precedence order: each setting comes from the flag, else the
 * first source that gives it (valid or not: neither a later source nor the
 * environment hides an invalid value), else the environment. The function
 * has one source, its input; inspect may have a ResourceList file's, a
 * Kptfile's and a generator's (SPEC section 12).
 * Every source's problems are added to rs, on that source. Returns 0, or
 * -1 when memory runs out. Release with kf_config_free(), either way. */
int kf_config_load(const kf_config_source *srcs, size_t nsrcs,
                   const kf_settings *settings, kf_config *cfg, kf_results *rs);
void kf_config_free(kf_config *cfg);
/* Whether any SVID option is given. */
bool kf_config_has_svid_options(const kf_config *cfg);

/* Whether a --trust-domain / --class-name value is acceptable. */
bool kf_config_valid_class_name(const char *s);
/* Key i of the functionConfig (0, 1, ... until NULL): its name, its
 * default (*def) and what it does (*doc), as --help lists them. */
const char *kf_config_key_doc(size_t i, const char **def, const char **doc);

/* Match argv[*i] as the option name with its value: "--name value" or
 * "--name=value", and for a short name also "-nvalue"; advances *i over a
 * separate value. 1 matched (*value set), 0 another argument, -1 the
 * value is missing. */
int kf_option_value(int argc, char **argv, int *i, const char *name,
                    const char **value);

#endif
