/* spire_check.c - will SPIRE issue each identity, and is it the only one?
 * (kf_spire.h, SPEC section 15)
 *
 * Per rendered binding, with SCM's configuration in the input: is its
 * className one SCM reconciles (ClassNotReconciled), does an
 * ignoreNamespaces pattern match its namespace (NamespaceIgnored), is its
 * trust domain SCM's (TrustDomainMismatch). Then, for a binding whose
 * identity SCM will issue, with foreign ClusterSPIFFEIDs in the input: the
 * templates that receive it (section 11) and what else SCM gives their
 * pods: a second SVID from a non-fallback ClusterSPIFFEID (ExtraIdentity),
 * or a fallback identity this one replaces (FallbackReplaced, info).
 * Severity follows workloadCheck; under `off` nothing is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_spirecheck.h"

/* ---- SCM's rules ---------------------------------------------------------- */

/* reconcileClass() of SCM v0.6.6 pkg/spireentry/reconciler.go. */
static bool reconciles_class(const kf_scm *c, const char *class_name)
{
    return (!class_name[0] && c->watch_classless) || strcmp(class_name, c->class_name) == 0;
}

/* The ignoreNamespaces pattern that matches ns, or -1. Namespaces come in
 * runs (templates, bindings): the last answer is kept. */
static int ignoring_pattern(kf_spire_state *st, const char *ns)
{
    const kf_scm *c = st->scm;
    if (!c)
        return -1;
    if (st->last_ns && strcmp(st->last_ns, ns) == 0)
        return st->last_pattern;
    st->last_ns = ns;
    st->last_pattern = -1;
    for (size_t i = 0; i < c->nignore && st->last_pattern < 0; i++)
        if (kf_regex_search(c->re[i], ns) == 1)
            st->last_pattern = (int)i;
    return st->last_pattern;
}

static bool ignored_ns(kf_spire *sp, const char *ns)
{
    return ignoring_pattern(sp->st, ns) >= 0;
}

/* ---- messages ---------------------------------------------------------------- */

typedef struct checker {
    kf_spire *sp;
    const kf_config *cfg;
    const kf_plan *plan;
    const kf_workloads *w;
    kf_results *rs;
    enum kf_severity sev;
    kf_buf msg, where;
} checker;

/* "ConfigMap spire-server/spire-controller-manager key
 * controller-manager-config.yaml (file:index)" */
static int scm_where(const kf_scm *c, kf_buf *out)
{
    char where[600];
    kf_ref_where(&c->ref, where, sizeof where);
    return kf_buf_printf(out, "%s %s%s%s%s%s (%s)", c->ref.kind, c->ref.namespace,
                         c->ref.namespace[0] ? "/" : "", c->ref.name,
                         c->key ? " key " : "", c->key ? c->key : "", where);
}

/* ", so Deployment llm-d/a (containers ...) gets no SVID from it" */
static int receivers_clause(checker *k, size_t i, const char *what)
{
    if (!k->w->recv_count || !k->w->recv_count[i])
        return 0;
    return kf_buf_printf(&k->msg, "; %s ", what) < 0 ||
           kf_receivers_text(k->w, i, KF_WORKLOADS_NAMED, &k->msg) < 0
               ? -1 : 0;
}

static int add(checker *k, const kf_binding *b, enum kf_severity sev, enum kf_reason r,
               const char *field)
{
    int rc = kf_results_add(k->rs, &b->ref, sev, r, field, "%s", k->msg.data ? k->msg.data : "");
    kf_buf_clear(&k->msg);
    kf_buf_clear(&k->where);
    return rc;
}

static int class_not_reconciled(checker *k, size_t i, const kf_scm *c)
{
    const kf_binding *b = &k->plan->bindings[i];
    const char *mine = k->cfg->class_name;
    if (scm_where(c, &k->where) < 0 ||
        kf_buf_printf(&k->msg, "ClusterSPIFFEID %s (spiffeIDTemplate %s) ", b->csid_name,
                      b->spiffe_id) < 0 ||
        (mine[0] ? kf_buf_printf(&k->msg, "has className \"%s\"", mine)
                 : kf_buf_puts(&k->msg, "has no className")) < 0 ||
        kf_buf_printf(&k->msg, ", and SPIRE Controller Manager (%s) reconciles only ",
                      k->where.data) < 0 ||
        (!c->class_name[0]
             ? kf_buf_puts(&k->msg, "classless ClusterSPIFFEIDs (it sets no className)")
             : kf_buf_printf(&k->msg, "className \"%s\"%s", c->class_name,
                             c->watch_classless
                                 ? " and classless ones"
                                 : ", not classless ones (watchClassless is false)")) < 0 ||
        kf_buf_puts(&k->msg, ": the identity is never issued") < 0 ||
        receivers_clause(k, i, "its workloads get no SVID from it:") < 0)
        return -1;
    int rc = c->class_name[0]
                 ? kf_buf_printf(&k->msg,
                                 ". Set clusterSPIFFEIDClassName: %s in the functionConfig "
                                 "(or --class-name %s)", c->class_name, c->class_name)
                 : kf_buf_puts(&k->msg, ". Remove clusterSPIFFEIDClassName from the "
                                        "functionConfig: this SPIRE Controller Manager "
                                        "reconciles classless ClusterSPIFFEIDs");
    return rc < 0 ? -1 : add(k, b, k->sev, KF_R_CLASS_NOT_RECONCILED, NULL);
}

static int namespace_ignored(checker *k, size_t i, const kf_scm *c, int p)
{
    const kf_binding *b = &k->plan->bindings[i];
    const char *pat = c->ignore[p], *ns = b->ref.namespace;
    if (scm_where(c, &k->where) < 0 ||
        kf_buf_printf(&k->msg,
                      "namespace %s matches ignoreNamespaces entry \"%s\" of SPIRE "
                      "Controller Manager (%s)%s; the entries are regular expressions "
                      "matched anywhere in the name, and SCM creates no entry in a "
                      "namespace they match, so ClusterSPIFFEID %s (spiffeIDTemplate %s) "
                      "is never issued", ns, pat, k->where.data,
                      c->ignore_given ? "" : ", one of SCM's defaults as the "
                                             "configuration does not set ignoreNamespaces",
                      b->csid_name, b->spiffe_id) < 0 ||
        receivers_clause(k, i, "its workloads get no SVID from it:") < 0)
        return -1;
    /* a plain name matched inside a longer one: anchoring it is the fix */
    bool plain = strspn(pat, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(pat);
    int rc = plain && strcmp(pat, ns) != 0
                 ? kf_buf_printf(&k->msg, ". Anchor the entry (\"^%s$\") in ignoreNamespaces, "
                                          "or deploy to a namespace it does not match",
                                 pat)
                 : kf_buf_puts(&k->msg, ". Deploy to a namespace SCM does not ignore, or "
                                        "change the entry in ignoreNamespaces");
    return rc < 0 ? -1 : add(k, b, k->sev, KF_R_NAMESPACE_IGNORED, "metadata.namespace");
}

static int trust_domain_mismatch(checker *k, size_t i, const kf_scm *c)
{
    const kf_binding *b = &k->plan->bindings[i];
    if (scm_where(c, &k->where) < 0 ||
        kf_buf_printf(&k->msg,
                      "trustDomain %s is not SPIRE Controller Manager's trustDomain %s "
                      "(%s): SCM renders no entry for ClusterSPIFFEID %s (spiffeIDTemplate "
                      "%s)", k->cfg->trust_domain, c->trust_domain, k->where.data,
                      b->csid_name, b->spiffe_id) < 0 ||
        receivers_clause(k, i, "its workloads get no SVID from it:") < 0 ||
        kf_buf_printf(&k->msg, ". Set trustDomain: %s in the functionConfig (or "
                               "--trust-domain %s)", c->trust_domain, c->trust_domain) < 0)
        return -1;
    return add(k, b, k->sev, KF_R_TRUST_DOMAIN_MISMATCH, NULL);
}

/* "ClusterSPIFFEID spire-server-spire-default (spiffeIDTemplate ..., file:index)" */
static int foreign_text(const kf_foreign *f, kf_buf *out)
{
    char where[600];
    kf_ref_where(&f->ref, where, sizeof where);
    return kf_buf_printf(out, "ClusterSPIFFEID %s (spiffeIDTemplate %s, %s)", f->ref.name,
                         f->spiffe_id, where);
}

/* A selector that leaves the binding's workloads out: the pool's first
 * label, which they carry. */
static int exclusion_advice(checker *k, const kf_binding *b, const kf_foreign *f)
{
    const kf_pool *p = &k->plan->pools[b->pool];
    if (kf_buf_printf(&k->msg,
                      ". Exclude them: make %s a fallback (spec.fallback: true, as the "
                      "SPIRE Helm chart's default is), or give it a selector that leaves "
                      "the workload out", f->ref.name) < 0)
        return -1;
    if (p->nlabels && kf_buf_printf(&k->msg,
                                    " (podSelector.matchExpressions: [{key: %s, operator: "
                                    "NotIn, values: [\"%s\"]}])", p->labels[0].key,
                                    p->labels[0].value) < 0)
        return -1;
    return 0;
}

/* The foreign identities of binding i's receivers: one ExtraIdentity on
 * the first non-fallback one, one FallbackReplaced on the first fallback
 * one, each saying how many more. */
static int other_identities(checker *k, size_t i)
{
    const kf_spire *sp = k->sp;
    const kf_binding *b = &k->plan->bindings[i];
    const kf_workloads *w = k->w;
    const kf_grant *first[2] = {NULL, NULL};
    size_t count[2] = {0, 0};
    for (uint32_t r = 0; r < w->recv_count[i]; r++) {
        const kf_receiver *rv = &w->recv[w->recv_first[i] + r];
        if (r && rv->tpl == w->recv[w->recv_first[i] + r - 1].tpl)
            continue; /* another container of the same template */
        size_t g0, ng = kf_spire_grants_of(sp, rv->tpl, &g0);
        for (size_t g = g0; g < g0 + ng; g++) {
            int fb = sp->foreign[sp->grants[g].foreign].fallback ? 1 : 0;
            if (!first[fb])
                first[fb] = &sp->grants[g];
            count[fb]++;
        }
    }
    for (int fb = 0; fb < 2; fb++) {
        const kf_grant *g = first[fb];
        if (!g)
            continue;
        const kf_foreign *f = &sp->foreign[g->foreign];
        const kf_template *t = &w->tpls[g->tpl];
        if (foreign_text(f, &k->msg) < 0 ||
            kf_buf_puts(&k->msg, fb ? " is a fallback identity (fallback: true) that "
                                      "selects "
                                    : " also selects ") < 0 ||
            kf_template_where(t, &k->msg) < 0 ||
            kf_buf_printf(&k->msg,
                          fb ? ", which receives %s (ClusterSPIFFEID %s): SPIRE Controller "
                               "Manager gives its pods this identity instead, so policies "
                               "keyed on the fallback's SPIFFE ID no longer match them; "
                               "update them"
                             : ", which receives %s (ClusterSPIFFEID %s): its pods get two "
                               "SVIDs, and some workloads only handle one reliably",
                          b->spiffe_id, b->csid_name) < 0)
            return -1;
        if (g->assumed && kf_buf_printf(&k->msg,
                                        " (the input holds no Namespace %s: its "
                                        "namespaceSelector was evaluated on "
                                        "kubernetes.io/metadata.name alone)", t->ns) < 0)
            return -1;
        if (count[fb] > 1 &&
            kf_buf_printf(&k->msg, "; and %zu more such %s", count[fb] - 1,
                          count[fb] == 2 ? "pair" : "pairs") < 0)
            return -1;
        if (!fb && exclusion_advice(k, b, f) < 0)
            return -1;
        if (add(k, b, fb ? KF_SEV_INFO : k->sev,
                fb ? KF_R_FALLBACK_REPLACED : KF_R_EXTRA_IDENTITY, NULL) < 0)
            return -1;
    }
    return 0;
}

/* ---- the check ------------------------------------------------------------ */

/* Whether SCM issues binding i's identity; its findings when not. */
static int issued(checker *k, size_t i, bool *yes)
{
    const kf_scm *c = k->sp->st->scm;
    const kf_binding *b = &k->plan->bindings[i];
    *yes = true;
    if (!c)
        return 0;
    if (!reconciles_class(c, k->cfg->class_name)) {
        *yes = false;
        if (class_not_reconciled(k, i, c) < 0)
            return -1;
    }
    int p = ignoring_pattern(k->sp->st, b->ref.namespace);
    if (p >= 0) {
        *yes = false;
        if (namespace_ignored(k, i, c, p) < 0)
            return -1;
    }
    if (strcmp(k->cfg->trust_domain, c->trust_domain) != 0) {
        *yes = false;
        if (trust_domain_mismatch(k, i, c) < 0)
            return -1;
    }
    return 0;
}

int kf_check_spire(const kf_input *in, const kf_config *cfg, const kf_plan *plan,
                   const kf_workloads *w, kf_spire *sp, kf_results *rs)
{
    memset(sp, 0, sizeof *sp);
    if (cfg->workload_check == KF_CHECK_OFF)
        return 0;
    sp->checked = true;
    sp->st = calloc(1, sizeof *sp->st);
    if (!sp->st || kf_spire_read(sp, in, rs, false) < 0)
        return -1;
    const kf_scm *c = sp->st->scm;
    sp->scm_class = c ? c->class_name : "";
    sp->scm_watch_classless = c && c->watch_classless;
    for (size_t i = 0; i < sp->nforeign; i++)
        sp->foreign[i].reconciled = !c || reconciles_class(c, sp->foreign[i].class_name);
    checker k = {sp, cfg, plan, w, rs,
                 cfg->workload_check == KF_CHECK_ERROR ? KF_SEV_ERROR : KF_SEV_WARNING,
                 {0}, {0}};
    bool *yes = calloc(plan->nbindings ? plan->nbindings : 1, sizeof *yes);
    bool *kleym_tpl = calloc(w->ntpls ? w->ntpls : 1, sizeof *kleym_tpl);
    int rc = -1;
    if (!yes || !kleym_tpl)
        goto out;
    for (size_t i = 0; i < plan->nbindings; i++) {
        if (!plan->bindings[i].ok)
            continue;
        if (issued(&k, i, &yes[i]) < 0)
            goto out;
        for (uint32_t r = 0; yes[i] && r < w->recv_count[i]; r++)
            kleym_tpl[w->recv[w->recv_first[i] + r].tpl] = true;
    }
    if (sp->nforeign && kf_spire_match(sp, w, kleym_tpl, ignored_ns) < 0)
        goto out;
    for (size_t i = 0; sp->ngrants && i < plan->nbindings; i++)
        if (plan->bindings[i].ok && yes[i] && other_identities(&k, i) < 0)
            goto out;
    rc = 0;
out:
    kf_buf_free(&k.msg);
    kf_buf_free(&k.where);
    free(yes);
    free(kleym_tpl);
    return rc;
}

void kf_spire_free(kf_spire *sp)
{
    kf_spire_state_free(sp->st);
    free(sp->foreign);
    free(sp->grants);
    memset(sp, 0, sizeof *sp);
}
