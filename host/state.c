#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static char *absolute(const char *path) {
  char cwd[4096];
  return path_absolute(getcwd(cwd, sizeof cwd) ? cwd : "/", path);
}

/* One ancestor: whoever owns it, or may write it, could rename what is
   below it and put their own in its place. */
/* Whether `dir` is a folder on the running executable's real path. */
static bool holds_mbhost(const char *dir) {
  char *exe = realpath("/proc/self/exe", NULL);
  bool holds = exe && path_is_inside(exe, dir);
  free(exe);
  return holds;
}

static char *ancestor_problem(const char *path, const char *dir,
                              const struct stat *st, sticky_rule rule) {
  bool sticky_ok = (st->st_mode & S_ISVTX) &&
                   (rule == STICKY_ACCEPTED ||
                    (rule == STICKY_IF_HOLDS_MBHOST && holds_mbhost(dir)));
  if (st->st_uid != 0 && st->st_uid != geteuid())
    return xasprintf("%s is inside %s, which is owned by uid %u (neither you "
                     "nor root), who could replace it: choose a folder whose "
                     "parents only you and root own",
                     path, dir, (unsigned)st->st_uid);
  if ((st->st_mode & S_IWOTH) && !sticky_ok)
    return xasprintf(
        "%s is inside %s, which others may write%s, so another "
        "user could replace it: chmod o-w %s, or choose a folder "
        "whose parents only you and root can write",
        path, dir, st->st_mode & S_ISVTX ? " (sticky is not enough here)" : "",
        dir);
  return NULL;
}

/* Checks each parent folder of `path` that exists: as written (a symlink
   is followed for the check, and noted in *symlinks), or, with `symlinks`
   NULL, a resolved path whose parents are real folders. */
static char *walk_parents(const char *shown, const char *path, sticky_rule rule,
                          bool *symlinks) {
  char *dir = path_dirname(path);
  char *problem = NULL;
  for (;;) {
    struct stat st;
    bool found = lstat(dir, &st) == 0;
    if (found && symlinks && S_ISLNK(st.st_mode)) {
      *symlinks = true;
      found = stat(dir, &st) == 0;
    }
    if (found) problem = ancestor_problem(shown, dir, &st, rule);
    if (problem || strcmp(dir, "/") == 0) break;
    char *up = path_dirname(dir);
    free(dir);
    dir = up;
  }
  free(dir);
  return problem;
}

char *ancestors_problem(const char *path, sticky_rule rule) {
  char *abs = absolute(path);
  /* As written: a writable folder holding a symlink on the way could
     redirect it. Resolved: the folders the path really goes through,
     which are those as written when neither they nor the path itself is
     a symlink (the common case: no second walk, no realpath). */
  bool symlinks = false;
  char *problem = walk_parents(path, abs, rule, &symlinks);
  struct stat st;
  if (!problem && (symlinks || (lstat(abs, &st) == 0 && S_ISLNK(st.st_mode)))) {
    char *real = path_resolve(abs);
    problem = walk_parents(path, real, rule, NULL);
    free(real);
  }
  free(abs);
  return problem;
}

/* state_dir_problem, which also says whether `dir` is missing. */
static char *dir_problem(const char *dir, bool may_be_missing, bool *missing) {
  struct stat st;
  *missing = false;
  if (stat(dir, &st) != 0) {
    *missing = errno == ENOENT;
    if (*missing && may_be_missing)
      return ancestors_problem(dir, STICKY_ACCEPTED);
    return xasprintf("%s: %s", dir, strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return xasprintf("%s is not a folder", dir);
  if (st.st_uid != geteuid())
    return xasprintf("%s is owned by uid %u, not by you (uid %u), so it may "
                     "hold what another user planted: remove it, or choose "
                     "another folder ([cache] dir, XDG_CACHE_HOME)",
                     dir, (unsigned)st.st_uid, (unsigned)geteuid());
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return xasprintf("%s is writable by %s, who could plant cache entries "
                     "or files there: chmod go-w %s",
                     dir, st.st_mode & S_IWOTH ? "others" : "its group", dir);
  return ancestors_problem(dir, STICKY_ACCEPTED);
}

char *state_dir_problem(const char *dir, bool may_be_missing) {
  bool missing;
  return dir_problem(dir, may_be_missing, &missing);
}

int state_mkdirs(const char *path) {
  return mkdir_tree(path, 0700);
}

char *state_dir_make(const char *dir) {
  /* Check before creating too: no folder is made inside someone else's.
     One that is there has had the whole check. */
  bool missing;
  char *problem = dir_problem(dir, true, &missing);
  if (problem || !missing) return problem;
  if (state_mkdirs(dir) != 0)
    return xasprintf("cannot create %s: %s", dir, strerror(errno));
  return state_dir_problem(dir, false);
}

int state_open(const char *path, const char *what) {
  /* O_NONBLOCK: a planted fifo must not stall the run. */
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP) {
      log_line(MB_LOG_WARN, NULL, "ignoring %s %s: it is a symlink", what,
               path);
      errno = EPERM;
    }
    return -1;
  }
  struct stat st;
  const char *why = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "it is not a regular file";
  else if (st.st_uid != geteuid())
    why = "another user owns it";
  else if (st.st_mode & (S_IWGRP | S_IWOTH))
    why = "others may write it";
  if (why) {
    log_line(MB_LOG_WARN, NULL, "ignoring %s %s: %s", what, path, why);
    close(fd);
    errno = EPERM;
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

FILE *state_fopen(const char *path, const char *what) {
  int fd = state_open(path, what);
  FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
  if (!f && fd >= 0) close(fd);
  return f;
}

FILE *state_temp(const char *path, char **tmp) {
  *tmp = xasprintf("%s.tmp.XXXXXX", path);
  int fd = mkostemp(*tmp, O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (f) return f;
  if (fd >= 0) close(fd), unlink(*tmp);
  free(*tmp);
  *tmp = NULL;
  return NULL;
}

bool state_commit(FILE *f, char *tmp, const char *path, bool ok) {
  ok = !ferror(f) && ok;
  ok = fclose(f) == 0 && ok;
  ok = ok && rename(tmp, path) == 0;
  if (!ok) unlink(tmp);
  free(tmp);
  return ok;
}

char *state_read_text(const char *path, const char *what) {
  FILE *f = state_fopen(path, what);
  if (!f) return NULL;
  /* The known size in one read (a stat cache is megabytes), then
     whatever was appended since. */
  struct stat st;
  size_t size =
      fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
  strbuf b = {.data = xmalloc(size + 2), .len = 1, .cap = size + 2};
  b.data[0] = '\n';
  b.len += fread(b.data + 1, 1, size, f);
  b.data[b.len] = '\0';
  char chunk[4096];
  for (size_t n; (n = fread(chunk, 1, sizeof chunk, f)) > 0;)
    strbuf_add(&b, chunk, n);
  fclose(f);
  return b.data;
}
