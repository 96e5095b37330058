/* inspect_open.c - opening a package's files for `kleym-fn inspect`
 * (inspect.h): a regular file, and when the package's directory is
 * given, one that is in it with every symbolic link resolved. Inspect runs
 * on packages from pull requests; a link in one must not make it read a
 * file of the machine (a secret, a device, a pipe that never ends).
 *
 * The file is checked before it is opened (so nothing outside is even
 * opened) and again as opened: its real path is the kernel's for the
 * descriptor, so a link swapped in between cannot lead out either.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the real path real is root or below it. */
static bool under(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return real[0] == '/';
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* The real path of the file open at fd: the kernel's name for the
 * descriptor; where /proc is not mounted, path resolved again, kept only
 * when it still names that very file. NULL with errno set. */
static char *real_path_of(int fd, const char *path, const struct stat *st)
{
    char link[64], name[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    if (n > 0 && (size_t)n < sizeof name - 1 && name[0] == '/') {
        name[n] = '\0';
        return strdup(name);
    }
    char *real = realpath(path, NULL);
    struct stat again;
    if (real && (stat(real, &again) != 0 || again.st_dev != st->st_dev ||
                 again.st_ino != st->st_ino)) {
        free(real);
        errno = ESTALE; /* replaced while it was opened */
        return NULL;
    }
    return real;
}

char *kf_real_dir(const char *dir)
{
    return realpath(dir, NULL);
}

bool kf_dir_inside(const char *root, const char *dir)
{
    char *real = realpath(dir, NULL);
    bool inside = real && under(root, real);
    free(real);
    return inside;
}

enum kf_open kf_open_regular(const char *path, const char *root, int *fd)
{
    struct stat st;
    if (root) {
        char *real = realpath(path, NULL);
        if (!real)
            return KF_OPEN_ERRNO;
        bool inside = under(root, real);
        int failed = inside ? stat(real, &st) : 0;
        free(real);
        if (!inside)
            return KF_OPEN_OUTSIDE;
        if (failed)
            return KF_OPEN_ERRNO;
        if (!S_ISREG(st.st_mode))
            return KF_OPEN_NOT_REGULAR;
    }
    int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0)
        return KF_OPEN_ERRNO;
    enum kf_open rc = KF_OPEN_OK;
    char *real = NULL;
    if (fstat(f, &st) != 0)
        rc = KF_OPEN_ERRNO;
    else if (!S_ISREG(st.st_mode))
        rc = KF_OPEN_NOT_REGULAR;
    else if (root && !(real = real_path_of(f, path, &st)))
        rc = KF_OPEN_ERRNO;
    else if (root && !under(root, real))
        rc = KF_OPEN_OUTSIDE;
    free(real);
    if (rc != KF_OPEN_OK) {
        int saved = errno;
        close(f);
        errno = saved;
        return rc;
    }
    *fd = f;
    return KF_OPEN_OK;
}
