/* main.c - the unit tests: every group in one cmocka run, and the
 * pipeline runs the decision tests ask questions of (unit.h). */
#include "unit.h"
#include "results.h"

#include <stdio.h>
#include <stdlib.h>

static void run(unit_run *u, const char *fc, const char *items, const char *td)
{
    kf_buf text = {0};
    assert_int_equal(kf_buf_puts(&text, "apiVersion: config.kubernetes.io/v1\n"
                                        "kind: ResourceList\nitems:\n"), 0);
    assert_int_equal(kf_buf_puts(&text, items), 0);
    if (fc)
        assert_int_equal(kf_buf_printf(&text, "functionConfig:\n  apiVersion: v1\n"
                                              "  kind: ConfigMap\n  metadata: {name: c}\n"
                                              "  data: %s\n", fc), 0);
    u->buf = text.data;
    kf_settings st = {.flag_trust_domain = td};
    kf_sources src = {.settings = &st};
    kf_fatal fatal;
    int rc = kf_pipeline_run(&u->p, u->buf, text.len, &src, &fatal);
    if (rc == KF_PIPELINE_FATAL)
        fail_msg("fatal: %d:%d: %s", fatal.line, fatal.col, fatal.msg);
    assert_int_equal(rc, KF_PIPELINE_OK);
    /* the bindings' failures as results, to be asked about */
    assert_int_equal(kf_results_ungroup(&u->p.rs), 0);
}

void unit_run_items(unit_run *u, const char *fc, const char *items)
{
    run(u, fc, items, "example.org");
}

void unit_run_bare(unit_run *u, const char *items)
{
    run(u, NULL, items, NULL);
}

void unit_run_free(unit_run *u)
{
    kf_pipeline_free(&u->p);
    free(u->buf);
}

size_t unit_binding_index(const unit_run *u, const char *name)
{
    const kf_plan *plan = &u->p.plan;
    for (size_t i = 0; i < plan->nbindings; i++)
        if (strcmp(plan->bindings[i].ref.name, name) == 0)
            return i;
    fail_msg("no binding %s", name);
    return 0;
}

const kf_binding *unit_binding(const unit_run *u, const char *name)
{
    return &u->p.plan.bindings[unit_binding_index(u, name)];
}

const kf_result *unit_result(const unit_run *u, const char *name, enum kf_reason r)
{
    for (size_t i = 0; i < u->p.rs.n; i++)
        if (strcmp(u->p.rs.v[i].ref->name, name) == 0 && u->p.rs.v[i].reason == r)
            return &u->p.rs.v[i];
    return NULL;
}

size_t unit_nresults(const unit_run *u, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < u->p.rs.n; i++)
        n += strcmp(u->p.rs.v[i].ref->name, name) == 0;
    return n;
}

size_t unit_nreceivers(const unit_run *u, const char *name)
{
    const kf_workloads *w = &u->p.w;
    return w->recv_count ? w->recv_count[unit_binding_index(u, name)] : 0;
}

/* Does the result of reason r on binding name say text (want) or not
 * (!want)? Says on stderr why not when the answer is not the one wanted. */
static bool message_has(const unit_run *u, const char *name, enum kf_reason r,
                        const char *text, bool want)
{
    const kf_result *res = unit_result(u, name, r);
    if (!res) {
        print_error("%s has no result %s\n", name, kf_reason_name(r));
        return false;
    }
    kf_buf scratch = {0};
    const char *msg = kf_result_message(res, &scratch);
    bool has = msg && strstr(msg, text);
    if (has != want)
        print_error("%s: \"%s\" %s \"%s\"\n", name, msg ? msg : "",
                    want ? "does not say" : "says", text);
    kf_buf_free(&scratch);
    return has == want;
}

bool unit_says(const unit_run *u, const char *name, enum kf_reason r, const char *text)
{
    return message_has(u, name, r, text, true);
}

bool unit_says_not(const unit_run *u, const char *name, enum kf_reason r, const char *text)
{
    return message_has(u, name, r, text, false);
}

int main(void)
{
    const unit_group *groups[] = {&unit_rules, &unit_results, &unit_config,
                                  &unit_dialect, &unit_resolve, &unit_conflicts,
                                  &unit_workloads, &unit_spire, &unit_read};
    size_t n = 0;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        n += groups[g]->n;
    struct CMUnitTest *all = malloc(n * sizeof *all);
    if (!all)
        return 1;
    n = 0;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (size_t i = 0; i < groups[g]->n; i++)
            all[n++] = groups[g]->tests[i];
    int rc = _cmocka_run_group_tests("kleym-fn", all, n, NULL, NULL);
    free(all);
    return rc;
}
