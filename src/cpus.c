/* cpus.c - how many processors' worth of time this process may use.
 *
 * The two-thread read (read_split.c) pays off only when a second thread
 * runs at the same time as the first. sched_getaffinity() says on which
 * processors the process may run, but not for how long: a container with a
 * CPU limit (a Kubernetes `limits.cpu: 500m`, `docker run --cpus 1`; the
 * Argo CD plugin sidecar and CI runners on Kubernetes are the usual cases)
 * sees every processor of the node and is throttled to its quota. There a
 * second thread only adds the cost of the cut and the merge to the time
 * the quota allows.
 *
 * The quota is the smallest one on the way from this process's cgroup up
 * to the root of the hierarchy, as the kernel enforces every level:
 *   - cgroup v2: `cpu.max` holds "<quota> <period>" or "max <period>";
 *   - cgroup v1: `cpu.cfs_quota_us` (-1 for none) and `cpu.cfs_period_us`
 *     in the `cpu` controller's hierarchy.
 * /proc/self/cgroup names the process's cgroup. Inside a container the
 * path it names may not exist under the container's own mount (cgroup v1
 * without a cgroup namespace): levels that are not there are skipped, and
 * the root of the mount, which is then the container's own cgroup, is
 * always read. Anything that cannot be read counts as no quota: the files
 * only ever lower the figure sched_getaffinity() gives.
 */
#define _GNU_SOURCE /* sched_getaffinity() */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"

/* A path under a mount: "<mount><cgroup path>/<file>". */
#define PATH_MAX_LEN 4096

/* The first line of a file, NUL-terminated; false if it cannot be read. */
static bool read_line(const char *path, char *line, size_t size)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = fgets(line, (int)size, f) != NULL;
    fclose(f);
    return ok;
}

/* A decimal number that fills [s, end of number) and is > 0. */
static bool positive(const char *s, char **end, double *value)
{
    char *e;
    long long n = strtoll(s, &e, 10);
    if (e == s || n <= 0)
        return false;
    *value = (double)n;
    *end = e;
    return true;
}

double kf_cpus_parse_v2(const char *text)
{
    if (strncmp(text, "max", 3) == 0)
        return 0;
    char *end;
    double quota, period;
    if (!positive(text, &end, &quota) || *end != ' ' ||
        !positive(end + 1, &end, &period))
        return 0;
    return quota / period;
}

double kf_cpus_parse_v1(const char *quota_text, const char *period_text)
{
    char *end;
    double quota, period;
    if (!positive(quota_text, &end, &quota) || !positive(period_text, &end, &period))
        return 0; /* -1: no quota */
    return quota / period;
}

/* The first line of "<dir>/<file>"; false if it cannot be read. */
static bool read_file_line(const char *dir, const char *file, char *line, size_t size)
{
    char path[PATH_MAX_LEN + 32];
    int n = snprintf(path, sizeof path, "%s/%s", dir, file);
    return n > 0 && (size_t)n < sizeof path && read_line(path, line, size);
}

/* The quota at one level of a hierarchy ("<dir>"), 0 for none. */
static double level_quota(const char *dir, bool v2)
{
    char a[64], b[64];
    if (v2)
        return read_file_line(dir, "cpu.max", a, sizeof a) ? kf_cpus_parse_v2(a) : 0;
    if (!read_file_line(dir, "cpu.cfs_quota_us", a, sizeof a) ||
        !read_file_line(dir, "cpu.cfs_period_us", b, sizeof b))
        return 0;
    return kf_cpus_parse_v1(a, b);
}

/* The smallest quota from "<mount><path>" up to "<mount>", 0 for none. */
static double walk_up(const char *mount, const char *cgroup_path, bool v2)
{
    char dir[PATH_MAX_LEN];
    int n = snprintf(dir, sizeof dir, "%s%s", mount, cgroup_path);
    if (n < 0 || (size_t)n >= sizeof dir)
        return 0;
    size_t root = strlen(mount), len = (size_t)n;
    while (len > root && dir[len - 1] == '/')
        dir[--len] = '\0';
    double least = 0;
    for (;;) {
        double q = level_quota(dir, v2);
        if (q > 0 && (least == 0 || q < least))
            least = q;
        if (len <= root)
            return least;
        while (len > root && dir[len - 1] != '/')
            len--;
        while (len > root && dir[len - 1] == '/')
            len--;
        dir[len] = '\0';
    }
}

/* Does a v1 line's controller list ("cpu,cpuacct") name "cpu"? */
static bool names_cpu(const char *list, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && list[j] != ',')
            j++;
        if (j - i == 3 && memcmp(list + i, "cpu", 3) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

double kf_cpus_quota(const char *sysfs, const char *proc_cgroup)
{
    double least = 0;
    const char *line = proc_cgroup;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        /* "<id>:<controllers>:<path>" */
        const char *c1 = memchr(line, ':', len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            char path[PATH_MAX_LEN], mount[PATH_MAX_LEN];
            size_t plen = len - (size_t)(c2 + 1 - line);
            if (plen < sizeof path) {
                memcpy(path, c2 + 1, plen);
                path[plen] = '\0';
                double q = 0;
                if (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1) {
                    snprintf(mount, sizeof mount, "%s/fs/cgroup", sysfs);
                    q = walk_up(mount, path, true);
                } else if (c1 && names_cpu(c1 + 1, (size_t)(c2 - c1 - 1))) {
                    /* Debian and most runtimes mount v1 "cpu" under both
                     * names; read whichever is there. */
                    snprintf(mount, sizeof mount, "%s/fs/cgroup/cpu", sysfs);
                    q = walk_up(mount, path, false);
                    if (q == 0) {
                        snprintf(mount, sizeof mount, "%s/fs/cgroup/cpu,cpuacct", sysfs);
                        q = walk_up(mount, path, false);
                    }
                }
                if (q > 0 && (least == 0 || q < least))
                    least = q;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return least;
}

int kf_cpus_usable(double *quota)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    char text[8192];
    *quota = 0;
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f) {
        size_t got = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[got] = '\0';
        *quota = kf_cpus_quota("/sys", text);
    }
    if (*quota > 0 && *quota < n)
        n = *quota < 1 ? 1 : (int)*quota;
    return n;
}
