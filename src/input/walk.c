/* walk.c — the files behind the paths a user named: directories are walked depth first,
 * each listed once and sorted by name in byte order, so every run (and every machine)
 * reads the same files in the same order. */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct walk_dir {
    char *path;
    struct dirent **names;
    int n, next;
} walk_dir;

struct input_walk {
    const char *const *paths;
    int npaths, next_path;
    walk_dir *stack; /* the directories being walked, innermost last */
    size_t depth, cap;
    char *current;   /* the path returned last */
    long root;       /* where its name below the directory named starts, -1 for a file named */
};

input_walk *input_walk_new(const char *const *paths, int n)
{
    input_walk *w = xcalloc(1, sizeof *w);
    w->paths = paths;
    w->npaths = n;
    return w;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int visible(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Lists dir and pushes it; false (err set) when it cannot be listed. */
static bool enter(input_walk *w, const char *dir, jirga_error *err)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, visible, by_name);
    if (n < 0) {
        err->code = 1;
        snprintf(err->message, sizeof err->message, "%s: cannot read the directory: %s", dir, strerror(errno));
        return false;
    }
    GROW(w->stack, w->cap, w->depth + 1);
    w->stack[w->depth++] = (walk_dir){xstrdup(dir), names, n, 0};
    return true;
}

static void leave(input_walk *w)
{
    walk_dir *d = &w->stack[--w->depth];
    for (int i = 0; i < d->n; i++)
        free(d->names[i]);
    free(d->names);
    free(d->path);
}

static const char *yield(input_walk *w, char *path)
{
    free(w->current);
    w->current = path;
    return path;
}

const char *input_walk_next(input_walk *w, jirga_error *err)
{
    for (;;) {
        if (w->depth == 0) {
            if (w->next_path >= w->npaths)
                return NULL;
            const char *p = w->paths[w->next_path++];
            struct stat st;
            if (strcmp(p, "-") != 0 && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (!enter(w, p, err))
                    return yield(w, xstrdup(""));
                size_t len = strlen(p);
                w->root = (long)len + (len > 0 && p[len - 1] != '/'); /* after "dir/" */
                continue;
            }
            w->root = -1;
            return yield(w, xstrdup(p)); /* a file, "-", or a path input_open will report */
        }
        walk_dir *d = &w->stack[w->depth - 1];
        if (d->next >= d->n) {
            leave(w);
            continue;
        }
        const char *name = d->names[d->next++]->d_name;
        size_t len = strlen(d->path);
        bool slash = len > 0 && d->path[len - 1] == '/';
        char *path = xmalloc(len + 1 + strlen(name) + 1);
        sprintf(path, "%s%s%s", d->path, slash ? "" : "/", name);
        struct stat st;
        if (lstat(path, &st) != 0)
            return yield(w, path); /* gone since the listing: input_open says so */
        if (S_ISDIR(st.st_mode)) {
            bool ok = enter(w, path, err);
            free(path);
            if (!ok)
                return yield(w, xstrdup(""));
            continue;
        }
        if (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            free(path); /* a link to a directory is not followed: a walk must end */
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
            free(path); /* sockets, fifos, devices: no articles */
            continue;
        }
        return yield(w, path);
    }
}

input_reader *input_walk_open(const input_walk *w, input_format format, jirga_error *err)
{
    input_reader *r = input_open(w->current, format, err);
    if (r && w->root >= 0)
        input_name_below(r, (size_t)w->root);
    return r;
}

void input_walk_free(input_walk *w)
{
    if (!w)
        return;
    while (w->depth)
        leave(w);
    free(w->stack);
    free(w->current);
    free(w);
}
