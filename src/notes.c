/* notes.c - what a run says on stderr besides its results (kf_notes.h):
 * what it takes away, and what it had nothing to do with.
 *
 * Removed identities (SPEC section 7).
 * Every ClusterSPIFFEID labeled kleym.sonda.red/managed-by: kleym is
 * dropped from the output and made again from its binding. When no binding
 * makes it again under its name, an identity goes away, and that must
 * never be silent: kpt deletes its file, and a kustomize overlay that runs
 * kleym-fn over a base whose bindings were dropped (bindings: local-config)
 * would remove every identity of the base. One line on stderr for each
 * such ClusterSPIFFEID says what became of it: its binding renders under
 * another name (its SPIFFE ID or mode changed), or does not render (its
 * own results say why), or no binding of the input is the one its labels
 * name (with what to do in the overlay case). Not a result: the output,
 * read again, no longer holds the ClusterSPIFFEID, and a result about it
 * would make the function's output differ from its output's output
 * (SPEC section 7: idempotent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_notes.h"
#include "kf_results.h"

/* Bindings by namespace, then name (the order the plan keeps them in). */
static int cmp_binding_name(const void *pa, const void *pb)
{
    const kf_binding *a = pa, *b = pb;
    int c = strcmp(a->ref.namespace, b->ref.namespace);
    return c ? c : strcmp(a->ref.name, b->ref.name);
}

/* The binding named ns/name, or NULL. */
static const kf_binding *find_binding(const kf_plan *plan, const char *ns, const char *name)
{
    kf_binding key = {.ref = {.namespace = ns, .name = name}};
    return bsearch(&key, plan->bindings, plan->nbindings, sizeof key, cmp_binding_name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_removed(const void *pa, const void *pb)
{
    const kf_removed *a = *(const kf_removed *const *)pa, *b = *(const kf_removed *const *)pb;
    int c = strcmp(a->ref.name, b->ref.name);
    return c ? c : a->ref.position < b->ref.position ? -1 : a->ref.position > b->ref.position;
}

static void note(const kf_plan *plan, const kf_removed *r, const char *prog, FILE *err)
{
    fprintf(err, "%s: note: ClusterSPIFFEID ", prog);
    kf_puts_escaped(r->ref.name, err);
    if (!r->binding_ns[0] || !r->binding_name[0]) {
        fputs(" is labeled kleym.sonda.red/managed-by: kleym, names no binding (labels "
              "kleym.sonda.red/binding-namespace and binding-name) and no binding "
              "renders it: it is removed from the output; take the label off a "
              "ClusterSPIFFEID kleym-fn must not manage\n", err);
        return;
    }
    const kf_binding *b = find_binding(plan, r->binding_ns, r->binding_name);
    fputs(", rendered earlier for binding ", err);
    kf_puts_escaped(r->binding_ns, err);
    fputc('/', err);
    kf_puts_escaped(r->binding_name, err);
    if (b && b->ok) {
        fputs(", is removed: the binding now renders ", err);
        kf_puts_escaped(b->csid_name, err);
        fputc('\n', err);
    } else if (b) {
        fputs(", is removed: the binding does not render (its results say why)\n", err);
    } else {
        fputs(", is removed: that binding is not in the input (kpt deletes the file). "
              "If it is in a kustomize base whose output drops bindings (bindings: "
              "local-config), run kleym-fn in the base only (docs/kustomize.md, Bases "
              "and overlays)\n", err);
    }
}

size_t kf_note_removed(const kf_plan *plan, const char *prog, FILE *err)
{
    if (plan->nremoved == 0)
        return 0;
    /* The names rendered now, and the removed by name: each name once,
     * whatever the number of stale copies. */
    const char **made = malloc((plan->nbindings + 1) * sizeof *made);
    const kf_removed **gone = malloc(plan->nremoved * sizeof *gone);
    size_t nmade = 0, n = 0;
    if (!made || !gone) {
        fprintf(err, "%s: note: out of memory listing removed ClusterSPIFFEIDs\n", prog);
        goto out;
    }
    for (size_t i = 0; i < plan->nbindings; i++)
        if (plan->bindings[i].ok)
            made[nmade++] = plan->bindings[i].csid_name;
    qsort(made, nmade, sizeof *made, cmp_str);
    for (size_t i = 0; i < plan->nremoved; i++)
        gone[i] = &plan->removed[i];
    qsort(gone, plan->nremoved, sizeof *gone, cmp_removed);
    for (size_t i = 0; i < plan->nremoved; i++) {
        const kf_removed *r = gone[i];
        if ((i > 0 && strcmp(gone[i - 1]->ref.name, r->ref.name) == 0) ||
            bsearch(&r->ref.name, made, nmade, sizeof *made, cmp_str))
            continue;
        note(plan, r, prog, err);
        n++;
    }
out:
    free(made);
    free(gone);
    return n;
}

void kf_note_unbound(const kf_plan *plan, FILE *err)
{
    if (plan->nbindings > 0 || plan->npools == 0)
        return;
    fprintf(err, "kleym-fn: note: the input holds %zu InferencePool%s and no "
            "InferenceIdentityBinding, so no identity is rendered. In a kustomize "
            "overlay, bindings that a base marks config.kubernetes.io/local-config "
            "are gone before kleym-fn runs (docs/kustomize.md, Bases and overlays)\n",
            plan->npools, plan->npools == 1 ? "" : "s");
}

void kf_note_empty(const kf_input *in, size_t len, FILE *err)
{
    if (in->rlist || in->nitems)
        return;
    fprintf(err, "kleym-fn: note: stdin holds no resource (%zu bytes read), so "
            "nothing was checked or rendered; kpt and kustomize always send a "
            "ResourceList, so the command that feeds kleym-fn most likely produced "
            "nothing\n", len);
}
