#include "digest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "stamp.h"
#include "state.h"

/* Files modified this recently are hashed but not remembered: a later
   write within the same timestamp tick would otherwise go unnoticed. */
#define RACY_SECONDS 2

/* A file's kind as the digest sees it: 'x' an executable regular file
   (the bit is part of the digest), '-' another file or a symlink, 'd' a
   folder (not in the digest: its stamp says whether its entries can have
   changed). */
typedef struct stat_entry {
  char *rel;
  stamp st;
  char hex[65];
  char kind;
} stat_entry;

/* Open addressing over rel paths; `slots` holds indexes + 1 into `items`. */
typedef struct stat_table {
  stat_entry *items;
  size_t len, cap;
  size_t *slots;
  size_t nslots;
} stat_table;

/* A request's `only`, ready for lookups (all sorted): the folders whose
   files are in, the folders with everything below them, and the folders
   above either, which are walked only to reach them. */
typedef struct selection {
  bool all; /* no `only`, or "./..." */
  strvec flat, deep, above;
} selection;

typedef struct walk {
  const digest_request *req;
  const selection *sel;
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

/* 64 lowercase hex digits, then `end`. */
static bool is_hex64_then(const char *s, char end) {
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return s[64] == end;
}

static bool is_hex64(const char *s) {
  return is_hex64_then(s, ' ');
}

#define STAT_CACHE_MAGIC "mbhost-stat/4 "

/* The stat cache: a header "mbhost-stat/4 DIGEST REQUEST" (the digest
   these files made, or "-" when files too recent to remember made it too;
   the hash of what was asked: root, skips, ignore globs and `only`); with
   a digest and `only`, a line "= HEX" per item of `only` (its digest, in
   order); then a line per entry, "STAMP KIND HEX REL" for files and
   "STAMP d REL" for folders (the root is "."). */
typedef struct stat_cache {
  char *text; /* state_read_text's: lines are cut in place */
  char digest[65];
  const char *only_hex; /* the first "= HEX" line, if any */
  size_t nonly;         /* how many */
  char *body;           /* the first entry line */
  char *end;            /* the end of the text, however its lines were cut */
} stat_cache;

/* The hash that says which request a stat cache was written for: the same
   files under the same folders are the same digest only for the same
   skips and globs. */
static void request_id(const digest_request *req, char hex[65]) {
  strbuf b = {0};
  strbuf_add(&b, req->root, strlen(req->root) + 1);
  for (size_t i = 0; req->skip && i < req->skip->len; i++)
    strbuf_add(&b, req->skip->items[i], strlen(req->skip->items[i]) + 1);
  strbuf_add(&b, "\n", 1);
  for (size_t i = 0; req->ignore && i < req->ignore->len; i++)
    strbuf_add(&b, req->ignore->items[i], strlen(req->ignore->items[i]) + 1);
  if (req->only) {
    strbuf_add(&b, "\nonly\n", 6);
    for (size_t i = 0; i < req->only->len; i++)
      strbuf_add(&b, req->only->items[i], strlen(req->only->items[i]) + 1);
  }
  sha256_hex(b.data, b.len, hex);
  strbuf_free(&b);
}

/* Reads the stat cache in one go. Its digest is kept only when it was
   complete and written for this request; a file that is not a stat cache
   has no entries. */
static void read_stat_cache(const digest_request *req, stat_cache *c) {
  *c = (stat_cache){0};
  if (!req->stat_cache) return;
  c->text = state_read_text(req->stat_cache, "stat cache");
  size_t magic = strlen(STAT_CACHE_MAGIC);
  if (!c->text || strncmp(c->text + 1, STAT_CACHE_MAGIC, magic) != 0) return;
  char *header = c->text + 1 + magic, *end = strchr(header, '\n');
  if (!end) return;
  c->body = end + 1;
  if (strncmp(c->body, "= ", 2) == 0) c->only_hex = c->body;
  /* is_hex64 stops at the text's end: a cut line is not read past. */
  for (; strncmp(c->body, "= ", 2) == 0 && is_hex64_then(c->body + 2, '\n');
       c->body += 67)
    c->nonly++;
  c->end = c->body + strlen(c->body);
  char id[65];
  request_id(req, id);
  if (end - header == 129 && is_hex64(header) &&
      strncmp(header + 65, id, 64) == 0) {
    memcpy(c->digest, header, 64);
    c->digest[64] = '\0';
  }
}

/* Parses the entry line at *p (cut at its end, if not cut already) and
   moves *p to the next; false at `limit` or at a damaged line. `hex` (its
   digits not checked: the stamp check does not need them) and `rel` point
   into the line. */
static bool next_entry(char **p, const char *limit, stamp *st, char *kind,
                       const char **hex, const char **rel) {
  char *line = *p;
  if (!line || line >= limit) return false;
  char *end = line + strcspn(line, "\n");
  if (end >= limit) return false; /* a last line without its end */
  *end = '\0';
  *p = end + 1;
  size_t n = stamp_parse(line, st);
  if (!n || line[n] != ' ') return false;
  char *k = line + n + 1;
  if ((*k != 'x' && *k != '-' && *k != 'd') || k[1] != ' ') return false;
  *kind = *k;
  *hex = NULL;
  *rel = k + 2;
  if (*kind != 'd') {
    if (end - (k + 2) < 66 || k[66] != ' ') return false;
    *hex = k + 2;
    *rel = k + 67;
  }
  return **rel != '\0';
}

/* The entries of a stat cache, for the walk to look files up in. A damaged
   file is taken up to the damaged line: it only costs re-reading files. */
static void load_stat_table(stat_cache *c, stat_table *t) {
  stamp st;
  char kind;
  const char *hex, *rel;
  for (char *p = c->body; next_entry(&p, c->end, &st, &kind, &hex, &rel);) {
    if (hex && !is_hex64(hex)) break;
    stat_entry e = {.rel = xstrdup(rel), .st = st, .kind = kind};
    if (hex) memcpy(e.hex, hex, 64);
    table_add(t, &e);
  }
}

static void save_stat_cache(const digest_request *req, const stat_table *t,
                            int64_t racy_after_ns, const digest_result *res) {
  char *dir = path_dirname(req->stat_cache);
  state_mkdirs(dir);
  free(dir);
  char *tmp;
  FILE *f = state_temp(req->stat_cache, &tmp);
  if (!f) return;
  bool complete = true;
  for (size_t i = 0; i < t->len; i++)
    complete = complete && t->items[i].st.mtime_ns < racy_after_ns;
  char id[65];
  request_id(req, id);
  bool ok = fprintf(f, "%s%s %s\n", STAT_CACHE_MAGIC, complete ? res->hex : "-",
                    id) > 0;
  for (size_t i = 0; ok && complete && req->only && i < req->only->len; i++)
    ok = fprintf(f, "= %s\n", res->only_hex[i]) > 0;
  for (size_t i = 0; ok && i < t->len; i++) {
    const stat_entry *e = &t->items[i];
    if (e->st.mtime_ns >= racy_after_ns) continue;
    char st[STAMP_TEXT];
    stamp_format(&e->st, st);
    ok = e->kind == 'd'
             ? fprintf(f, "%s d %s\n", st, e->rel) > 0
             : fprintf(f, "%s %c %s %s\n", st, e->kind, e->hex, e->rel) > 0;
  }
  state_commit(f, tmp, req->stat_cache, ok);
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

static int by_text(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool sorted_has(const strvec *v, const char *s) {
  return v->len && bsearch(&s, v->items, v->len, sizeof *v->items, by_text);
}

static void selection_init(const strvec *only, selection *sel) {
  *sel = (selection){.all = !only};
  for (size_t i = 0; only && i < only->len; i++) {
    const char *item = only->items[i];
    size_t n = strlen(item);
    bool deep = n >= 4 && strcmp(item + n - 4, "/...") == 0;
    char *folder = xstrndup(item, deep ? n - 4 : n);
    if (deep && strcmp(folder, ".") == 0) sel->all = true;
    for (char *slash = strchr(folder, '/'); slash;
         slash = strchr(slash + 1, '/'))
      strvec_push_owned(&sel->above,
                        xstrndup(folder, (size_t)(slash - folder)));
    strvec_push_owned(deep ? &sel->deep : &sel->flat, folder);
  }
  strvec *lists[] = {&sel->flat, &sel->deep, &sel->above};
  for (size_t i = 0; i < 3; i++)
    if (lists[i]->len) /* qsort of NULL is undefined, even of nothing */
      qsort(lists[i]->items, lists[i]->len, sizeof *lists[i]->items, by_text);
}

static void selection_free(selection *sel) {
  strvec_free(&sel->flat);
  strvec_free(&sel->deep);
  strvec_free(&sel->above);
}

/* `rel` is a deep item or below one. */
static bool deep_covers(const selection *sel, const char *rel) {
  for (size_t i = 0; i < sel->deep.len; i++) {
    size_t n = strlen(sel->deep.items[i]);
    if (strncmp(rel, sel->deep.items[i], n) == 0 &&
        (rel[n] == '\0' || rel[n] == '/'))
      return true;
  }
  return false;
}

/* The files directly in folder `dir` ("" is the root) are in the digest. */
static bool files_in(const selection *sel, const char *dir) {
  if (sel->all) return true;
  if (!*dir) dir = ".";
  return sorted_has(&sel->flat, dir) || deep_covers(sel, dir);
}

/* The folder `rel` is walked. */
static bool folder_in(const selection *sel, const char *rel) {
  return sel->all || sorted_has(&sel->flat, rel) ||
         sorted_has(&sel->above, rel) || deep_covers(sel, rel);
}

/* A child of folder `dir` may be in: one that is not is left without a
   stat (a folder above the selection has many such entries). */
static bool child_may_be_in(const selection *sel, const char *dir,
                            const char *rel) {
  return files_in(sel, dir) || folder_in(sel, rel);
}

static char kind_of(const struct stat *st) {
  if (S_ISDIR(st->st_mode)) return 'd';
  return S_ISREG(st->st_mode) && (st->st_mode & S_IXUSR) ? 'x' : '-';
}

/* The content hash of one file, from the stat cache when its stamp and
   kind match; any other file counts in w->hashed. */
static bool hash_entry(walk *w, int dirfd, const char *name,
                       const struct stat *st, stat_entry *e) {
  stat_entry *old = table_find(w->old, e->rel);
  if (old && old->kind == e->kind && stamp_equal(&old->st, &e->st)) {
    memcpy(e->hex, old->hex, 65);
    return true;
  }
  if (S_ISLNK(st->st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(dirfd, name, target, sizeof target);
    if (n < 0) return false;
    sha256_hex(target, (size_t)n, e->hex);
  } else {
    char *path = path_join(w->req->root, e->rel);
    int rc = sha256_file_hex(path, e->hex, NULL);
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

/* The folder part of `rel` ("" for the root's entries), in a buffer that
   the next call reuses. */
static const char *parent_of(const char *rel) {
  static _Thread_local char parent[4096];
  const char *slash = strrchr(rel, '/');
  size_t n = slash ? (size_t)(slash - rel) : 0;
  if (n >= sizeof parent) n = sizeof parent - 1;
  memcpy(parent, rel, n);
  parent[n] = '\0';
  return parent;
}

static bool walk_child(walk *w, int dirfd, const char *name, const char *rel) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    w->problem = xasprintf("cannot stat %s/%s", w->req->root, rel);
    return false;
  }
  if (is_skipped(w, rel)) return true;
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    return true;
  if (S_ISDIR(st.st_mode) ? !folder_in(w->sel, rel)
                          : !files_in(w->sel, parent_of(rel)))
    return true;
  /* A folder's stamp is taken before its entries are read: an entry added
     meanwhile moves its mtime, so the next run reads it again. */
  stat_entry e = {
      .rel = xstrdup(rel), .st = stamp_from_stat(&st), .kind = kind_of(&st)};
  if (S_ISDIR(st.st_mode)) {
    table_push(&w->now, &e);
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      w->problem = xasprintf("cannot open %s/%s", w->req->root, rel);
      return false;
    }
    return walk_dir(w, fd, rel);
  }
  if (!hash_entry(w, dirfd, name, &st, &e)) {
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
    if (!digest_ignored(w->req->ignore, rel) &&
        child_may_be_in(w->sel, prefix, rel))
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

/* A file of the digest: pointers into a stat entry or a stat cache line. */
typedef struct file_ref {
  const char *rel, *hex;
  char kind;
} file_ref;

static int by_ref_rel(const void *a, const void *b) {
  return strcmp(((const file_ref *)a)->rel, ((const file_ref *)b)->rel);
}

/* Adds a file to a digest's text: its path, then its kind and the raw 32
   bytes of its hash (half the text to hash of the hex form). */
static void digest_text_add(strbuf *text, const file_ref *f) {
  strbuf_add(text, f->rel, strlen(f->rel) + 1);
  char raw[33];
  raw[0] = f->kind == 'x' ? 'x' : '-';
  hex_to_raw(f->hex, (unsigned char *)raw + 1);
  strbuf_add(text, raw, sizeof raw);
}

/* The digest of each `only` item, over `files` sorted by path. */
static void only_digests(const strvec *only, const file_ref *files, size_t n,
                         char (*out)[65]) {
  for (size_t i = 0; i < only->len; i++) {
    const char *item = only->items[i];
    size_t len = strlen(item);
    bool deep = len >= 4 && strcmp(item + len - 4, "/...") == 0;
    if (deep) len -= 4;
    bool root = len == 1 && item[0] == '.';
    /* The files below "a/b" are the ones from "a/b/" on, in order. */
    char *prefix = root ? xstrdup("") : xasprintf("%.*s/", (int)len, item);
    size_t plen = strlen(prefix), lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (strncmp(files[mid].rel, prefix, plen) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    strbuf text = {0};
    for (size_t f = lo; f < n && strncmp(files[f].rel, prefix, plen) == 0; f++)
      if (deep || !strchr(files[f].rel + plen, '/'))
        digest_text_add(&text, &files[f]);
    sha256_hex(text.data ? text.data : "", text.len, out[i]);
    strbuf_free(&text);
    free(prefix);
  }
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

static bool list_top_level(const digest_request *req, const selection *sel,
                           top_level *top) {
  int fd = dup(top->fd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0) close(fd);
    return false;
  }
  for (struct dirent *de; (de = readdir(d));)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
        strcmp(de->d_name, ".git") != 0 &&
        !digest_ignored(req->ignore, de->d_name) &&
        child_may_be_in(sel, "", de->d_name))
      strvec_push(&top->names, de->d_name);
  closedir(d);
  return true;
}

#define WALK_THREADS 2

/* Walks the source on up to WALK_THREADS threads into w->now. */
static bool walk_source(walk *w) {
  top_level top = {.fd =
                       open(w->req->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  struct stat st;
  if (top.fd < 0 || fstat(top.fd, &st) != 0 ||
      !list_top_level(w->req, w->sel, &top)) {
    w->problem = xasprintf("cannot open %s", w->req->root);
    if (top.fd >= 0) close(top.fd);
    return false;
  }
  /* The root's stamp, taken before its entries were listed. */
  stat_entry root = {
      .rel = xstrdup("."), .st = stamp_from_stat(&st), .kind = 'd'};
  table_push(&w->now, &root);
  pthread_mutex_init(&top.lock, NULL);
  walker workers[WALK_THREADS];
  pthread_t threads[WALK_THREADS];
  bool started[WALK_THREADS] = {false};
  for (int i = 0; i < WALK_THREADS; i++) {
    workers[i] = (walker){.w = *w, .top = &top};
    workers[i].w.now = (stat_table){0};
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

/* The check of a complete stat cache without reading a folder: every
   entry, folders included, still has its stamp and kind. A folder whose
   stamp is unchanged has the same entries (adding, removing or renaming
   one moves its mtime and ctime), so no file was added or removed
   anywhere; each file's stamp says it was not written or replaced. One
   fstatat per entry, relative to the root, in the cache's order, on
   WALK_THREADS threads each taking a run of lines. */
typedef struct check_part {
  int root_fd;
  char *from, *to; /* whole lines; *to is a line's start or the end */
  atomic_bool *changed;
  size_t files;
  int64_t newest; /* ctime */
} check_part;

static void *check_lines(void *arg) {
  check_part *c = arg;
  stamp old;
  char kind;
  const char *hex, *rel;
  for (char *p = c->from; p < c->to && !atomic_load(c->changed);) {
    struct stat st;
    if (!next_entry(&p, c->to, &old, &kind, &hex, &rel) ||
        fstatat(c->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      atomic_store(c->changed, true);
      break;
    }
    stamp now = stamp_from_stat(&st);
    if (kind_of(&st) != kind || !stamp_equal(&now, &old) ||
        (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)))
      atomic_store(c->changed, true);
    c->files += kind != 'd';
    if (now.ctime_ns > c->newest) c->newest = now.ctime_ns;
  }
  return NULL;
}

/* True when the stat cache's digest still holds (*files and *newest
   set). */
static bool stat_cache_holds(const digest_request *req, stat_cache *c,
                             size_t *files, int64_t *newest) {
  if (!c->digest[0]) return false;
  int root_fd = open(req->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return false;
  char *end = c->end;
  atomic_bool changed = false;
  check_part parts[WALK_THREADS];
  char *from = c->body;
  for (int i = 0; i < WALK_THREADS; i++) {
    char *to = end;
    if (i < WALK_THREADS - 1) {
      to = from + (size_t)(end - from) / (size_t)(WALK_THREADS - i);
      char *nl = strchr(to, '\n');
      to = nl ? nl + 1 : end;
    }
    parts[i] = (check_part){
        .root_fd = root_fd, .from = from, .to = to, .changed = &changed};
    from = to;
  }
  pthread_t threads[WALK_THREADS];
  bool started[WALK_THREADS] = {false};
  for (int i = 1; i < WALK_THREADS; i++)
    started[i] = pthread_create(&threads[i], NULL, check_lines, &parts[i]) == 0;
  for (int i = 0; i < WALK_THREADS; i++)
    if (i == 0 || !started[i]) check_lines(&parts[i]);
  *files = 0;
  *newest = 0;
  for (int i = 0; i < WALK_THREADS; i++) {
    if (i > 0 && started[i]) pthread_join(threads[i], NULL);
    *files += parts[i].files;
    if (parts[i].newest > *newest) *newest = parts[i].newest;
  }
  close(root_fd);
  return !atomic_load(&changed);
}

void digest_result_free(digest_result *res) {
  free(res->only_hex);
  res->only_hex = NULL;
}

bool source_digest(const digest_request *req, digest_result *out,
                   char **problem) {
  out->only_hex =
      req->only ? xcalloc(req->only->len + 1, sizeof *out->only_hex) : NULL;
  stat_cache cache;
  read_stat_cache(req, &cache);
  size_t checked;
  /* A complete stat cache made for `only` has its digests (a damaged one
     is walked again, as a changed one is). */
  bool complete = !req->only || cache.nonly == req->only->len;
  if (complete && stat_cache_holds(req, &cache, &checked, &out->newest_ns)) {
    memcpy(out->hex, cache.digest, 65);
    out->files = checked;
    out->hashed = 0;
    for (size_t i = 0; i < cache.nonly; i++)
      memcpy(out->only_hex[i], cache.only_hex + 67 * i + 2, 64);
    if (problem) *problem = NULL;
    free(cache.text);
    return true;
  }
  selection sel;
  selection_init(req->only, &sel);
  stat_table old = {0};
  walk w = {.req = req, .sel = &sel, .old = &old};
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  w.racy_after_ns = ((int64_t)now.tv_sec - RACY_SECONDS) * 1000000000;
  load_stat_table(&cache, &old);
  bool ok = walk_source(&w);
  file_ref *sorted = xcalloc(w.now.len + 1, sizeof *sorted);
  size_t files = 0;
  for (size_t i = 0; i < w.now.len; i++)
    if (w.now.items[i].kind != 'd')
      sorted[files++] = (file_ref){.rel = w.now.items[i].rel,
                                   .hex = w.now.items[i].hex,
                                   .kind = w.now.items[i].kind};
  if (ok) {
    /* Sorting small references: moving the entries themselves cost more. */
    qsort(sorted, files, sizeof *sorted, by_ref_rel);
    strbuf text = {0};
    for (size_t i = 0; i < files; i++)
      digest_text_add(&text, &sorted[i]);
    sha256_hex(text.data ? text.data : "", text.len, out->hex);
    strbuf_free(&text);
    if (req->only) only_digests(req->only, sorted, files, out->only_hex);
    out->files = files;
    out->hashed = w.hashed;
    out->newest_ns = 0;
    for (size_t i = 0; i < w.now.len; i++)
      if (w.now.items[i].st.ctime_ns > out->newest_ns)
        out->newest_ns = w.now.items[i].st.ctime_ns;
    if (req->stat_cache && !req->keep_stat_cache)
      save_stat_cache(req, &w.now, w.racy_after_ns, out);
  }
  free(sorted);
  if (problem)
    *problem = w.problem;
  else
    free(w.problem);
  free(cache.text);
  table_free(&old);
  table_free(&w.now);
  selection_free(&sel);
  return ok;
}
