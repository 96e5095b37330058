/* test_read.c - what the read decides before it reads: the processors'
 * worth of time a cgroup CPU quota leaves (cpus.c), which decides whether
 * `auto` reads on two threads. The hierarchies are written into a
 * temporary directory laid out like /sys. */
#define _GNU_SOURCE /* mkdtemp() */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpus.h"

/* A file "<root>/<rel>" holding text, its directories made first. */
static void put_file(const char *root, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *s = path + strlen(root) + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(path, 0755);
            *s = '/';
        }
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_cpu_quota_text(void **state)
{
    (void)state;
    assert_true(kf_cpus_parse_v2("50000 100000\n") == 0.5);
    assert_true(kf_cpus_parse_v2("200000 100000\n") == 2.0);
    assert_true(kf_cpus_parse_v2("max 100000\n") == 0);
    assert_true(kf_cpus_parse_v2("") == 0);
    assert_true(kf_cpus_parse_v2("50000") == 0);
    assert_true(kf_cpus_parse_v2("-1 100000") == 0);
    assert_true(kf_cpus_parse_v1("150000\n", "100000\n") == 1.5);
    assert_true(kf_cpus_parse_v1("-1\n", "100000\n") == 0);
    assert_true(kf_cpus_parse_v1("50000\n", "0\n") == 0);
}

/* The smallest quota on the way up wins; levels that are not there (a
 * cgroup path from outside a container) are skipped; no file, no quota. */
static void test_cpu_quota_hierarchy(void **state)
{
    (void)state;
    char root[] = "/tmp/kf-cpus-XXXXXX";
    assert_non_null(mkdtemp(root));

    /* cgroup v2: a pod limited to 1.5, its container unlimited */
    put_file(root, "fs/cgroup/kubepods/pod1/cpu.max", "150000 100000\n");
    put_file(root, "fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n");
    put_file(root, "fs/cgroup/cpu.max", "max 100000\n");
    assert_true(kf_cpus_quota(root, "0::/kubepods/pod1/ctr\n") == 1.5);
    assert_true(kf_cpus_quota(root, "0::/kubepods/other\n") == 0);
    assert_true(kf_cpus_quota(root, "0::/\n") == 0);

    /* cgroup v1 inside a container without a cgroup namespace: the path
     * names the host's cgroup, the mount's root is the container's own */
    put_file(root, "fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "50000\n");
    put_file(root, "fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    assert_true(kf_cpus_quota(root, "4:memory:/docker/abc\n"
                                    "3:cpu,cpuacct:/docker/abc\n") == 0.5);
    /* a controller list that only looks like cpu's */
    assert_true(kf_cpus_quota(root, "3:cpuacct,cpuset:/docker/abc\n") == 0);
    /* both hierarchies: the smaller */
    assert_true(kf_cpus_quota(root, "3:cpu,cpuacct:/\n0::/kubepods/pod1/ctr") == 0.5);
    assert_true(kf_cpus_quota(root, "") == 0);
    assert_true(kf_cpus_quota("/nonexistent", "0::/\n1:cpu:/\n") == 0);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cpu_quota_text),
    cmocka_unit_test(test_cpu_quota_hierarchy),
};
const unit_group unit_read = {tests, sizeof tests / sizeof *tests};
