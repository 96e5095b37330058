/* cpus.h - how many processors' worth of time this process may use (cpus.c). */
#ifndef KF_CPUS_H
#define KF_CPUS_H

#include <stdbool.h>

/* Processors the process may run on (sched_getaffinity), lowered to the
 * whole processors of a cgroup CPU quota when there is one. *quota gets the
 * quota in processors (0.5 for "50000 100000"), 0 when there is none. */
int kf_cpus_usable(double *quota);

/* The smallest CPU quota, in processors, of the cgroups that
 * proc_cgroup (the text of /proc/self/cgroup) names and their parents,
 * read under sysfs ("/sys" outside tests); 0 when none limits it. */
double kf_cpus_quota(const char *sysfs, const char *proc_cgroup);

/* One cgroup v2 `cpu.max` line ("50000 100000", "max 100000"), and a v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` pair, in processors; 0 for
 * none or for text that is not a quota. */
double kf_cpus_parse_v2(const char *text);
double kf_cpus_parse_v1(const char *quota_text, const char *period_text);

#endif
