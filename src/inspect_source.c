/* inspect_source.c - what `kleym-fn inspect` reads (inspect.h).
 *
 * stdin, or the files and directories named. Several files become one YAML
 * stream: each file's documents, its BOM dropped, then a document end
 * marker ("...") so the next file may start with directives or a bare
 * document. Each file's first byte and line are kept, so an item without
 * path annotations is located as file:index and a fatal error as
 * file:line:column. A directory holding a Kptfile gives the configuration
 * of its first pipeline function that runs kleym-fn: its configMap (made
 * into a ConfigMap) or its configPath file, which must stay in the package
 * as written. No file of a directory named is read through a link out of
 * it, the Kptfile and the configPath file included (inspect_open.c). The
 * Kptfile is not a resource. A kustomize directory outside a kpt package
 * is refused: its files are not what kustomize builds.
 */
#include "inspect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kf_read.h"
#include "kf_view.h"

static int read_stream(FILE *f, kf_buf *out)
{
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + got >= KF_MAX_INPUT) {
            errno = EFBIG;
            return -1;
        }
        if (kf_buf_append(out, chunk, got) < 0)
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

/* Read the file at path into out: through kf_open_regular() when root (a
 * package's real path) is given, else as named (a FIFO included, so
 * process substitution works). *status says why it failed. */
static int read_file(const char *path, const char *root, kf_buf *out,
                     enum kf_open *status)
{
    FILE *f = NULL;
    int fd;
    *status = KF_OPEN_ERRNO;
    if (!root)
        f = fopen(path, "rb");
    else if ((*status = kf_open_regular(path, root, &fd)) == KF_OPEN_OK &&
             !(f = fdopen(fd, "rb")))
        close(fd);
    if (!f) {
        if (*status == KF_OPEN_OK)
            *status = KF_OPEN_ERRNO;
        return -1;
    }
    *status = KF_OPEN_ERRNO;
    int rc = read_stream(f, out);
    int saved = errno;
    fclose(f);
    errno = saved;
    return rc;
}

/* Why a file could not be read, in why; nothing when memory ran out. */
static void cannot_read(kf_buf *why, const char *path, const char *top,
                        enum kf_open status)
{
    if (status == KF_OPEN_OUTSIDE)
        kf_buf_printf(why, "%s leads out of %s through a symbolic link", path, top);
    else if (status == KF_OPEN_NOT_REGULAR)
        kf_buf_printf(why, "%s is not a regular file", path);
    else if (errno != ENOMEM)
        kf_buf_printf(why, "cannot read %s: %s", path, strerror(errno));
}

static bool wanted(const char *name)
{
    static const char *const exts[] = {".yaml", ".yml", ".json"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return true;
    }
    return false;
}

static char *join(const char *dir, const char *name)
{
    kf_buf b = {0};
    size_t n = strlen(dir);
    if (kf_buf_printf(&b, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) < 0)
        return NULL;
    return b.data;
}

/* A directory named on the command line: as named, and its real path,
 * which every file read from it must stay under. */
typedef struct package {
    const char *dir;
    char *root;
    char *kptfile; /* its Kptfile (owned), when it holds one: a kpt package,
                    * read as kpt reads it; else NULL */
} package;

/* Append one file to the stream; pkg: the directory named it is read
 * from, or NULL for a file named on the command line. */
static int add_file(kf_inspect_input *ii, char *path, const package *pkg, kf_buf *why)
{
    if (kf_array_grow((void **)&ii->paths, &ii->paths_cap, ii->npaths + 1,
                      sizeof *ii->paths) < 0 ||
        kf_array_grow((void **)&ii->origins, &ii->origins_cap, ii->norigins + 1,
                      sizeof *ii->origins) < 0 ||
        kf_array_grow((void **)&ii->origin_lines, &ii->lines_cap, ii->norigins + 1,
                      sizeof *ii->origin_lines) < 0) {
        free(path);
        return -1;
    }
    ii->paths[ii->npaths++] = path;
    kf_buf *t = &ii->text;
    if (ii->norigins) { /* ends the file before */
        if (kf_buf_puts(t, "...\n") < 0)
            return -1;
        ii->lines++;
    }
    ii->origins[ii->norigins] = (kf_origin){(uint32_t)t->len, path};
    ii->origin_lines[ii->norigins++] = ii->lines;
    size_t start = t->len;
    enum kf_open status;
    if (read_file(path, pkg ? pkg->root : NULL, t, &status) < 0) {
        cannot_read(why, path, pkg ? pkg->dir : "", status);
        return -1;
    }
    if (t->len - start >= 3 && memcmp(t->data + start, "\xEF\xBB\xBF", 3) == 0) {
        memmove(t->data + start, t->data + start + 3, t->len - start - 3);
        t->len -= 3;
    }
    if (t->len == start) /* an empty file: nothing to count */
        return 0;
    if (t->data[t->len - 1] != '\n' && kf_buf_putc(t, '\n') < 0)
        return -1;
    for (const char *p = t->data + start; (p = memchr(p, '\n', (size_t)(t->data + t->len - p)));
         p++)
        ii->lines++;
    return 0;
}

/* ---- the Kptfile: which function runs kleym-fn, and its configuration --- */

/* Whether a configPath stays in the package, as kpt requires: relative,
 * and never above the package's directory, read component by component
 * (a/../b is in it, a/../../b is not). */
static bool in_package(const char *rel)
{
    if (!rel[0] || rel[0] == '/')
        return false;
    long depth = 0;
    for (const char *p = rel;; p++) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            depth--;
        else if (n && !(n == 1 && p[0] == '.'))
            depth++;
        if (depth < 0)
            return false;
        p += n;
        if (!*p)
            return true;
    }
}

/* A configPath as a message shows it: escaped by the printer, cut at a
 * character boundary. */
static void print_config_path(kf_buf *why, const char *kptfile, const char *rel,
                              const char *rule)
{
    size_t n = strnlen(rel, 200);
    while (n && rel[n] && ((unsigned char)rel[n] & 0xc0) == 0x80)
        n--;
    kf_buf_printf(why, "the configPath of %s, \"%.*s%s\", %s", kptfile, (int)n, rel,
                  rel[n] ? "..." : "", rule);
}

/* The configPath file of the Kptfile at kptfile: a regular file of the
 * package, as written and with links resolved (kf_open_regular()). */
static int config_path(kf_inspect_input *ii, const package *pkg, const char *kptfile,
                       const char *rel, kf_buf *why)
{
    if (!in_package(rel)) {
        print_config_path(why, kptfile, rel, "is not a relative path inside the package");
        return -1;
    }
    if (!(ii->config_origin = join(pkg->dir, rel)))
        return -1;
    enum kf_open status;
    if (read_file(ii->config_origin, pkg->root, &ii->config, &status) == 0)
        return 0;
    if (status == KF_OPEN_OUTSIDE)
        print_config_path(why, kptfile, rel, "leads out of the package through a "
                                             "symbolic link");
    else if (status == KF_OPEN_NOT_REGULAR)
        print_config_path(why, kptfile, rel, "is not a regular file");
    else if (errno != ENOMEM)
        kf_buf_printf(why, "cannot read the configPath of %s: %s: %s", kptfile,
                      ii->config_origin, strerror(errno));
    return -1;
}

/* The package's Kptfile, when it has one: if a function of its pipeline
 * runs kleym-fn, its configuration (configMap or configPath) becomes the
 * run's. */
static int kptfile_config(kf_inspect_input *ii, const package *pkg, kf_buf *why)
{
    kf_buf text = {0};
    kf_input in;
    kf_fatal fatal;
    int rc = -1;
    memset(&in, 0, sizeof in);
    if (!pkg->kptfile)
        return 0;
    enum kf_open status;
    if (read_file(pkg->kptfile, pkg->root, &text, &status) < 0) {
        cannot_read(why, pkg->kptfile, pkg->dir, status);
        goto out;
    }
    if (kf_read(text.data ? text.data : "", text.len, NULL, &in, &fatal) < 0) {
        kf_buf_printf(why, "%s:%d:%d: %s", pkg->kptfile, fatal.line, fatal.col, fatal.msg);
        goto out;
    }
    rc = 0;
    kf_kpt_fn fn;
    if (kf_kpt_find_fn(&in, in.fields, in.nfields, &fn)) {
        ii->has_config = true;
        if (fn.config_path) {
            rc = config_path(ii, pkg, pkg->kptfile, fn.config_path, why);
        } else {
            ii->config_origin = strdup(pkg->kptfile); /* the configuration's file */
            rc = ii->config_origin ? kf_kpt_config_map(&in, &fn, &ii->config) : -1;
        }
    }
out:
    kf_input_free(&in);
    kf_buf_free(&text);
    return rc;
}

/* ---- directories ---------------------------------------------------------- */

/* The names kustomize reads a kustomization from. */
static bool is_kustomization(const char *name)
{
    return strcmp(name, "kustomization.yaml") == 0 ||
           strcmp(name, "kustomization.yml") == 0 || strcmp(name, "Kustomization") == 0;
}

/* A kustomize directory is not its files: an overlay's resources are in
 * its bases, patched, renamed; reading the files would report on
 * something else (often "bindings none, 0 errors" about an overlay). */
static void kustomize_dir(kf_buf *why, const char *path, const char *dir)
{
    kf_buf_printf(why, "%s: a kustomize directory is not its files (bases, patches, "
                  "prefixes); inspect what kustomize builds: kustomize build %s | "
                  "kleym-fn inspect (docs/kustomize.md)", path, dir);
}

static int visible(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int add_dir(kf_inspect_input *ii, const char *dir, const package *pkg, int depth,
                   kf_buf *why);

/* One directory entry: a subdirectory is walked, a *.yaml, *.yml or *.json
 * file is read, anything else is skipped. A wanted name that cannot be
 * examined (a broken symlink, say) is an error, never a silent skip, and
 * so is a link out of the directory named. */
static int add_entry(kf_inspect_input *ii, const char *dir, const package *pkg,
                     const char *name, int depth, kf_buf *why)
{
    char *path = join(dir, name);
    if (!path)
        return -1;
    struct stat st;
    int rc = 0;
    if (!pkg->kptfile && is_kustomization(name)) {
        kustomize_dir(why, path, dir);
        rc = -1;
    } else if (stat(path, &st) != 0) {
        if (wanted(name)) {
            kf_buf_printf(why, "cannot read %s: %s", path, strerror(errno));
            rc = -1;
        }
    } else if (S_ISDIR(st.st_mode)) {
        if (kf_dir_inside(pkg->root, path)) {
            rc = add_dir(ii, path, pkg, depth + 1, why);
        } else {
            cannot_read(why, path, pkg->dir, KF_OPEN_OUTSIDE);
            rc = -1;
        }
    } else if (S_ISREG(st.st_mode) && wanted(name)) {
        return add_file(ii, path, pkg, why);
    }
    free(path);
    return rc;
}

static int add_dir(kf_inspect_input *ii, const char *dir, const package *pkg, int depth,
                   kf_buf *why)
{
    if (depth > 64) {
        kf_buf_printf(why, "%s: directories nested deeper than 64", dir);
        return -1;
    }
    struct dirent **list = NULL;
    int n = scandir(dir, &list, visible, alphasort);
    if (n < 0) {
        kf_buf_printf(why, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = add_entry(ii, dir, pkg, list[i]->d_name, depth, why);
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

/* A directory named on the command line: its Kptfile's configuration
 * (the first such directory's), then its files, none through a link out
 * of it. */
static int add_package(kf_inspect_input *ii, const char *dir, kf_buf *why)
{
    package pkg = {dir, kf_real_dir(dir), NULL};
    if (!pkg.root) {
        if (errno != ENOMEM)
            kf_buf_printf(why, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = -1;
    struct stat st;
    if (!(pkg.kptfile = join(dir, "Kptfile")))
        goto out;
    if (stat(pkg.kptfile, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(pkg.kptfile);
        pkg.kptfile = NULL;
    }
    rc = (!ii->has_config && kptfile_config(ii, &pkg, why) < 0) ||
                 add_dir(ii, dir, &pkg, 0, why) < 0
             ? -1
             : 0;
out:
    free(pkg.kptfile);
    free(pkg.root);
    return rc;
}

/* The file read as input that is also the configuration document (a
 * Kptfile's configPath is usually a file of the package), by identity:
 * the two paths may be spelled differently (./kleym.yaml). */
static void find_config_file(kf_inspect_input *ii)
{
    struct stat cs, fs;
    if (!ii->config_origin || stat(ii->config_origin, &cs) != 0)
        return;
    for (size_t i = 0; i < ii->npaths && !ii->config_file; i++)
        if (stat(ii->paths[i], &fs) == 0 && fs.st_dev == cs.st_dev &&
            fs.st_ino == cs.st_ino)
            ii->config_file = ii->paths[i];
}

int kf_inspect_load(kf_inspect_input *ii, int nnames, char **names, FILE *in,
                    kf_buf *why)
{
    memset(ii, 0, sizeof *ii);
    if (nnames == 0) {
        if (read_stream(in, &ii->text) < 0) {
            kf_buf_printf(why, "reading stdin: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    for (int i = 0; i < nnames; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0) {
            kf_buf_printf(why, "cannot read %s: %s", names[i], strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (add_package(ii, names[i], why) < 0)
                return -1;
        } else {
            char *path = strdup(names[i]);
            if (!path || add_file(ii, path, NULL, why) < 0)
                return -1;
        }
    }
    if (ii->text.len >= KF_MAX_INPUT) {
        kf_buf_printf(why, "the input is larger than 1 GiB");
        return -1;
    }
    find_config_file(ii);
    return 0;
}

void kf_inspect_where(const kf_inspect_input *ii, int line, char *out, size_t cap,
                      int *file_line)
{
    *file_line = line;
    if (!ii->norigins) {
        snprintf(out, cap, "<stdin>");
        return;
    }
    size_t f = 0;
    while (f + 1 < ii->norigins && ii->origin_lines[f + 1] < line)
        f++;
    *file_line = line - ii->origin_lines[f];
    snprintf(out, cap, "%s", ii->origins[f].path);
}

void kf_inspect_input_free(kf_inspect_input *ii)
{
    for (size_t i = 0; i < ii->npaths; i++)
        free(ii->paths[i]);
    free(ii->paths);
    free(ii->origins);
    free(ii->origin_lines);
    free(ii->config_origin);
    kf_buf_free(&ii->text);
    kf_buf_free(&ii->config);
    memset(ii, 0, sizeof *ii);
}
