#include "digest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "state.h"

/* Files modified this recently are hashed but not remembered: a later
   write within the same timestamp tick would otherwise go unnoticed. */
#define RACY_SECONDS 2

typedef struct stat_entry {
  char *rel;
  uint64_t size, mtime_ns, ino;
  char hex[65];
  bool exec; /* the executable bit, part of the digest */
} stat_entry;

/* Open addressing over rel paths; `slots` holds indexes + 1 into `items`. */
typedef struct stat_table {
  stat_entry *items;
  size_t len, cap;
  size_t *slots;
  size_t nslots;
} stat_table;

typedef struct walk {
  const digest_request *req;
  stat_table *old; /* shared, read-only while walking */
  stat_table now;
  int64_t racy_after_ns;
  size_t hashed;
  char *problem;
} walk;

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static void table_index(stat_table *t, size_t i) {
  size_t mask = t->nslots - 1;
  size_t slot = (size_t)fnv1a(t->items[i].rel) & mask;
  while (t->slots[slot])
    slot = (slot + 1) & mask;
  t->slots[slot] = i + 1;
}

/* Appends without indexing: the files found now are never looked up. */
static void table_push(stat_table *t, const stat_entry *e) {
  if (t->len == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 256;
    t->items = xrealloc(t->items, t->cap * sizeof *t->items);
  }
  t->items[t->len++] = *e;
}

static void table_add(stat_table *t, const stat_entry *e) {
  table_push(t, e);
  if ((t->len + 1) * 2 > t->nslots) {
    free(t->slots);
    t->nslots = t->nslots ? t->nslots * 2 : 512;
    while ((t->len + 1) * 2 > t->nslots)
      t->nslots *= 2;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    for (size_t i = 0; i < t->len; i++)
      table_index(t, i);
  } else {
    table_index(t, t->len - 1);
  }
}

static stat_entry *table_find(stat_table *t, const char *rel) {
  if (!t->nslots) return NULL;
  size_t mask = t->nslots - 1;
  for (size_t slot = (size_t)fnv1a(rel) & mask; t->slots[slot];
       slot = (slot + 1) & mask)
    if (strcmp(t->items[t->slots[slot] - 1].rel, rel) == 0)
      return &t->items[t->slots[slot] - 1];
  return NULL;
}

static void table_free(stat_table *t) {
  for (size_t i = 0; i < t->len; i++)
    free(t->items[i].rel);
  free(t->items);
  free(t->slots);
}

/* Reads a decimal number and the space after it; false when there is none.
   (By hand: sscanf, then strtoull, were most of a warm digest's time.) */
static bool parse_number(char **p, uint64_t *out) {
  char *s = *p;
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9' && s - *p < 20; s++)
    v = v * 10 + (uint64_t)(*s - '0');
  if (s == *p || *s != ' ') return false;
  *out = v;
  *p = s + 1;
  return true;
}

static bool is_hex64(const char *s) {
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return s[64] == ' ';
}

#define STAT_CACHE_MAGIC "mbhost-stat/2 "

/* A header "mbhost-stat/2 DIGEST" (the digest these files made, or "-"
   when files too recent to remember made it too), then
   lines of "size mtime_ns inode x|- hex relpath". A damaged file is
   ignored from the damaged line on: it only costs re-reading files. */
static void load_stat_cache(stat_table *t, const char *path, char digest[65]) {
  digest[0] = '\0';
  FILE *f = path ? state_fopen(path, "stat cache") : NULL;
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, f);
  size_t magic = strlen(STAT_CACHE_MAGIC);
  bool ok = n > (ssize_t)magic && line[n - 1] == '\n' &&
            strncmp(line, STAT_CACHE_MAGIC, magic) == 0;
  if (ok && n == (ssize_t)magic + 65) {
    line[n - 1] = ' '; /* is_hex64 wants a separator */
    if (is_hex64(line + magic)) snprintf(digest, 65, "%s", line + magic);
  }
  while (ok && (n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n') line[--n] = '\0';
    stat_entry e = {0};
    char *p = line;
    if (!parse_number(&p, &e.size) || !parse_number(&p, &e.mtime_ns) ||
        !parse_number(&p, &e.ino) || n - (p - line) < 68 ||
        (p[0] != 'x' && p[0] != '-') || p[1] != ' ' || !is_hex64(p + 2))
      break;
    e.exec = p[0] == 'x';
    memcpy(e.hex, p + 2, 64);
    e.rel = xstrdup(p + 67);
    table_add(t, &e);
  }
  free(line);
  fclose(f);
}

static void save_stat_cache(const stat_table *t, const char *path,
                            int64_t racy_after_ns, const char *digest) {
  char *dir = path_dirname(path);
  state_mkdirs(dir);
  free(dir);
  char *tmp = xasprintf("%s.tmp.XXXXXX", path);
  int fd = mkostemp(tmp, O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  bool complete = true;
  for (size_t i = 0; i < t->len; i++)
    complete = complete && (int64_t)t->items[i].mtime_ns < racy_after_ns;
  bool ok =
      f && fprintf(f, "%s%s\n", STAT_CACHE_MAGIC, complete ? digest : "-") > 0;
  for (size_t i = 0; ok && i < t->len; i++) {
    const stat_entry *e = &t->items[i];
    if ((int64_t)e->mtime_ns >= racy_after_ns) continue;
    ok = fprintf(f, "%lu %lu %lu %c %s %s\n", e->size, e->mtime_ns, e->ino,
                 e->exec ? 'x' : '-', e->hex, e->rel) > 0;
  }
  if (f && fclose(f) != 0) ok = false;
  if (!f && fd >= 0) close(fd);
  if (!ok || rename(tmp, path) != 0) unlink(tmp);
  free(tmp);
}

bool digest_ignored(const strvec *ignore, const char *rel) {
  if (!ignore) return false;
  const char *name = strrchr(rel, '/');
  name = name ? name + 1 : rel;
  for (size_t i = 0; i < ignore->len; i++) {
    const char *glob = ignore->items[i];
    if (strchr(glob, '/') ? fnmatch(glob, rel, FNM_PATHNAME) == 0
                          : fnmatch(glob, name, 0) == 0)
      return true;
  }
  return false;
}

static int64_t mtime_ns(const struct stat *st) {
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* The content hash of one file, from the stat cache when its stat (and
   executable bit) matches; any other file counts in w->hashed. */
static bool hash_entry(walk *w, int dirfd, const char *name, const char *rel,
                       const struct stat *st, bool exec, char hex[65]) {
  stat_entry *old = table_find(w->old, rel);
  if (old && old->size == (uint64_t)st->st_size &&
      old->mtime_ns == (uint64_t)mtime_ns(st) &&
      old->ino == (uint64_t)st->st_ino && old->exec == exec) {
    memcpy(hex, old->hex, 65);
    return true;
  }
  if (S_ISLNK(st->st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(dirfd, name, target, sizeof target);
    if (n < 0) return false;
    sha256_hex(target, (size_t)n, hex);
  } else {
    char *path = path_join(w->req->root, rel);
    int rc = sha256_file_hex(path, hex, NULL);
    free(path);
    if (rc != 0) return false;
  }
  w->hashed++;
  return true;
}

static bool is_skipped(const walk *w, const char *rel) {
  if (!w->req->skip) return false;
  for (size_t i = 0; i < w->req->skip->len; i++) {
    const char *skip = w->req->skip->items[i];
    size_t n = strlen(w->req->root);
    if (strncmp(skip, w->req->root, n) == 0 && skip[n] == '/' &&
        strcmp(skip + n + 1, rel) == 0)
      return true;
  }
  return false;
}

static bool walk_dir(walk *w, int dirfd, const char *prefix);

static char *join_rel(const char *prefix, const char *name) {
  size_t np = strlen(prefix), nn = strlen(name);
  char *rel = xmalloc(np + nn + 2);
  memcpy(rel, prefix, np);
  rel[np] = '/';
  memcpy(rel + (np ? np + 1 : 0), name, nn + 1);
  return rel;
}

static bool walk_child(walk *w, int dirfd, const char *name, const char *rel) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    w->problem = xasprintf("cannot stat %s/%s", w->req->root, rel);
    return false;
  }
  if (is_skipped(w, rel)) return true;
  if (S_ISDIR(st.st_mode)) {
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      w->problem = xasprintf("cannot open %s/%s", w->req->root, rel);
      return false;
    }
    return walk_dir(w, fd, rel);
  }
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) return true;
  /* The executable bit changes what a build produces (scripts it runs). */
  stat_entry e = {.rel = xstrdup(rel),
                  .size = (uint64_t)st.st_size,
                  .mtime_ns = (uint64_t)mtime_ns(&st),
                  .ino = (uint64_t)st.st_ino,
                  .exec = S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR)};
  if (!hash_entry(w, dirfd, name, rel, &st, e.exec, e.hex)) {
    w->problem = xasprintf("cannot read %s/%s", w->req->root, rel);
    free(e.rel);
    return false;
  }
  table_push(&w->now, &e);
  return true;
}

/* Takes ownership of dirfd. */
static bool walk_dir(walk *w, int dirfd, const char *prefix) {
  DIR *d = fdopendir(dirfd);
  if (!d) {
    close(dirfd);
    w->problem = xasprintf("cannot read %s/%s", w->req->root, prefix);
    return false;
  }
  bool ok = true;
  struct dirent *de;
  while (ok && (errno = 0, de = readdir(d))) {
    const char *name = de->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    if (!*prefix && strcmp(name, ".git") == 0) continue;
    char *rel = join_rel(prefix, name);
    if (!digest_ignored(w->req->ignore, rel))
      ok = walk_child(w, dirfd, name, rel);
    free(rel);
  }
  if (ok && errno) {
    w->problem = xasprintf("cannot read %s/%s", w->req->root, prefix);
    ok = false;
  }
  closedir(d);
  return ok;
}

static int hex_value(char c) {
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void hex_to_raw(const char *hex, unsigned char raw[32]) {
  for (int i = 0; i < 32; i++)
    raw[i] =
        (unsigned char)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
}

static int by_rel(const void *a, const void *b) {
  return strcmp((*(const stat_entry *const *)a)->rel,
                (*(const stat_entry *const *)b)->rel);
}

/* The source's top-level entries, shared out among walking threads: a
   warm digest is mostly stat() calls, which two cores halve. */
typedef struct top_level {
  int fd;
  strvec names;
  size_t next;
  bool failed;
  pthread_mutex_t lock;
} top_level;

typedef struct walker {
  walk w;
  top_level *top;
} walker;

static void *walk_top_level(void *arg) {
  walker *wk = arg;
  top_level *top = wk->top;
  for (;;) {
    pthread_mutex_lock(&top->lock);
    size_t i = top->failed ? top->names.len : top->next++;
    pthread_mutex_unlock(&top->lock);
    if (i >= top->names.len) return NULL;
    const char *name = top->names.items[i];
    if (walk_child(&wk->w, top->fd, name, name)) continue;
    pthread_mutex_lock(&top->lock);
    top->failed = true;
    pthread_mutex_unlock(&top->lock);
  }
}

static bool list_top_level(const digest_request *req, top_level *top) {
  int fd = dup(top->fd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0) close(fd);
    return false;
  }
  for (struct dirent *de; (de = readdir(d));)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
        strcmp(de->d_name, ".git") != 0 &&
        !digest_ignored(req->ignore, de->d_name))
      strvec_push(&top->names, de->d_name);
  closedir(d);
  return true;
}

#define WALK_THREADS 2

/* Walks the source on up to WALK_THREADS threads into w->now. */
static bool walk_source(walk *w) {
  top_level top = {.fd =
                       open(w->req->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (top.fd < 0 || !list_top_level(w->req, &top)) {
    w->problem = xasprintf("cannot open %s", w->req->root);
    if (top.fd >= 0) close(top.fd);
    return false;
  }
  pthread_mutex_init(&top.lock, NULL);
  walker workers[WALK_THREADS];
  pthread_t threads[WALK_THREADS];
  bool started[WALK_THREADS] = {false};
  for (int i = 0; i < WALK_THREADS; i++) {
    workers[i] = (walker){.w = *w, .top = &top};
    if (i > 0)
      started[i] =
          pthread_create(&threads[i], NULL, walk_top_level, &workers[i]) == 0;
  }
  walk_top_level(&workers[0]);
  for (int i = 1; i < WALK_THREADS; i++)
    if (started[i]) pthread_join(threads[i], NULL);
  for (int i = 0; i < WALK_THREADS; i++) {
    walk *part = &workers[i].w;
    for (size_t e = 0; e < part->now.len; e++)
      table_push(&w->now, &part->now.items[e]);
    free(part->now.items);
    w->hashed += part->hashed;
    if (!w->problem)
      w->problem = part->problem;
    else
      free(part->problem);
  }
  pthread_mutex_destroy(&top.lock);
  strvec_free(&top.names);
  close(top.fd);
  return !top.failed;
}

bool source_digest(const digest_request *req, digest_result *out,
                   char **problem) {
  stat_table old = {0};
  walk w = {.req = req, .old = &old};
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  w.racy_after_ns = ((int64_t)now.tv_sec - RACY_SECONDS) * 1000000000;
  char last[65];
  load_stat_cache(&old, req->stat_cache, last);
  bool ok = walk_source(&w);
  /* Every file matched the stat cache and there are as many (their paths
     are distinct, so they are the same files): the digest is the one
     those files made, with no need to sort and hash the list again. */
  bool same_files = last[0] && w.hashed == 0 && w.now.len == old.len;
  if (ok && same_files) {
    memcpy(out->hex, last, 65);
  } else if (ok) {
    /* Sorting pointers: moving the entries themselves cost more. */
    const stat_entry **sorted = xcalloc(w.now.len + 1, sizeof *sorted);
    for (size_t i = 0; i < w.now.len; i++)
      sorted[i] = &w.now.items[i];
    qsort(sorted, w.now.len, sizeof *sorted, by_rel);
    strbuf text = {0};
    for (size_t i = 0; i < w.now.len; i++) {
      const stat_entry *e = sorted[i];
      strbuf_add(&text, e->rel, strlen(e->rel) + 1);
      /* The raw 32 bytes: half the text to hash of the hex form. */
      char raw[33];
      raw[0] = e->exec ? 'x' : '-';
      hex_to_raw(e->hex, (unsigned char *)raw + 1);
      strbuf_add(&text, raw, sizeof raw);
    }
    sha256_hex(text.data ? text.data : "", text.len, out->hex);
    strbuf_free(&text);
    free(sorted);
  }
  if (ok) {
    out->files = w.now.len;
    out->hashed = w.hashed;
    if (req->stat_cache && !req->keep_stat_cache && !same_files)
      save_stat_cache(&w.now, req->stat_cache, w.racy_after_ns, out->hex);
  }
  if (problem)
    *problem = w.problem;
  else
    free(w.problem);
  table_free(&old);
  table_free(&w.now);
  return ok;
}
