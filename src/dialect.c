/* dialect.c - the binding dialect table (kf_dialect.h).
 *
 * The one file that spells each mode out: a row per mode, everything that
 * differs between them as data. Code elsewhere reads a row's properties.
 */
#include "kf_dialect.h"

#include <stdio.h>
#include <string.h>

static const kf_dialect dialects[KF_MODE_COUNT] = {
    [KF_MODE_POOL_ONLY] = {
        .name = "Kleym 0.7",
        .mode = "PoolOnly",
        .chosen_by = KF_F_NONE,
        .match = KF_MATCH_POOL,
        .checks = KF_FC_NO_CONTAINER | KF_FC_OBJECTIVE_IF_GIVEN,
        .name_mode = "pool",
        .id = {{"ns", KF_IDV_NAMESPACE}, {"pool", KF_IDV_POOL}},
    },
    [KF_MODE_PER_OBJECTIVE] = {
        .name = "Kleym 0.7",
        .mode = "PerObjective",
        .is_default = true,
        .chosen_by = KF_F_NONE,
        .match = KF_MATCH_CONTAINER,
        .marker_path = "spec.containerName",
        .checks = KF_FC_OBJECTIVE | KF_FC_CONTAINER,
        .name_mode = "objective",
        .id = {{"ns", KF_IDV_NAMESPACE}, {"objective", KF_IDV_OBJECTIVE}},
    },
    [KF_MODE_VARIANT] = {
        .name = "Kleym 0.12",
        .chosen_by = KF_F_BOUNDARY,
        .chosen_path = "spec.identityBoundary",
        .marker_path = "spec.identityBoundary.variant",
        .match = KF_MATCH_VARIANT,
        .checks = KF_FC_VARIANT,
        .pool_apis = 1, /* Kleym 0.12 resolves v1 pools only */
        .name_mode = "pool",
        .id = {{"ns", KF_IDV_NAMESPACE}, {"sa", KF_IDV_SERVICE_ACCOUNT},
               {"inference/pool", KF_IDV_POOL}, {"variant", KF_IDV_VARIANT}},
    },
};

const kf_dialect *kf_dialect_get(unsigned mode)
{
    return mode < KF_MODE_COUNT ? &dialects[mode] : NULL;
}

int kf_dialect_by_mode(const char *s)
{
    for (unsigned m = 0; m < KF_MODE_COUNT; m++)
        if (dialects[m].mode && strcmp(dialects[m].mode, s) == 0)
            return (int)m;
    return -1;
}

unsigned kf_dialect_default(void)
{
    unsigned m = 0;
    while (m + 1 < KF_MODE_COUNT && !dialects[m].is_default)
        m++;
    return m;
}

void kf_dialect_modes_text(char *out, size_t cap)
{
    size_t n = 0, total = 0, len = 0;
    for (unsigned m = 0; m < KF_MODE_COUNT; m++)
        total += dialects[m].mode != NULL;
    out[0] = '\0';
    for (unsigned m = 0; m < KF_MODE_COUNT && len < cap; m++) {
        if (!dialects[m].mode)
            continue;
        const char *sep = n == 0 ? "" : n + 1 == total ? " or " : ", ";
        len += (size_t)snprintf(out + len, cap - len, "%s%s", sep, dialects[m].mode);
        n++;
    }
}

int kf_dialect_pool_last(const kf_dialect *d)
{
    int all = kf_kind_api_count(KF_KC_POOL);
    return (d->pool_apis > 0 && d->pool_apis < all ? d->pool_apis : all) - 1;
}
