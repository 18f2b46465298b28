#include "journal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbhost/plugin.h>

#include "log.h"
#include "util.h"

typedef struct entry {
  char *path;
  char *backup;      /* the previous content, or NULL: the file was new */
  char *created_dir; /* topmost folder this write created, or NULL */
} entry;

struct journal {
  pthread_mutex_t lock;
  entry *entries;
  size_t len;
};

journal *journal_open(void) {
  journal *j = xcalloc(1, sizeof *j);
  pthread_mutex_init(&j->lock, NULL);
  return j;
}

static bool recorded(const journal *j, const char *path) {
  for (size_t i = 0; i < j->len; i++)
    if (strcmp(j->entries[i].path, path) == 0) return true;
  return false;
}

/* The highest ancestor folder of path that does not exist, or NULL. */
static char *first_missing_dir(const char *path) {
  char *missing = NULL;
  char *dir = path_dirname(path);
  struct stat st;
  while (strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0 &&
         lstat(dir, &st) != 0 && errno == ENOENT) {
    free(missing);
    missing = dir;
    dir = path_dirname(missing);
  }
  free(dir);
  return missing;
}

/* Keeps the current file at `path` under a fresh name beside it: a hard
   link, so `path` itself stays in place for readers until it is replaced.
   The services replace files by rename, never rewrite them in place, so
   the link keeps the old content. */
static char *keep_aside(const char *path) {
  char *backup = xasprintf("%s.mbhost-old.XXXXXX", path);
  int fd = mkstemp(backup);
  if (fd < 0) goto fail;
  close(fd);
  unlink(backup);
  if (link(path, backup) == 0 || copy_file_atomic(path, backup) == 0)
    return backup;
fail:;
  int saved = errno;
  free(backup);
  errno = saved;
  return NULL;
}

int journal_prepare(journal *j, const char *dst) {
  int rc = 0;
  pthread_mutex_lock(&j->lock);
  if (!recorded(j, dst)) {
    entry e = {.path = xstrdup(dst)};
    struct stat st;
    if (lstat(dst, &st) == 0) {
      e.backup = keep_aside(dst);
      if (!e.backup) rc = -1;
    } else {
      e.created_dir = first_missing_dir(dst);
    }
    if (rc == 0) {
      j->entries = xrealloc(j->entries, (j->len + 1) * sizeof *j->entries);
      j->entries[j->len++] = e;
    } else {
      free(e.path);
    }
  }
  pthread_mutex_unlock(&j->lock);
  return rc;
}

void journal_commit(journal *j) {
  for (size_t i = 0; i < j->len; i++)
    if (j->entries[i].backup) unlink(j->entries[i].backup);
}

static bool restore(const entry *e) {
  if (e->backup) return rename(e->backup, e->path) == 0;
  if (unlink(e->path) != 0 && errno != ENOENT) return false;
  return !e->created_dir || remove_tree(e->created_dir) == 0 || errno == ENOENT;
}

size_t journal_rollback(journal *j) {
  size_t failed = 0;
  for (size_t i = j->len; i-- > 0;) {
    if (restore(&j->entries[i])) continue;
    log_line(MB_LOG_ERROR, NULL, "cannot restore %s: %s", j->entries[i].path,
             strerror(errno));
    failed++;
  }
  return failed;
}

void journal_free(journal *j) {
  if (!j) return;
  for (size_t i = 0; i < j->len; i++)
    free(j->entries[i].path), free(j->entries[i].backup),
        free(j->entries[i].created_dir);
  free(j->entries);
  pthread_mutex_destroy(&j->lock);
  free(j);
}
