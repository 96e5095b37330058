/* identity.c - name rules, SPIFFE rules, identity names (kf_identity.h). */
#include "kf_identity.h"

#include <nettle/sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kf_label_cmp(const void *pa, const void *pb)
{
    return strcmp(((const kf_label *)pa)->key, ((const kf_label *)pb)->key);
}

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
    return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* '.', '-' or '_': what a trust domain and a path segment take besides
 * letters and digits (compared, not searched for with strchr(): a call
 * a byte). */
static bool dot_dash_underscore(char c)
{
    return c == '.' || c == '-' || c == '_';
}

bool kf_is_dns1123_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

bool kf_is_dns1123_subdomain(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            size_t len = i - start;
            /* each dot-separated part follows the label alphabet; k8s does
             * not cap the parts at 63 for subdomains, only the whole */
            if (len == 0 || !lower_alnum(s[start]) || !lower_alnum(s[i - 1]))
                return false;
            for (size_t k = start; k < i; k++)
                if (!lower_alnum(s[k]) && s[k] != '-')
                    return false;
            start = i + 1;
        }
    }
    return true;
}

static bool is_name_part(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!alnum(s[i]) && !strchr("-_.", s[i]))
            return false;
    return true;
}

bool kf_is_label_value(const char *s, size_t n)
{
    return n == 0 || is_name_part(s, n);
}

bool kf_is_qualified_name(const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return is_name_part(s, n);
    size_t plen = (size_t)(slash - s);
    return kf_is_dns1123_subdomain(s, plen) &&
           is_name_part(slash + 1, n - plen - 1);
}

bool kf_is_variant(const char *s, size_t n)
{
    return n > 0 && kf_is_label_value(s, n);
}

bool kf_is_trust_domain(const char *s, size_t n)
{
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!lower_alnum(s[i]) && !dot_dash_underscore(s[i]))
            return false;
    return true;
}

bool kf_is_spiffe_id(const char *s, size_t n)
{
    static const char scheme[] = "spiffe://";
    const size_t sl = sizeof scheme - 1;
    if (n > KF_MAX_SPIFFE_ID || n <= sl || memcmp(s, scheme, sl) != 0)
        return false;
    const char *td = s + sl;
    const char *slash = memchr(td, '/', n - sl);
    size_t tdlen = slash ? (size_t)(slash - td) : n - sl;
    if (!kf_is_trust_domain(td, tdlen))
        return false;
    if (!slash)
        return true;
    const char *p = slash, *end = s + n;
    while (p < end) { /* p points at a '/' */
        const char *seg = p + 1, *q = seg;
        while (q < end && *q != '/')
            q++;
        size_t len = (size_t)(q - seg);
        if (len == 0 || (len == 1 && seg[0] == '.') ||
            (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        for (const char *c = seg; c < q; c++)
            if (!alnum(*c) && !dot_dash_underscore(*c))
                return false;
        p = q;
    }
    return true;
}

void kf_sanitize(const char *in, size_t n, kf_buf *out)
{
    /* The result is never longer than in, or "kleym": room for it first,
     * then written byte by byte in place. */
    if (kf_buf_reserve(out, n > 5 ? n : 5) < 0)
        return;
    size_t mark = out->len, len = mark;
    bool pending_dash = false;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (lower_alnum(c)) {
            if (pending_dash && len > mark)
                out->data[len++] = '-';
            pending_dash = false;
            out->data[len++] = c;
        } else {
            pending_dash = true;
        }
    }
    if (len == mark) {
        memcpy(out->data + len, "kleym", 5);
        len += 5;
    }
    out->len = len;
    out->data[len] = '\0';
}

int kf_identity_name(const char *ns, const char *binding, const char *mode,
                     const char *spiffe_id, char out[KF_NAME_MAX + 1])
{
    kf_buf raw = {0}, base = {0};
    int rc = -1;
    /* sized once: no reallocation while it is made */
    if (kf_buf_reserve(&raw, strlen(ns) + strlen(binding) + 7) < 0 ||
        kf_buf_cat(&raw, "kleym-", ns, "-", binding, NULL) < 0)
        goto done;
    kf_sanitize(raw.data, raw.len, &base);
    if (!base.data)
        goto done;
    size_t max = KF_NAME_MAX - strlen(mode) - 10;
    size_t len = base.len;
    if (len > max) {
        len = max;
        while (len > 0 && base.data[len - 1] == '-')
            len--;
    }
    struct sha1_ctx ctx;
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_init(&ctx);
    sha1_update(&ctx, strlen(spiffe_id), (const uint8_t *)spiffe_id);
    sha1_digest(&ctx, sizeof digest, digest);
    static const char hex[] = "0123456789abcdef";
    char h[9];
    for (int i = 0; i < 4; i++) {
        h[2 * i] = hex[digest[i] >> 4];
        h[2 * i + 1] = hex[digest[i] & 15];
    }
    h[8] = '\0';
    /* "<base>-<mode>-<hash>", at most KF_NAME_MAX bytes */
    const char *parts[] = {base.data, "-", mode, "-", h};
    size_t lens[] = {len, 1, strlen(mode), 1, 8}, at = 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        size_t k = lens[i] < KF_NAME_MAX - at ? lens[i] : KF_NAME_MAX - at;
        memcpy(out + at, parts[i], k);
        at += k;
    }
    out[at] = '\0';
    rc = 0;
done:
    kf_buf_free(&raw);
    kf_buf_free(&base);
    return rc;
}

int kf_selectors(const char *ns, const char *sa, const kf_label *labels,
                 size_t nlabels, const char *container, kf_buf *out)
{
    /* Each selector NUL-terminated in text, sized first so the text is
     * one allocation; then sorted by pointer and written in one append
     * each. Made for every binding rendered and checked. */
    size_t n = 2 + nlabels + (container ? 1 : 0);
    size_t need = strlen("k8s:ns:") + strlen(ns) + 1 + strlen("k8s:sa:") + strlen(sa) + 1;
    for (size_t i = 0; i < nlabels; i++)
        need += strlen("k8s:pod-label:") + strlen(labels[i].key) + 1 +
                strlen(labels[i].value) + 1;
    if (container)
        need += strlen("k8s:container-name:") + strlen(container) + 1;
    /* on the stack for the few selectors of nearly every binding */
    size_t offs_few[16];
    const char *sel_few[16];
    size_t *offs = n <= 16 ? offs_few : malloc(n * sizeof *offs);
    const char **sel = n <= 16 ? sel_few : malloc(n * sizeof *sel);
    kf_buf text = {0};
    int rc = -1;
    if (!offs || !sel || kf_buf_reserve(&text, need) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        offs[i] = text.len;
        /* appended piece by piece: no format to parse per selector */
        int r;
        if (i == 0)
            r = kf_buf_cat(&text, "k8s:ns:", ns, NULL);
        else if (i == 1)
            r = kf_buf_cat(&text, "k8s:sa:", sa, NULL);
        else if (i - 2 < nlabels)
            r = kf_buf_cat(&text, "k8s:pod-label:", labels[i - 2].key, ":",
                           labels[i - 2].value, NULL);
        else
            r = kf_buf_cat(&text, "k8s:container-name:", container, NULL);
        if (r < 0 || kf_buf_append(&text, "", 1) < 0)
            goto out;
    }
    for (size_t i = 0; i < n; i++)
        sel[i] = text.data + offs[i];
    kf_strs_sort_unique(sel, &n);
    if (kf_buf_reserve(out, need) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(sel[i]);
        memcpy(out->data + out->len, sel[i], len);
        out->len += len;
        out->data[out->len++] = '\n';
    }
    out->data[out->len] = '\0';
    rc = 0;
out:
    if (offs != offs_few)
        free(offs);
    if (sel != sel_few)
        free((void *)sel);
    kf_buf_free(&text);
    return rc;
}
