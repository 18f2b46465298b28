#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbhost/plugin.h>

#include "log.h"
#include "stamp.h"
#include "state.h"
#include "util.h"

#define JOURNAL_NAME "export-journal"
#define COPIES_NAME "export-copies"

typedef struct record {
  char type; /* D N R T X, as journal.h says */
  char *path;
} record;

typedef struct record_list {
  record *items;
  size_t len;
} record_list;

/* A destination that holds a copy of a source: both stamps as they were
   when it was written (the destination's ctime is taken after its rename,
   which moves it) or found unchanged. */
typedef struct copy {
  stamp src, dst;
  bool dst_ctime_known;
  char *dst_path;
} copy;

typedef struct copy_list {
  copy *items;
  size_t len;
} copy_list;

struct journal {
  pthread_mutex_t lock;
  int fd; /* the journal, flock()ed while this run lives; -1 until the
             first record: an export that writes nothing leaves no journal */
  char *path;
  char *state_dir;
  char *output;
  char id[33];
  bool committed;
  unsigned temps; /* numbers the temporary files */
  record_list records;
  char *copies_path; /* the copies of the last committed export */
  char *last_copies; /* their lines, each after a newline; or NULL */
  copy_list copies;  /* this export's, for copies_path once committed */
};

static void records_add(record_list *l, char type, const char *path) {
  l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
  l->items[l->len++] = (record){type, xstrdup(path)};
}

static void records_free(record_list *l) {
  for (size_t i = 0; i < l->len; i++)
    free(l->items[i].path);
  free(l->items);
  *l = (record_list){0};
}

/* A path is one line: newline and backslash are escaped. */
static void put_escaped(strbuf *b, const char *s) {
  for (; *s; s++)
    if (*s == '\n')
      strbuf_puts(b, "\\n");
    else if (*s == '\\')
      strbuf_puts(b, "\\\\");
    else
      strbuf_add(b, s, 1);
}

static char *unescape(const char *s, size_t n) {
  char *out = xmalloc(n + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n)
      i++, *o++ = s[i] == 'n' ? '\n' : s[i];
    else
      *o++ = s[i];
  }
  *o = '\0';
  return out;
}

static int write_all(int fd, const char *data, size_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    data += n, len -= (size_t)n;
  }
  return 0;
}

static int fsync_path(const char *path);

/* Creates the journal file with its header. Written and locked under
   another name, then linked into place: a journal is never seen unlocked
   while its run lives. */
static int create_file(journal *j) {
  char *tmp = xasprintf("%s.XXXXXX", j->path);
  j->fd = mkostemp(tmp, O_CLOEXEC | O_APPEND);
  strbuf head = {0};
  strbuf_printf(&head, "J 1 %s\nO ", j->id);
  put_escaped(&head, j->output);
  strbuf_puts(&head, "\n");
  bool ok = j->fd >= 0 && flock(j->fd, LOCK_EX) == 0 &&
            write_all(j->fd, head.data, head.len) == 0 && fsync(j->fd) == 0 &&
            link(tmp, j->path) == 0;
  int saved = errno;
  if (j->fd >= 0) unlink(tmp);
  free(tmp);
  strbuf_free(&head);
  if (ok && fsync_path(j->state_dir) == 0) return 0;
  log_line(
      MB_LOG_ERROR, NULL, "cannot start the export journal %s: %s", j->path,
      saved == EEXIST ? "another run's journal is there" : strerror(saved));
  if (j->fd >= 0) close(j->fd);
  j->fd = -1;
  errno = saved;
  return -1;
}

/* One record, on disk before the change it announces. */
static int append(journal *j, char type, const char *path) {
  if (j->fd < 0 && create_file(j) != 0) return -1;
  strbuf b = {0};
  strbuf_add(&b, &type, 1);
  if (path) strbuf_puts(&b, " "), put_escaped(&b, path);
  strbuf_puts(&b, "\n");
  int rc = write_all(j->fd, b.data, b.len);
  if (rc == 0) rc = fdatasync(j->fd);
  strbuf_free(&b);
  if (rc == 0 && path) records_add(&j->records, type, path);
  return rc;
}

static int fsync_path(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int fsync_parent(const char *path) {
  char *dir = path_dirname(path);
  int rc = fsync_path(dir);
  free(dir);
  return rc;
}

static char *backup_of(const char *path, const char *id) {
  return xasprintf("%s.mbhost-old.%s", path, id);
}

/* The temporary names of journal_begin left by a run killed inside it;
   the caller holds the project's lock, so no live run is beginning here. */
static void remove_unlinked_starts(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (str_starts_with(e->d_name, JOURNAL_NAME ".")) {
      char *p = path_join(dir, e->d_name);
      int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) unlink(p);
      if (fd >= 0) close(fd);
      free(p);
    }
  closedir(d);
}

/* ---- copies already in place ---- */

/* export-copies: a line "SRCSTAMP DSTSTAMP DST" per file the last
   committed export copied or found in place, DST escaped like the
   journal's paths. */
static char *read_copies(const char *path) {
  return state_read_text(path, "export record");
}

static void copy_line(strbuf *b, const stamp *src, const stamp *dst,
                      const char *dst_path) {
  char text[STAMP_TEXT];
  stamp_format(src, text);
  strbuf_printf(b, "%s ", text);
  stamp_format(dst, text);
  strbuf_printf(b, "%s ", text);
  put_escaped(b, dst_path);
  strbuf_puts(b, "\n");
}

static void copies_add(journal *j, const stamp *src, const stamp *dst,
                       bool ctime_known, const char *dst_path) {
  pthread_mutex_lock(&j->lock);
  copy_list *l = &j->copies;
  l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
  l->items[l->len++] = (copy){*src, *dst, ctime_known, xstrdup(dst_path)};
  pthread_mutex_unlock(&j->lock);
}

bool journal_same_copy(journal *j, const char *src, const char *dst) {
  stamp s, d;
  if (!j->last_copies || !stamp_of(src, &s) || !stamp_of(dst, &d) ||
      s.size != d.size)
    return false;
  strbuf line = {0};
  strbuf_puts(&line, "\n");
  copy_line(&line, &s, &d, dst);
  bool same = strstr(j->last_copies, line.data) != NULL;
  strbuf_free(&line);
  if (same) copies_add(j, &s, &d, true, dst);
  return same;
}

/* After the commit: the stamps of every destination still as this export
   left it, for the next export's journal_same_copy. */
static void save_copies(journal *j) {
  strbuf b = {0};
  for (size_t i = 0; i < j->copies.len; i++) {
    const copy *c = &j->copies.items[i];
    stamp now;
    if (!stamp_of(c->dst_path, &now) || now.dev != c->dst.dev ||
        now.ino != c->dst.ino || now.size != c->dst.size ||
        now.mtime_ns != c->dst.mtime_ns ||
        (c->dst_ctime_known && now.ctime_ns != c->dst.ctime_ns))
      continue;
    copy_line(&b, &c->src, &now, c->dst_path);
  }
  /* Unchanged (a no-op run): not rewritten. */
  if (j->last_copies && strcmp(j->last_copies + 1, b.len ? b.data : "") == 0) {
    strbuf_free(&b);
    return;
  }
  char *tmp = NULL;
  FILE *f = state_temp(j->copies_path, &tmp);
  if (f)
    state_commit(f, tmp, j->copies_path,
                 !b.len || fwrite(b.data, 1, b.len, f) == b.len);
  strbuf_free(&b);
}

journal *journal_begin(const char *state_dir, const char *output_dir) {
  unsigned char raw[16];
  if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
    log_line(MB_LOG_ERROR, NULL, "cannot start the export journal: %s",
             strerror(errno));
    return NULL;
  }
  journal *j = xcalloc(1, sizeof *j);
  pthread_mutex_init(&j->lock, NULL);
  j->path = path_join(state_dir, JOURNAL_NAME);
  j->state_dir = xstrdup(state_dir);
  j->output = xstrdup(output_dir);
  j->fd = -1;
  j->copies_path = path_join(state_dir, COPIES_NAME);
  j->last_copies = read_copies(j->copies_path);
  remove_unlinked_starts(state_dir);
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf(j->id + 2 * i, 3, "%02x", raw[i]);
  return j;
}

static bool recorded(const journal *j, const char *path) {
  for (size_t i = 0; i < j->records.len; i++)
    if (strchr("NR", j->records.items[i].type) &&
        strcmp(j->records.items[i].path, path) == 0)
      return true;
  return false;
}

/* Records every missing folder above path, outermost first. */
static int record_missing_dirs(journal *j, const char *path) {
  strvec missing = {0};
  char *dir = path_dirname(path);
  struct stat st;
  while (strcmp(dir, "/") != 0 && lstat(dir, &st) != 0 && errno == ENOENT) {
    strvec_push_owned(&missing, dir);
    dir = path_dirname(dir);
  }
  free(dir);
  int rc = 0;
  for (size_t i = missing.len; rc == 0 && i-- > 0;)
    rc = append(j, 'D', missing.items[i]);
  strvec_free(&missing);
  return rc;
}

static int copy_to_fd(const char *src, int out, mode_t *mode) {
  int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return -1;
  struct stat st;
  int rc = fstat(in, &st) == 0 ? copy_fd(in, out) : -1;
  if (rc == 0 && mode) *mode = st.st_mode & 07777;
  int saved = errno;
  close(in);
  errno = saved;
  return rc;
}

static int create_temp(journal *j, const char *dst, char **tmp);

/* The previous content of path, kept under its backup name: a hard link
   (the services replace files by rename, so the link keeps the old
   content), or a copy where links are not supported. */
static int keep_aside(journal *j, const char *path) {
  char *backup = backup_of(path, j->id);
  int rc = link(path, backup);
  if (rc != 0 && errno != EEXIST) {
    char *tmp;
    int fd = create_temp(j, backup, &tmp);
    rc = fd < 0 ? -1 : copy_to_fd(path, fd, NULL);
    if (fd >= 0) {
      if (rc == 0) rc = fsync(fd);
      close(fd);
      if (rc == 0) rc = rename(tmp, backup);
      free(tmp);
    }
  }
  if (rc == 0) rc = fsync_parent(path);
  free(backup);
  return rc;
}

static int prepare_locked(journal *j, const char *dst) {
  if (recorded(j, dst)) return 0;
  struct stat st;
  if (lstat(dst, &st) != 0) {
    if (errno != ENOENT) return -1;
    return record_missing_dirs(j, dst) == 0 ? append(j, 'N', dst) : -1;
  }
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    errno = EISDIR;
    return -1;
  }
  if (append(j, 'R', dst) != 0) return -1;
  if (keep_aside(j, dst) == 0) return 0;
  /* Not aside (a name already taken is not ours to rename back): the
     record is withdrawn, and this write refused. */
  int saved = errno;
  append(j, 'X', dst);
  for (size_t i = j->records.len; i-- > 0;)
    if (j->records.items[i].type == 'R' &&
        strcmp(j->records.items[i].path, dst) == 0) {
      j->records.items[i].type = '-';
      break;
    }
  errno = saved;
  return -1;
}

int journal_prepare(journal *j, const char *dst) {
  pthread_mutex_lock(&j->lock);
  int rc = prepare_locked(j, dst);
  pthread_mutex_unlock(&j->lock);
  return rc;
}

/* Called with the lock held. */
static int create_temp(journal *j, const char *dst, char **tmp) {
  *tmp = xasprintf("%s.mbhost-tmp.%s.%u", dst, j->id, ++j->temps);
  int fd = -1;
  if (append(j, 'T', *tmp) == 0) {
    fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      int saved = errno;
      append(j, 'X', *tmp);
      errno = saved;
    }
  }
  if (fd < 0) {
    int saved = errno;
    free(*tmp);
    *tmp = NULL;
    errno = saved;
  }
  return fd;
}

int journal_temp(journal *j, const char *dst, char **tmp) {
  *tmp = NULL;
  pthread_mutex_lock(&j->lock);
  int fd = -1;
  if (prepare_locked(j, dst) == 0) {
    char *dir = path_dirname(dst);
    if (mkdir_parents(dir) == 0) fd = create_temp(j, dst, tmp);
    free(dir);
  }
  pthread_mutex_unlock(&j->lock);
  return fd;
}

static bool owns_temp(journal *j, const char *tmp) {
  pthread_mutex_lock(&j->lock);
  bool found = false;
  for (size_t i = 0; i < j->records.len && !found; i++)
    found = j->records.items[i].type == 'T' &&
            strcmp(j->records.items[i].path, tmp) == 0;
  pthread_mutex_unlock(&j->lock);
  return found;
}

int journal_rename(journal *j, const char *tmp, const char *dst) {
  if (!owns_temp(j, tmp)) {
    errno = EINVAL;
    return -1;
  }
  int fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int rc = fd >= 0 ? fsync(fd) : -1;
  if (fd >= 0) close(fd);
  if (rc == 0) rc = rename(tmp, dst);
  if (rc != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
  }
  return rc;
}

int journal_copy(journal *j, const char *src, const char *dst) {
  char *tmp;
  int fd = journal_temp(j, dst, &tmp);
  if (fd < 0) return -1;
  mode_t mode = 0600;
  stamp before, after;
  struct stat st;
  bool stamped = stamp_of(src, &before);
  int rc = copy_to_fd(src, fd, &mode);
  if (rc == 0) rc = fchmod(fd, mode);
  int saved = errno;
  /* Recorded only when the source did not change while it was read. */
  stamped = stamped && rc == 0 && stamp_of(src, &after) &&
            stamp_equal(&before, &after) && fstat(fd, &st) == 0;
  stamp written = stamped ? stamp_from_stat(&st) : (stamp){0};
  if (close(fd) != 0 && rc == 0) rc = -1, saved = errno;
  if (rc == 0)
    rc = journal_rename(j, tmp, dst), saved = errno;
  else
    unlink(tmp);
  free(tmp);
  /* The rename moves the destination's ctime: save_copies takes it. */
  if (rc == 0 && stamped) copies_add(j, &before, &written, false, dst);
  errno = saved;
  return rc;
}

int journal_commit(journal *j) {
  pthread_mutex_lock(&j->lock);
  /* Every renamed name must be durable before the decision is. */
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < j->records.len; i++)
    if (strchr("DNR", j->records.items[i].type))
      rc = fsync_parent(j->records.items[i].path);
  /* Nothing written, nothing to decide: no journal, no commit record. */
  if (rc == 0 && j->fd >= 0) rc = append(j, 'C', NULL);
  if (rc == 0) j->committed = true;
  pthread_mutex_unlock(&j->lock);
  return rc;
}

static bool in_list(const strvec *v, const char *s) {
  return strvec_contains(v, s);
}

/* Applies a journal's records (see journal.h). Returns how many paths
   could not be put back. */
static size_t apply(const record_list *l, const char *id, bool committed) {
  size_t failed = 0;
  strvec withdrawn = {0};
  for (size_t i = l->len; i-- > 0;) {
    const record *r = &l->items[i];
    if (r->type == 'X') {
      strvec_push(&withdrawn, r->path);
      continue;
    }
    if (in_list(&withdrawn, r->path) && strchr("RT", r->type)) continue;
    bool ok = true;
    if (r->type == 'T') {
      ok = unlink(r->path) == 0 || errno == ENOENT;
    } else if (r->type == 'R') {
      struct stat aside, now;
      char *backup = backup_of(r->path, id);
      if (committed)
        ok = unlink(backup) == 0 || errno == ENOENT;
      else if (lstat(backup, &aside) == 0)
        /* rename() does nothing when both names are links to one file:
           the path was never replaced. */
        ok = lstat(r->path, &now) == 0 && now.st_ino == aside.st_ino &&
                     now.st_dev == aside.st_dev
                 ? unlink(backup) == 0
                 : rename(backup, r->path) == 0;
      free(backup);
    } else if (r->type == 'N' && !committed) {
      ok = unlink(r->path) == 0 || errno == ENOENT;
    } else if (r->type == 'D' && !committed) {
      ok = rmdir(r->path) == 0 || errno == ENOENT || errno == ENOTEMPTY ||
           errno == EEXIST;
    }
    if (!ok) {
      log_line(MB_LOG_ERROR, NULL, "cannot %s %s: %s",
               committed ? "clean up beside" : "restore", r->path,
               strerror(errno));
      failed++;
    }
  }
  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].type != 'X') fsync_parent(l->items[i].path);
  strvec_free(&withdrawn);
  return failed;
}

static void journal_free(journal *j) {
  if (j->fd >= 0) close(j->fd);
  records_free(&j->records);
  for (size_t i = 0; i < j->copies.len; i++)
    free(j->copies.items[i].dst_path);
  free(j->copies.items);
  free(j->path), free(j->output), free(j->copies_path), free(j->last_copies);
  free(j->state_dir);
  pthread_mutex_destroy(&j->lock);
  free(j);
}

size_t journal_end(journal *j) {
  size_t failed = apply(&j->records, j->id, j->committed);
  if (j->committed && failed == 0) save_copies(j);
  /* A journal whose rollback is incomplete stays, for the next run. */
  if (failed == 0 && j->fd >= 0) {
    unlink(j->path);
    char *dir = path_dirname(j->path);
    fsync_path(dir);
    free(dir);
  }
  journal_free(j);
  return failed;
}

/* ---- recovery ---- */

typedef struct dead_journal {
  char id[33];
  char *output;
  bool committed;
  record_list records;
} dead_journal;

/* Parses a journal; false when it is not one. Every path must be inside
   the output folder its header names; a folder the run created may also
   be the output folder or above it. */
static bool parse(const char *text, size_t len, dead_journal *d) {
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break; /* written halfway: never acted on */
    size_t n = (size_t)(nl - p);
    if (p == text) {
      if (n != 4 + 32 || strncmp(p, "J 1 ", 4) != 0) return false;
      memcpy(d->id, p + 4, 32);
      d->id[32] = '\0';
    } else if (n == 1 && *p == 'C') {
      d->committed = true;
    } else if (n > 2 && p[1] == ' ' && strchr("ODNRTX", *p)) {
      char *path = unescape(p + 2, n - 2);
      if (*p == 'O' && !d->output) {
        d->output = path;
      } else if (*p != 'O' && d->output && path[0] == '/' &&
                 (*p == 'D' ? path_is_inside(path, d->output) ||
                                  path_is_inside(d->output, path)
                            : path_is_inside(path, d->output) &&
                                  strcmp(path, d->output) != 0)) {
        records_add(&d->records, *p, path);
        free(path);
      } else {
        free(path);
        return false;
      }
    } else {
      return false;
    }
    p = nl + 1;
  }
  return d->id[0] && d->output;
}

static bool same_folder(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  if (realpath(a, ra) && realpath(b, rb)) return strcmp(ra, rb) == 0;
  return strcmp(a, b) == 0;
}

static char *read_fd(int fd, size_t *len) {
  strbuf b = {0};
  char chunk[8192];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0)
    strbuf_add(&b, chunk, (size_t)n);
  *len = b.len;
  return n < 0 ? (strbuf_free(&b), NULL) : b.data ? b.data : xstrdup("");
}

/* Recovers one project's journal if its run is dead and it is about
   output_dir. Returns false when it could not be recovered. */
static bool recover_one(const char *path, const char *output_dir) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd); /* not ours, or its run is alive */
    return true;
  }
  size_t len;
  char *text = read_fd(fd, &len);
  dead_journal d = {0};
  bool ok = true;
  if (!text || !parse(text, len, &d)) {
    log_line(MB_LOG_ERROR, NULL,
             "%s is not an export journal mbhost can read; look at it, then "
             "remove it",
             path);
    ok = false;
  } else if (!output_dir || same_folder(d.output, output_dir)) {
    size_t failed = apply(&d.records, d.id, d.committed);
    size_t files = 0;
    for (size_t i = 0; i < d.records.len; i++)
      files += strchr("NR", d.records.items[i].type) != NULL;
    log_line(MB_LOG_WARN, NULL,
             "an earlier run was killed while exporting to %s: %s %zu "
             "file%s, removed its temporary files",
             d.output, d.committed ? "completed the export of" : "put back",
             files, files == 1 ? "" : "s");
    ok = failed == 0;
    if (ok) unlink(path);
  }
  free(text);
  free(d.output);
  records_free(&d.records);
  close(fd);
  return ok;
}

size_t journal_recover(const char *projects_dir, const char *output_dir) {
  DIR *d = opendir(projects_dir);
  if (!d) return 0;
  size_t failed = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *dir = path_join(projects_dir, e->d_name);
    char *path = path_join(dir, JOURNAL_NAME);
    if (!recover_one(path, output_dir)) failed++;
    free(path);
    free(dir);
  }
  closedir(d);
  return failed;
}
