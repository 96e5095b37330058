/* config.h - the configuration loader's state, shared by its parts.
 *
 * config.c reads each functionConfig source's keys (the one key table)
 * and merges the sources with the flags and the environment; config_svid.c
 * loads the SVID options' values: ttl and jwtTtl, federatesWith;
 * config_repeats.c finds the keys given more than once. Not an
 * interface for the rest of the program: that is kf_config.h.
 */
#ifndef KF_SRC_CONFIG_H
#define KF_SRC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "kf_config.h"
#include "kf_view.h"

/* The functionConfig keys; config.c's key table gives each its name and
 * its field path in the ConfigMap form (data) and the typed form (spec). */
enum key {
    K_TRUST_DOMAIN,
    K_CLASS_NAME,
    K_NAMESPACE_SELECTOR,
    K_BINDINGS,
    K_WORKLOAD_CHECK,
    K_TTL,
    K_JWT_TTL,
    K_FEDERATES_WITH,
    K_AUTO_DNS,
    K_NAMESPACE,
    K_COUNT,
    K_UNKNOWN = K_COUNT,
};

/* What the sources decide together: each setting comes from the first
 * source that gives it. */
typedef struct merge {
    kf_results *rs;
    bool given[K_COUNT];       /* by a source read so far */
    const char *td, *cls, *ns; /* trustDomain, clusterSPIFFEIDClassName,
                                * namespace */
    struct loader *td_from, *cls_from, *ns_from, *federates_from;
    const char *td_where;      /* where the effective trust domain came from */
    struct loader *td_source;  /* the source it came from, or NULL (flag, env) */
    bool failed;         /* out of memory (sticky) */
} merge;

/* One source being read. */
typedef struct loader {
    merge *m;
    const kf_input *in;
    kf_view view;
    kf_ref ref;
    const char *prefix; /* "data" or "spec" */
    int typed;          /* 0: ConfigMap (data), 1: ClusterSPIFFEIDGenerator (spec) */
    bool earlier[K_COUNT]; /* given by an earlier source: not read here */
    const kf_field *federates; /* federatesWith as given, read last */
} loader;

/* Add a result on the functionConfig. A macro, so the compiler checks
 * every format against its arguments (kf_results_add() is printf-like). */
#define report(l, sev, reason, field, ...)                                   \
    do {                                                                     \
        if (kf_results_add((l)->m->rs, &(l)->ref, (sev), (reason), (field),  \
                           __VA_ARGS__) < 0)                                 \
            (l)->m->failed = true;                                           \
    } while (0)

/* An error on an SVID option: the option is refused, and with it every
 * binding (kf_run() withholds them all), which the message says. */
#define NO_RENDER " (no binding renders while an SVID option is invalid)"
#define refuse_option(l, cfg, reason, field, fmt, ...)                       \
    do {                                                                     \
        report((l), KF_SEV_ERROR, (reason), (field), fmt NO_RENDER,          \
               __VA_ARGS__);                                                 \
        (cfg)->options_invalid = true;                                       \
    } while (0)

/* config.c: the key table */
/* The field path of key k in l's form (data.<key> or spec.<key>; for an
 * unknown key the form's root): a static string. */
const char *kf_config_field_path(const loader *l, enum key k);
/* s as a message shows it, in buf (cap bytes): cut at a character
 * boundary when it does not fit (then "..."), with quotes, backslashes and
 * control characters escaped, so a result or a stderr line stays one
 * line. Returns buf. */
const char *kf_config_shown(const char *s, char *buf, size_t cap);

/* config_svid.c: the SVID options */
/* ttl, jwtTtl: f's value into *out (owned, replacing what it held), or
 * the option refused. */
void kf_config_duration(loader *l, kf_config *cfg, const kf_field *f, enum key k,
                        char **out);
/* The typed form's federatesWith (its own schema rows, as it may be a
 * list): taken for l unless an earlier source gave it; refused when given
 * twice. */
void kf_config_typed_federates(loader *l, kf_config *cfg);
/* Check and set the federatesWith l took, once the effective trust domain
 * is known. */
void kf_config_federates(loader *l, kf_config *cfg);

/* config_repeats.c: the keys of a source's entries given more than once,
 * as texts by hash (open addressing, grown as they come, at most 3/4
 * full): each text given again, with the first key that gave it. */
typedef struct kf_key_texts {
    uint32_t *first;        /* 1 + the pool offset of its first key; 0 empty */
    uint8_t *again;         /* a bit a slot: the text came again */
    size_t nslots, ntexts;
} kf_key_texts;

/* The texts of v's entries entry_id given more than once into *rp;
 * false: out of memory. */
bool kf_find_repeats(const kf_input *in, const kf_view *v, enum kf_fid entry_id,
                     kf_key_texts *rp);
/* Whether entry f repeats an earlier entry's key. */
bool kf_is_repeat(const kf_key_texts *rp, const kf_input *in, const kf_field *f);
void kf_key_texts_free(kf_key_texts *rp);

#endif
