/* test_rules.c - unit tests for the leaves: validators, identity strings,
 * YAML scalar typing and quoting, emitted text, the capture schema, Lists,
 * controller-set labels, the writer's pieces. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <libfyaml.h>

#include "kf_emit.h"
#include "kf_identity.h"
#include "kf_scalar.h"
#include "kf_schema.h"
#include "kf_ctrl_labels.h"
#include "kf_view.h"
#include "write_out.h"

#define S(x) x, strlen(x)

static void test_name_vectors(void **state)
{
    (void)state;
    char out[KF_NAME_MAX + 1];
    assert_int_equal(kf_identity_name("llm-d", "qwen3", "pool",
                                      "spiffe://kleym.sonda.red/ns/llm-d/pool/qwen3", out), 0);
    assert_string_equal(out, "kleym-llm-d-qwen3-pool-69fb938e");
    assert_int_equal(kf_identity_name("llm-d", "qwen3-chat", "objective",
                                      "spiffe://kleym.sonda.red/ns/llm-d/objective/qwen3-chat",
                                      out), 0);
    assert_string_equal(out, "kleym-llm-d-qwen3-chat-objective-768e9917");
    /* Kleym 0.12: the mode text is "pool" */
    assert_int_equal(kf_identity_name("llm-d", "qwen3-decode", "pool",
                                      "spiffe://kleym.sonda.red/ns/llm-d/sa/qwen3/inference/"
                                      "pool/qwen3/variant/decode", out), 0);
    assert_string_equal(out, "kleym-llm-d-qwen3-decode-pool-ebe37a51");
}

static void test_variant(void **state)
{
    (void)state;
    const char *ok[] = {"decode", "a", "A", "9", "A.b_c-1", "wide-ep",
                        "a23456789012345678901234567890123456789012345678901234567890123"};
    const char *bad[] = {"", "-a", "a-", ".a", "a_", " a", "a b", "a/b", "{{.X}}", "a:b",
                         "a234567890123456789012345678901234567890123456789012345678901234",
                         ("d\xc3\xa9" "code")};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_true(kf_is_variant(S(ok[i])));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(kf_is_variant(S(bad[i])));
    /* the 0.12 SPIFFE ID of the longest names is valid */
    char id[1200];
    snprintf(id, sizeof id, "spiffe://%s/ns/%s/sa/%s/inference/pool/%s/variant/%s", "td",
             "ns", "a.b-c", "pool.x", ok[6]);
    assert_true(kf_is_spiffe_id(S(id)));
}

static void test_name_truncation(void **state)
{
    (void)state;
    char out[KF_NAME_MAX + 1];
    /* base longer than 63 - len("objective") - 10 = 44: cut, then trim '-' */
    const char *ns = "team-a-very-long-namespace-name";
    const char *b = "x-binding-with-a-long-name";
    assert_int_equal(kf_identity_name(ns, b, "objective", "spiffe://td/ns/x/objective/y", out), 0);
    assert_true(strlen(out) <= 63);
    /* "kleym-team-a-very-long-namespace-name-x-bind" is 44 chars */
    assert_memory_equal(out, "kleym-team-a-very-long-namespace-name-x-bind-objective-", 55);
    /* a cut that ends on '-' is trimmed */
    assert_int_equal(kf_identity_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b", "pool",
                                      "spiffe://td/ns/a/pool/b", out), 0);
    /* base "kleym-aaa...a-b" is 46 > 49? no: max for pool is 49; keeps all */
    assert_memory_equal(out, "kleym-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-b-pool-", 51);
    assert_int_equal(kf_identity_name("n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-b", "pool",
                                      "spiffe://td/ns/n/pool/p", out), 0);
    /* "kleym-n-aaaa...a-b": cut at 49 lands right after the 41st 'a' + "-" */
    assert_non_null(strstr(out, "a-pool-"));
    assert_null(strstr(out, "--"));
}

static void test_sanitize(void **state)
{
    (void)state;
    struct { const char *in, *out; } v[] = {
        {"kleym-llm-d-qwen3", "kleym-llm-d-qwen3"},
        {"Kleym--A..B__c", "kleym-a-b-c"},
        {"--x--", "x"},
        {"...", "kleym"},
        {"", "kleym"},
        {"a.b.c", "a-b-c"},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        kf_buf b = {0};
        kf_sanitize(v[i].in, strlen(v[i].in), &b);
        assert_string_equal(b.data, v[i].out);
        kf_buf_free(&b);
    }
}

static void test_dns(void **state)
{
    (void)state;
    assert_true(kf_is_dns1123_label(S("llm-d")));
    assert_true(kf_is_dns1123_label(S("a")));
    assert_false(kf_is_dns1123_label(S("")));
    assert_false(kf_is_dns1123_label(S("-a")));
    assert_false(kf_is_dns1123_label(S("a-")));
    assert_false(kf_is_dns1123_label(S("A")));
    assert_false(kf_is_dns1123_label(S("a.b")));
    assert_false(kf_is_dns1123_label(S("{{x}}")));
    char l64[65];
    memset(l64, 'a', 64);
    l64[64] = 0;
    assert_false(kf_is_dns1123_label(l64, 64));
    assert_true(kf_is_dns1123_label(l64, 63));
    assert_true(kf_is_dns1123_subdomain(S("a.b-c.d")));
    assert_false(kf_is_dns1123_subdomain(S("a..b")));
    assert_false(kf_is_dns1123_subdomain(S(".a")));
    assert_false(kf_is_dns1123_subdomain(S("a_b")));
    char l254[255];
    memset(l254, 'a', 254);
    assert_false(kf_is_dns1123_subdomain(l254, 254));
    assert_true(kf_is_dns1123_subdomain(l254, 253));
}

static void test_labels(void **state)
{
    (void)state;
    assert_true(kf_is_label_value(S("")));
    assert_true(kf_is_label_value(S("v1.0_beta-2")));
    assert_false(kf_is_label_value(S(" v1")));
    assert_false(kf_is_label_value(S("v1 ")));
    assert_false(kf_is_label_value(S("-v1")));
    assert_false(kf_is_label_value(S("a{{b")));
    char v64[64];
    memset(v64, 'a', 64);
    assert_false(kf_is_label_value(v64, 64));
    assert_true(kf_is_qualified_name(S("app")));
    assert_true(kf_is_qualified_name(S("app.kubernetes.io/name")));
    assert_true(kf_is_qualified_name(S("Team_A")));
    assert_false(kf_is_qualified_name(S("/name")));
    assert_false(kf_is_qualified_name(S("Example.com/name")));
    assert_false(kf_is_qualified_name(S("a/b/c")));
    assert_false(kf_is_qualified_name(S("")));
    assert_false(kf_is_qualified_name(S("a/")));
}

static void test_trust_domain_and_spiffe_id(void **state)
{
    (void)state;
    assert_true(kf_is_trust_domain(S("kleym.sonda.red")));
    assert_true(kf_is_trust_domain(S("a_b-c.d")));
    assert_false(kf_is_trust_domain(S("")));
    assert_false(kf_is_trust_domain(S("Example.org")));
    assert_false(kf_is_trust_domain(S("spiffe://example.org")));
    assert_false(kf_is_trust_domain(S("example.org/x")));
    assert_false(kf_is_trust_domain(S("exa mple")));
    char td[257];
    memset(td, 'a', 256);
    assert_false(kf_is_trust_domain(td, 256));
    assert_true(kf_is_trust_domain(td, 255));

    assert_true(kf_is_spiffe_id(S("spiffe://td/ns/a/pool/b")));
    assert_true(kf_is_spiffe_id(S("spiffe://td")));
    assert_false(kf_is_spiffe_id(S("spiffe://td/")));
    assert_false(kf_is_spiffe_id(S("spiffe://td//a")));
    assert_false(kf_is_spiffe_id(S("spiffe://td/a/./b")));
    assert_false(kf_is_spiffe_id(S("spiffe://td/a/../b")));
    assert_false(kf_is_spiffe_id(S("spiffe://td/a b")));
    assert_false(kf_is_spiffe_id(S("spiffe://td/{{x}}")));
    assert_false(kf_is_spiffe_id(S("https://td/a")));
    assert_false(kf_is_spiffe_id(S("spiffe://TD/a")));
    char *big = malloc(2100);
    strcpy(big, "spiffe://td/");
    memset(big + 12, 'a', 2040);
    assert_false(kf_is_spiffe_id(big, 2052));
    assert_true(kf_is_spiffe_id(big, 2048));
    free(big);
}

static void test_plain_typing(void **state)
{
    (void)state;
    const char *nonstring[] = {"", "~", "null", "Null", "NULL", "y", "Y", "yes", "No",
                               "ON", "off", "true", "False", "0", "123", "-1", "+7",
                               "0x1F", "0o17", "0b101", "017", "1_000", "1.5", ".5",
                               "1e3", "1E-3", "-.inf", ".NaN", ".inf", "1:20",
                               "190:20:30.15", "2024-01-01", "2001-12-14t21:59:43.10-05:00",
                               NULL};
    for (const char **s = nonstring; *s; s++)
        assert_true(kf_plain_is_nonstring(*s, strlen(*s)));
    const char *strings[] = {"qwen3", "llm-d", "yes-please", "3b", "1.0.0", "v1",
                             "k8s:ns:x", "0x", "1e", "e3", "n/a", "True1", ".", "-",
                             "1-2", "123abc", NULL};
    for (const char **s = strings; *s; s++)
        assert_false(kf_plain_is_nonstring(*s, strlen(*s)));
}

static void test_quoting(void **state)
{
    (void)state;
    const char *plain[] = {"qwen3", "k8s:ns:llm-d", "spiffe://td/ns/a/pool/b",
                           "kleym.sonda.red/managed-by", "llm-d/qwen3", NULL};
    for (const char **s = plain; *s; s++)
        assert_true(kf_plain_is_safe(*s, strlen(*s)));
    const char *quoted[] = {"", "1", "true", "on", "null", "1e3", "y", "n", "No",
                            "3b", "1.0", "-x", "a b", "a: b", "x:", "#x", "a#b",
                            "@x", "é", "a{{b}}", NULL};
    for (const char **s = quoted; *s; s++)
        assert_false(kf_plain_is_safe(*s, strlen(*s)));
}

/* Emit {k: s} and read it back with libfyaml: the value must be s again. */
static void roundtrip(const char *s, size_t n, bool json)
{
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, s, n);
    copy[n] = '\0';
    kf_emit e;
    kf_buf out = {0};
    assert_int_equal(kf_emit_open(&e, json), 0);
    kf_emit_map_begin(&e);
    kf_emit_kv(&e, "k", copy);
    kf_emit_str(&e, "list");
    kf_emit_seq_begin(&e);
    kf_emit_str(&e, copy);
    kf_emit_seq_end(&e);
    kf_emit_map_end(&e);
    assert_int_equal(kf_emit_close(&e, &out), 0);
    struct fy_document *d = fy_document_build_from_string(NULL, out.data, out.len);
    assert_non_null(d);
    const char *paths[] = {"/k", "/list/0"};
    for (int i = 0; i < 2; i++) {
        size_t len = 0;
        struct fy_node *node = fy_node_by_path(fy_document_root(d), paths[i],
                                               (size_t)-1, FYNWF_DONT_FOLLOW);
        assert_non_null(node);
        const char *text = fy_node_get_scalar(node, &len);
        assert_non_null(text);
        assert_int_equal(len, strlen(copy));
        assert_memory_equal(text, copy, len);
        /* Quoted exactly when not plain-safe, and never across lines. */
        assert_null(memchr(out.data, '\t', out.len));
    }
    fy_document_destroy(d);
    kf_buf_free(&out);
    free(copy);
}

static void test_emit_roundtrip(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "plain", "", "yes", "on", "null", "~", "123", "0x1F", "1e3", "-x",
        "a: b", "a #b", "#x", "\"q\"", "back\\slash", "tab\there",
        "line\nbreak", "cr\rlf", "\x01\x1f\x7f", "caf\xc3\xa9",
        "nel\xc2\x85", "ls\xe2\x80\xa8ps\xe2\x80\xa9", ("\xef\xbb\xbf" "bom"),
        "c1\xc2\x9b", "emoji \xf0\x9f\x99\x82", "{{ .PodMeta.Name }}",
        "[a]", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick", " lead",
        "trail ", "k8s:ns:llm-d", "spiffe://td/ns/a/pool/b", "/abs",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        roundtrip(cases[i], strlen(cases[i]), false);
        roundtrip(cases[i], strlen(cases[i]), true);
    }
}

/* Malformed UTF-8 never reaches the output raw: it becomes U+FFFD. */
static void test_emit_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xc3", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xf8\x88\x80\x80\x80", "a\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kf_emit e;
        kf_buf out = {0};
        kf_emit_open(&e, false);
        kf_emit_map_begin(&e);
        kf_emit_kv(&e, "k", bad[i]);
        kf_emit_map_end(&e);
        assert_int_equal(kf_emit_close(&e, &out), 0);
        assert_non_null(strstr(out.data, "\\ufffd"));
        kf_buf_free(&out);
    }
}

/* The node a path of keys leads to for classes kmask ("[]": a sequence
 * element, "*": any other key), or KF_SNONE. */
static uint32_t node_at(const kf_schema *s, kf_kmask kmask, const char *const *keys)
{
    uint32_t n = 0;
    for (; *keys && n != KF_SNONE; keys++) {
        if (strcmp(*keys, "[]") == 0) {
            n = kf_schema_elem(s, n, kmask);
            continue;
        }
        uint32_t lit = kf_schema_child(s, n, *keys, strlen(*keys), kmask);
        kf_kmask wmask = kmask & ~(lit != KF_SNONE ? s->nodes[lit].mask : 0);
        n = lit != KF_SNONE ? lit : kf_schema_wild(s, n, wmask);
    }
    return n;
}

/* The field id the node captures for classes kmask, or KF_F_NONE. */
static int captured_id(const kf_schema *s, uint32_t n, kf_kmask kmask, int *slot)
{
    if (n == KF_SNONE)
        return KF_F_NONE;
    for (uint32_t c = s->nodes[n].first_capture; c != KF_SNONE; c = s->caps[c].next)
        if (s->caps[c].mask & kmask) {
            if (slot)
                *slot = s->caps[c].slot;
            return s->caps[c].id;
        }
    return KF_F_NONE;
}

#define PATH(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_schema_paths(void **state)
{
    (void)state;
    kf_schema s;
    assert_int_equal(kf_schema_compile(&s), 0);
    /* every item read names itself; the config too */
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_POOL, PATH("metadata", "name")),
                                 KF_KC_POOL, NULL), KF_F_NAME);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG,
                                             PATH("metadata", "annotations",
                                                  "config.kubernetes.io/path")),
                                 KF_KC_CONFIG, NULL), KF_F_ANN_PATH);
    /* a wildcard takes the keys no literal row names for the class */
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_POOL,
                                             PATH("spec", "selector", "matchLabels")),
                                 KF_KC_POOL, NULL), KF_F_MATCHLABELS);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_POOL, PATH("spec", "selector", "app")),
                                 KF_KC_POOL, NULL), KF_F_SEL_ENTRY);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_POOL,
                                             PATH("spec", "selector", "matchLabels", "app")),
                                 KF_KC_POOL, NULL), KF_F_ML_ENTRY);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG, PATH("spec", "poolRef")),
                                 KF_KC_CONFIG, NULL), KF_F_SPEC_ENTRY);
    /* what a class does not read is not there for it */
    assert_int_equal(node_at(&s, KF_KC_NAMESPACE, PATH("spec")), KF_SNONE);
    /* a foreign ClusterSPIFFEID's selectors: one sub-table, two slots */
    int slot = -1;
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CSID,
                                             PATH("spec", "namespaceSelector", "matchLabels",
                                                  "team")),
                                 KF_KC_CSID, &slot), KF_F_LS_LABEL);
    assert_int_equal(slot, KF_SLOT_NSSEL);
    assert_int_equal(node_at(&s, KF_KC_POOL, PATH("items")), KF_SNONE);
    assert_int_equal(s.nodes[node_at(&s, KF_KC_RLIST, PATH("items"))].act, KF_ACT_ITEMS);
    assert_int_equal(s.nodes[node_at(&s, KF_KC_BINDING, PATH("metadata"))].layout,
                     KF_LAYOUT_META);
    kf_schema_free(&s);
}

/* A List's entries are items after the top-level ones, with their place;
 * nested Lists too, and a List given as the stream's one document. */
static void test_read_lists(void **state)
{
    (void)state;
    static const char text[] =
        "{\"apiVersion\":\"v1\",\"items\":[\n"
        "  {\"kind\":\"InferencePool\",\"metadata\":{\"name\":\"p\"}},\n"
        "  {\"kind\":\"PodList\",\"items\":[{\"kind\":\"Pod\",\"metadata\":{\"name\":\"q\"}}]}\n"
        "],\"kind\":\"List\"}\n";
    kf_input in;
    kf_fatal fatal;
    assert_int_equal(kf_read(text, sizeof text - 1, NULL, &in, &fatal), 0);
    assert_int_equal(in.ntop, 1);
    assert_int_equal(in.nitems, 4);
    assert_null(kf_item_entry(&in, 0));
    assert_int_equal(kf_item_entry(&in, 1)->top, 1);
    assert_string_equal(in.pool.data + kf_item_entry(&in, 2)->entry, "items[1]");
    assert_int_equal(kf_item_entry(&in, 3)->top, 1);
    assert_string_equal(in.pool.data + kf_item_entry(&in, 3)->entry, "items[1].items[0]");
    kf_view v;
    kf_view_item(&v, &in, 3);
    assert_string_equal(kf_view_str(&v, KF_F_NAME), "q");
    assert_memory_equal(text + in.items[3].start, "{\"kind\":\"Pod\"", 13);
    char where[64];
    kf_ref r = kf_view_ref(&v, 3);
    kf_ref_where(&r, where, sizeof where);
    assert_string_equal(where, "<stdin>:0 items[1].items[0]");
    kf_input_free(&in);
}

/* Controller-set labels: runtime values match any value, names and
 * indexes must be equal or in range, and some pods are named. */
static void test_ctrl_labels(void **state)
{
    (void)state;
    kf_ctrl_pods pods = {.some = KF_PODS_ALL};
    char buf[64];
    const kf_ctrl_label *hash = kf_ctrl_find("Deployment", "pod-template-hash");
    kf_ctrl_workload d = {"Deployment", "d", 0, false, 0, 0};
    assert_non_null(hash);
    assert_true(kf_ctrl_matches(hash, &d, "anything", &pods));
    assert_null(kf_ctrl_find("Pod", "pod-template-hash"));
    assert_true(kf_ctrl_is_key("leaderworkerset.sigs.k8s.io/worker-index"));
    const kf_ctrl_label *job = kf_ctrl_find("Job", "job-name");
    kf_ctrl_workload j = {"Job", "train", 0, false, 0, 0};
    assert_true(kf_ctrl_matches(job, &j, "train", NULL));
    assert_false(kf_ctrl_matches(job, &j, "other", NULL));
    const kf_ctrl_label *wi = kf_ctrl_find("LeaderWorkerSet", "leaderworkerset.sigs.k8s.io/worker-index");
    kf_ctrl_workload lws = {"LeaderWorkerSet", "ds", 0, false, 0, 4};
    assert_true(kf_ctrl_matches(wi, &lws, "0", &pods));
    assert_string_equal(kf_ctrl_pods_text(&pods, buf, sizeof buf), "leader pod");
    assert_true(kf_ctrl_matches(wi, &lws, "3", &pods));
    assert_false(kf_ctrl_matches(wi, &lws, "4", NULL));
    assert_false(kf_ctrl_matches(wi, &lws, "03", NULL));
    lws.has_leader = true; /* a leaderTemplate: the workers are 1..3 */
    assert_false(kf_ctrl_matches(wi, &lws, "0", NULL));
    lws.slot = 1;
    assert_string_equal(kf_ctrl_exact(wi, &lws), "0");
    const kf_ctrl_label *pi = kf_ctrl_find("StatefulSet", "apps.kubernetes.io/pod-index");
    kf_ctrl_workload sts = {"StatefulSet", "s", 0, false, 0, 0}; /* replicas 1 */
    assert_true(kf_ctrl_matches(pi, &sts, "0", NULL));
    assert_false(kf_ctrl_matches(pi, &sts, "1", NULL));
    sts.replicas = -1; /* not a plain integer: no bound */
    assert_true(kf_ctrl_matches(pi, &sts, "7", NULL));
    /* every row of every workload kind: a value it can give matches, and
     * a name or index that it cannot does not */
    static const char *const kinds[] = {"Deployment", "StatefulSet", "DaemonSet", "Job",
                                        "CronJob", "LeaderWorkerSet", "Rollout"};
    size_t rows = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t i = 0;
        const kf_ctrl_label *row;
        kf_ctrl_workload wl = {kinds[k], "wl", 0, false, 0, 0};
        while ((row = kf_ctrl_row(kinds[k], &i))) {
            rows++;
            assert_non_null(row->source);
            assert_ptr_equal(kf_ctrl_find(kinds[k], row->key), row);
            const char *good = row->value == KF_CV_NAME ? "wl"
                               : row->value == KF_CV_INDEX ? "0" : "5d4c7f9b8";
            assert_true(kf_ctrl_matches(row, &wl, good, NULL));
            if (row->value != KF_CV_ANY)
                assert_false(kf_ctrl_matches(row, &wl, "not-it", NULL));
        }
    }
    assert_int_equal(rows, 25);
}

static void test_schema_kinds(void **state)
{
    (void)state;
    assert_int_equal(kf_kind_class("DeploymentList"), KF_KC_LIST);
    assert_int_equal(kf_kind_class("List"), KF_KC_LIST);
    assert_int_equal(kf_kind_class("ResourceList"), KF_KC_RLIST);
    assert_int_equal(kf_kind_class("InferencePool"), KF_KC_POOL);
    assert_int_equal(kf_kind_class("Service"), 0);
    assert_int_equal(kf_kind_api_rank(KF_KC_POOL, "inference.networking.k8s.io/v1"), 0);
    assert_int_equal(kf_kind_api_rank(KF_KC_POOL, "inference.networking.x-k8s.io/v1alpha2"), 1);
    assert_int_equal(kf_kind_api_rank(KF_KC_POOL, "inference.networking.k8s.io/v1alpha2"), -1);
    assert_int_equal(kf_kind_group_rank(KF_KC_POOL, "inference.networking.x-k8s.io"), 1);
    assert_int_equal(kf_kind_group_rank(KF_KC_POOL, "inference.networking"), -1);
    char g[64];
    assert_string_equal(kf_kind_group(KF_KC_POOL, 0, g, sizeof g), "inference.networking.k8s.io");
}

/* The typed form's federatesWith has its own rows (it may be a list), so
 * it is no spec.* entry; the ConfigMap form's stays a data.* entry. */
static void test_schema_federates_with(void **state)
{
    (void)state;
    kf_schema s;
    assert_int_equal(kf_schema_compile(&s), 0);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG, PATH("spec", "federatesWith")),
                                 KF_KC_CONFIG, NULL), KF_F_FEDERATES);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG,
                                             PATH("spec", "federatesWith", "[]")),
                                 KF_KC_CONFIG, NULL), KF_F_FEDERATES_ITEM);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG, PATH("spec", "ttl")),
                                 KF_KC_CONFIG, NULL), KF_F_SPEC_ENTRY);
    assert_int_equal(captured_id(&s, node_at(&s, KF_KC_CONFIG, PATH("data", "federatesWith")),
                                 KF_KC_CONFIG, NULL), KF_F_DATA_ENTRY);
    /* no other class reads it */
    assert_int_equal(node_at(&s, KF_KC_BINDING, PATH("spec", "federatesWith")), KF_SNONE);
    kf_schema_free(&s);
}

/* The writer's pieces: spans of the input and its own text, written in
 * order whatever held them. A span over 1 MiB is several pieces (written a
 * MiB at a time), so a text piece can be the one that finds the pieces
 * full; the text written before it must not move under it. */
static void test_write_out_pieces(void **state)
{
    (void)state;
    enum { INPUT = 3u << 20, TEXTS = 3000 };
    char *input = malloc(INPUT);
    assert_non_null(input);
    for (size_t i = 0; i < INPUT; i++)
        input[i] = (char)('a' + i % 26);
    char *got = NULL;
    size_t got_len = 0;
    FILE *f = open_memstream(&got, &got_len); /* no descriptor: through stdio */
    assert_non_null(f);
    kf_buf want = {0};
    kf_out o;
    kf_out_open(&o, f, input, NULL);
    size_t at = 0;
    for (int i = 0; i < TEXTS; i++) {
        size_t n = i == 100 ? (3u << 19) : 10; /* one span of 1.5 MiB */
        assert_int_equal(kf_out_input(&o, at, at + n), 0);
        assert_int_equal(kf_buf_append(&want, input + at, n), 0);
        at += n;
        char text[32];
        int tn = snprintf(text, sizeof text, "<%d>", i);
        assert_int_equal(kf_buf_append(kf_out_text(&o), text, (size_t)tn), 0);
        assert_int_equal(kf_out_text_done(&o), 0);
        assert_int_equal(kf_buf_append(&want, text, (size_t)tn), 0);
    }
    assert_int_equal(kf_out_flush(&o), 0);
    kf_out_free(&o);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(got_len, want.len);
    assert_memory_equal(got, want.data, want.len);
    free(got);
    kf_buf_free(&want);
    free(input);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_write_out_pieces),
    cmocka_unit_test(test_name_vectors),
    cmocka_unit_test(test_name_truncation),
    cmocka_unit_test(test_variant),
    cmocka_unit_test(test_sanitize),
    cmocka_unit_test(test_dns),
    cmocka_unit_test(test_labels),
    cmocka_unit_test(test_trust_domain_and_spiffe_id),
    cmocka_unit_test(test_plain_typing),
    cmocka_unit_test(test_quoting),
    cmocka_unit_test(test_emit_roundtrip),
    cmocka_unit_test(test_emit_invalid_utf8),
    cmocka_unit_test(test_schema_paths),
    cmocka_unit_test(test_read_lists),
    cmocka_unit_test(test_ctrl_labels),
    cmocka_unit_test(test_schema_kinds),
    cmocka_unit_test(test_schema_federates_with),
};
const unit_group unit_rules = {tests, sizeof tests / sizeof *tests};
