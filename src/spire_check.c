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
 * Whether SCM issues a binding's identity is decided once per binding
 * (kf_spire_refusal()): the fallback masking, the findings and inspect's
 * workload view all read that verdict. Severity follows workloadCheck;
 * under `off` nothing is checked. A foreign ClusterSPIFFEID that could not
 * be checked against a template receiving a Kleym identity, for want of a
 * Namespace item, gets one UnreadableSpireConfig warning saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spire.h"

/* ---- SCM's rules ---------------------------------------------------------- */

/* reconcileClass() of SCM v0.6.6 pkg/spireentry/reconciler.go. */
static bool reconciles_class(const kf_scm *c, const char *class_name)
{
    return (!class_name[0] && c->watch_classless) || strcmp(class_name, c->class_name) == 0;
}

int kf_spire_ignoring(const kf_spire_state *st, const char *ns)
{
    const kf_scm *c = st->scm;
    for (size_t i = 0; c && i < c->nignore; i++)
        if (kf_regex_search(c->re[i], ns) == 1)
            return (int)i;
    return -1;
}

enum kf_reason kf_spire_refusal(const kf_spire *sp, size_t i)
{
    return sp->st && sp->st->verdicts ? (enum kf_reason)sp->st->verdicts[i].refusal
                                      : KF_R_COUNT;
}

/* ---- messages, made when written --------------------------------------- */

/* "; its workloads get no SVID from it: Deployment llm-d/a (container c)" */
static int receivers_clause(const kf_spire *sp, size_t i, kf_buf *out)
{
    if (!sp->w->recv_count || !sp->w->recv_count[i])
        return 0;
    return kf_buf_puts(out, "; its workloads get no SVID from it: ") < 0 ||
                   kf_receivers_text(sp->w, i, KF_WORKLOADS_NAMED, out) < 0
               ? -1 : 0;
}

static int class_not_reconciled(const kf_spire *sp, const kf_note *n, kf_buf *out)
{
    const kf_scm *c = sp->st->scm;
    const kf_binding *b = &sp->plan->bindings[n->binding];
    const char *mine = sp->cfg->class_name;
    if (kf_buf_printf(out, "ClusterSPIFFEID %s (spiffeIDTemplate %s) ", b->csid_name,
                      b->spiffe_id) < 0 ||
        (mine[0] ? kf_buf_printf(out, "has className \"%s\"", mine)
                 : kf_buf_puts(out, "has no className")) < 0 ||
        kf_buf_puts(out, ", and SPIRE Controller Manager (") < 0 ||
        kf_scm_where(&c->ref, c->key, out) < 0 ||
        kf_buf_puts(out, ") reconciles only ") < 0 ||
        (!c->class_name[0]
             ? kf_buf_puts(out, "classless ClusterSPIFFEIDs (it sets no className)")
             : kf_buf_printf(out, "className \"%s\"%s", c->class_name,
                             c->watch_classless
                                 ? " and classless ones"
                                 : ", not classless ones (watchClassless is false)")) < 0 ||
        kf_buf_puts(out, ": the identity is never issued") < 0 ||
        receivers_clause(sp, n->binding, out) < 0)
        return -1;
    return c->class_name[0]
               ? kf_buf_printf(out,
                               ". Set clusterSPIFFEIDClassName: %s in the functionConfig "
                               "(or --class-name %s)", c->class_name, c->class_name)
               : kf_buf_puts(out, ". Remove clusterSPIFFEIDClassName from the "
                                  "functionConfig: this SPIRE Controller Manager "
                                  "reconciles classless ClusterSPIFFEIDs");
}

static int namespace_ignored(const kf_spire *sp, const kf_note *n, kf_buf *out)
{
    const kf_scm *c = sp->st->scm;
    const kf_binding *b = &sp->plan->bindings[n->binding];
    const char *pat = c->ignore[n->which], *ns = b->ref.namespace;
    if (kf_buf_printf(out, "namespace %s matches ignoreNamespaces entry \"%s\" of SPIRE "
                           "Controller Manager (", ns, pat) < 0 ||
        kf_scm_where(&c->ref, c->key, out) < 0 ||
        kf_buf_printf(out,
                      ")%s; the entries are regular expressions matched anywhere in the "
                      "name, and SCM creates no entry in a namespace they match, so "
                      "ClusterSPIFFEID %s (spiffeIDTemplate %s) is never issued",
                      c->ignore_given ? "" : ", one of SCM's defaults as the "
                                             "configuration does not set ignoreNamespaces",
                      b->csid_name, b->spiffe_id) < 0 ||
        receivers_clause(sp, n->binding, out) < 0)
        return -1;
    /* a plain name matched inside a longer one: anchoring it is the fix */
    bool plain = strspn(pat, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(pat);
    return plain && strcmp(pat, ns) != 0
               ? kf_buf_printf(out, ". Anchor the entry (\"^%s$\") in ignoreNamespaces, "
                                    "or deploy to a namespace it does not match", pat)
               : kf_buf_puts(out, ". Deploy to a namespace SCM does not ignore, or "
                                  "change the entry in ignoreNamespaces");
}

static int trust_domain_mismatch(const kf_spire *sp, const kf_note *n, kf_buf *out)
{
    const kf_scm *c = sp->st->scm;
    const kf_binding *b = &sp->plan->bindings[n->binding];
    if (kf_buf_printf(out, "trustDomain %s is not SPIRE Controller Manager's trustDomain "
                           "%s (", sp->cfg->trust_domain, c->trust_domain) < 0 ||
        kf_scm_where(&c->ref, c->key, out) < 0 ||
        kf_buf_printf(out, "): SCM renders no entry for ClusterSPIFFEID %s (spiffeIDTemplate "
                           "%s)", b->csid_name, b->spiffe_id) < 0 ||
        receivers_clause(sp, n->binding, out) < 0)
        return -1;
    return kf_buf_printf(out, ". Set trustDomain: %s in the functionConfig (or "
                              "--trust-domain %s)", c->trust_domain, c->trust_domain);
}

/* ExtraIdentity or FallbackReplaced: the note's first grant, and how many
 * more of its kind binding's receivers have. */
static int other_identity(const kf_spire *sp, const kf_note *n, kf_buf *out)
{
    const kf_binding *b = &sp->plan->bindings[n->binding];
    const kf_grant *g = &sp->grants[n->which];
    const kf_foreign *f = &sp->foreign[g->foreign];
    const kf_template *t = &sp->w->tpls[g->tpl];
    bool fb = f->fallback;
    char where[600];
    kf_ref_where(&f->ref, where, sizeof where);
    if (kf_buf_printf(out, "ClusterSPIFFEID %s (spiffeIDTemplate %s, %s) %s", f->ref.name,
                      f->spiffe_id, where,
                      fb ? "is a fallback identity (fallback: true) that selects "
                         : "also selects ") < 0 ||
        kf_template_where(t, out) < 0 ||
        kf_buf_printf(out,
                      fb ? ", which receives %s (ClusterSPIFFEID %s): SPIRE Controller "
                           "Manager gives its pods this identity instead, so policies "
                           "keyed on the fallback's SPIFFE ID no longer match them; "
                           "update them"
                         : ", which receives %s (ClusterSPIFFEID %s): its pods get two "
                           "SVIDs, and some workloads only handle one reliably",
                      b->spiffe_id, b->csid_name) < 0)
        return -1;
    if (g->assumed && kf_buf_printf(out,
                                    " (the input holds no Namespace %s: its "
                                    "namespaceSelector was evaluated on "
                                    "kubernetes.io/metadata.name alone)", t->ref.namespace) < 0)
        return -1;
    if (n->more && kf_buf_printf(out, "; and %u more such %s", (unsigned)n->more,
                                 n->more == 1 ? "pair" : "pairs") < 0)
        return -1;
    if (fb)
        return 0;
    /* how to exclude them: the pool's first label, which they carry */
    const kf_pool *p = &sp->plan->pools[b->pool];
    if (kf_buf_printf(out,
                      ". Exclude them: make %s a fallback (spec.fallback: true, as the "
                      "SPIRE Helm chart's default is), or give it a selector that leaves "
                      "the workload out", f->ref.name) < 0)
        return -1;
    return p->nlabels ? kf_buf_printf(out,
                                      " (podSelector.matchExpressions: [{key: %s, operator: "
                                      "NotIn, values: [\"%s\"]}])", p->labels[0].key,
                                      p->labels[0].value)
                      : 0;
}

/* kf_result_text_fn: the message of a note. */
static int note_message(const void *arg, kf_buf *out)
{
    const kf_note *n = arg;
    const kf_spire *sp = n->sp;
    switch ((enum kf_reason)n->reason) {
    case KF_R_CLASS_NOT_RECONCILED:
        return class_not_reconciled(sp, n, out);
    case KF_R_NAMESPACE_IGNORED:
        return namespace_ignored(sp, n, out);
    case KF_R_TRUST_DOMAIN_MISMATCH:
        return trust_domain_mismatch(sp, n, out);
    default:
        return other_identity(sp, n, out);
    }
}

/* The most findings one binding gets: the three of SCM's configuration,
 * ExtraIdentity and FallbackReplaced. */
#define NOTES_PER_BINDING 5

/* A finding on binding i, its message made when written from a note. The
 * notes never move (results point at them): room for every binding's is
 * made once. */
static int note(kf_spire *sp, kf_results *rs, size_t i, enum kf_reason reason,
                enum kf_severity sev, const char *field, uint32_t which, uint32_t more)
{
    if (!sp->notes) {
        sp->notes_cap = NOTES_PER_BINDING * sp->plan->nbindings;
        sp->notes = malloc((sp->notes_cap ? sp->notes_cap : 1) * sizeof *sp->notes);
        if (!sp->notes)
            return -1;
    }
    if (sp->nnotes == sp->notes_cap)
        return -1; /* more than a binding can get: never */
    kf_note *n = &sp->notes[sp->nnotes++];
    *n = (kf_note){sp, (uint32_t)i, which, more, (uint8_t)reason};
    return kf_results_add_text(rs, &sp->plan->bindings[i].ref, sev, reason, field,
                               note_message, n);
}

/* The foreign identities of binding i's receivers: one ExtraIdentity on
 * the first non-fallback one, one FallbackReplaced on the first fallback
 * one, each counting the others. */
static int other_identities(kf_spire *sp, kf_results *rs, size_t i, enum kf_severity sev)
{
    const kf_workloads *w = sp->w;
    size_t first[2] = {SIZE_MAX, SIZE_MAX}, count[2] = {0, 0};
    for (uint32_t r = 0; r < w->recv_count[i]; r++) {
        const kf_receiver *rv = &w->recv[w->recv_first[i] + r];
        if (r && rv->tpl == w->recv[w->recv_first[i] + r - 1].tpl)
            continue; /* another container of the same template */
        size_t g0, ng = kf_spire_grants_of(sp, rv->tpl, &g0);
        for (size_t g = g0; g < g0 + ng; g++) {
            int fb = sp->foreign[sp->grants[g].foreign].fallback ? 1 : 0;
            if (first[fb] == SIZE_MAX)
                first[fb] = g;
            count[fb]++;
        }
    }
    for (int fb = 0; fb < 2; fb++)
        if (count[fb] &&
            note(sp, rs, i, fb ? KF_R_FALLBACK_REPLACED : KF_R_EXTRA_IDENTITY,
                 fb ? KF_SEV_INFO : sev, NULL, (uint32_t)first[fb],
                 (uint32_t)(count[fb] - 1)) < 0)
            return -1;
    return 0;
}

/* A foreign ClusterSPIFFEID whose namespaceSelector needs labels of a
 * Namespace the input does not hold, where its podSelector selects a
 * template that receives a Kleym identity: said once, on it, that the
 * check was not made (SPEC 15: "the message says so"). A warning, like the
 * other things of SPIRE's side kleym-fn cannot read. */
static int unseen(kf_spire *sp, kf_results *rs, const kf_foreign *f,
                  const uint32_t *kleym_tpl)
{
    const kf_spire_state *st = sp->st;
    const kf_template *t = &sp->w->tpls[f->unseen_tpl];
    const kf_binding *b = &sp->plan->bindings[kleym_tpl[f->unseen_tpl] - 1];
    const kf_req *reqs = st->reqs + f->first_req + f->npod;
    kf_buf keys = {0}, m = {0};
    size_t nkeys = 0;
    int rc = -1;
    /* the labels it reads besides the name, each once */
    for (uint32_t i = 0; i < f->nns; i++) {
        bool seen = strcmp(reqs[i].key, NS_NAME_LABEL) == 0;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = strcmp(reqs[j].key, reqs[i].key) == 0;
        if (!seen && kf_buf_printf(&keys, "%s%s", nkeys++ ? ", " : "", reqs[i].key) < 0)
            goto out;
    }
    if (kf_buf_printf(&m, "ClusterSPIFFEID %s: spec.namespaceSelector reads label%s %s of "
                          "namespace %s, and the input holds no Namespace %s: evaluated on "
                          NS_NAME_LABEL " alone it does not select %s, so whether it also "
                          "selects ",
                      f->ref.name, nkeys == 1 ? "" : "s", keys.data, t->ref.namespace,
                      t->ref.namespace, t->ref.namespace) < 0 ||
        kf_template_where(t, &m) < 0 ||
        kf_buf_printf(&m, ", which receives %s (ClusterSPIFFEID %s), was not checked",
                      b->spiffe_id, b->csid_name) < 0 ||
        (f->nunseen > 1 &&
         kf_buf_printf(&m, "; nor %u more such %s", (unsigned)(f->nunseen - 1),
                       f->nunseen == 2 ? "template" : "templates") < 0) ||
        kf_buf_printf(&m, ". If %s %s, %s. Add the Namespace items, with their "
                          "labels, to the input for an exact answer",
                      f->nunseen > 1 ? "their namespaces carry" : "the namespace carries",
                      nkeys == 1 ? "that label" : "those labels",
                      f->fallback ? "Kleym's identity replaces this fallback one on "
                                    "those pods (FallbackReplaced)"
                                  : "those pods get two SVIDs (ExtraIdentity)") < 0)
        goto out;
    rc = kf_results_add(rs, &f->ref, KF_SEV_WARNING, KF_R_UNREADABLE_SPIRE_CONFIG,
                        "spec.namespaceSelector", "%s", m.data);
out:
    kf_buf_free(&keys);
    kf_buf_free(&m);
    return rc;
}

/* ---- the check ------------------------------------------------------------ */

/* SCM's verdict on every rendered binding, decided once: the className
 * and trust domain are the same for all, the ignoreNamespaces entry is
 * looked up once per namespace (bindings come sorted by namespace). */
static int decide(kf_spire *sp)
{
    kf_spire_state *st = sp->st;
    const kf_scm *c = st->scm;
    const kf_plan *plan = sp->plan;
    if (!c)
        return 0;
    st->class_refused = !reconciles_class(c, sp->cfg->class_name);
    st->td_differs = strcmp(sp->cfg->trust_domain, c->trust_domain) != 0;
    st->verdicts = malloc((plan->nbindings ? plan->nbindings : 1) * sizeof *st->verdicts);
    if (!st->verdicts)
        return -1;
    const char *ns = NULL;
    int pattern = -1;
    for (size_t i = 0; i < plan->nbindings; i++) {
        const kf_binding *b = &plan->bindings[i];
        if (!b->ok) {
            st->verdicts[i] = (kf_verdict){-1, KF_R_COUNT};
            continue;
        }
        if (!ns || strcmp(ns, b->ref.namespace) != 0)
            pattern = kf_spire_ignoring(st, ns = b->ref.namespace);
        enum kf_reason why = st->class_refused ? KF_R_CLASS_NOT_RECONCILED
                             : pattern >= 0    ? KF_R_NAMESPACE_IGNORED
                             : st->td_differs  ? KF_R_TRUST_DOMAIN_MISMATCH
                                               : KF_R_COUNT;
        st->verdicts[i] = (kf_verdict){pattern, (uint8_t)why};
    }
    return 0;
}

/* Binding i's findings of SCM's configuration: why it is not issued. */
static int refusals(kf_spire *sp, kf_results *rs, size_t i, enum kf_severity sev)
{
    const kf_spire_state *st = sp->st;
    int p = st->verdicts ? st->verdicts[i].ignored_by : -1;
    if ((st->class_refused && note(sp, rs, i, KF_R_CLASS_NOT_RECONCILED, sev, NULL, 0, 0) < 0) ||
        (p >= 0 && note(sp, rs, i, KF_R_NAMESPACE_IGNORED, sev, "metadata.namespace",
                        (uint32_t)p, 0) < 0) ||
        (st->td_differs && note(sp, rs, i, KF_R_TRUST_DOMAIN_MISMATCH, sev, NULL, 0, 0) < 0))
        return -1;
    return 0;
}

int kf_check_spire(const kf_input *in, const kf_config *cfg, const kf_plan *plan,
                   const kf_workloads *w, kf_spire *sp, kf_results *rs)
{
    memset(sp, 0, sizeof *sp);
    sp->cfg = cfg;
    sp->plan = plan;
    sp->w = w;
    if (cfg->workload_check == KF_CHECK_OFF)
        return 0;
    sp->checked = true;
    sp->st = calloc(1, sizeof *sp->st);
    if (!sp->st || kf_spire_read(sp, in, rs) < 0)
        return -1;
    const kf_scm *c = sp->st->scm;
    for (size_t i = 0; i < sp->nforeign; i++)
        sp->foreign[i].reconciled = !c || reconciles_class(c, sp->foreign[i].class_name);
    if (decide(sp) < 0)
        return -1;
    uint32_t *kleym_tpl = calloc(w->ntpls ? w->ntpls : 1, sizeof *kleym_tpl);
    int rc = -1;
    if (!kleym_tpl)
        goto out;
    /* the templates an issued identity reaches mask the fallback ones */
    for (size_t i = 0; sp->nforeign && i < plan->nbindings; i++) {
        if (!plan->bindings[i].ok || kf_spire_refusal(sp, i) != KF_R_COUNT)
            continue;
        for (uint32_t r = 0; r < w->recv_count[i]; r++) {
            uint32_t *k = &kleym_tpl[w->recv[w->recv_first[i] + r].tpl];
            *k = *k ? *k : (uint32_t)i + 1;
        }
    }
    if (sp->nforeign && kf_spire_match(sp, w, kleym_tpl) < 0)
        goto out;
    for (size_t i = 0; i < sp->nforeign; i++)
        if (sp->foreign[i].nunseen && unseen(sp, rs, &sp->foreign[i], kleym_tpl) < 0)
            goto out;
    rc = 0;
out:
    free(kleym_tpl);
    return rc;
}

int kf_spire_findings(kf_spire *sp, kf_results *rs)
{
    if (!sp->checked)
        return 0;
    enum kf_severity sev =
        sp->cfg->workload_check == KF_CHECK_ERROR ? KF_SEV_ERROR : KF_SEV_WARNING;
    for (size_t i = 0; i < sp->plan->nbindings; i++) {
        if (!sp->plan->bindings[i].ok)
            continue;
        bool issued = kf_spire_refusal(sp, i) == KF_R_COUNT;
        if (refusals(sp, rs, i, sev) < 0 ||
            (issued && sp->ngrants && other_identities(sp, rs, i, sev) < 0))
            return -1;
    }
    return 0;
}

void kf_spire_free(kf_spire *sp)
{
    kf_spire_state_free(sp->st);
    free(sp->foreign);
    free(sp->grants);
    free(sp->notes);
    memset(sp, 0, sizeof *sp);
}
