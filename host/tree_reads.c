#include "tree_reads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "log.h"
#include "state.h"

#define RECORD_MAGIC "mbhost-tree-reads/1\n"
#define KEY_MAGIC "mbhost-tree-reads-key/1\n"
#define CTIME_SLACK_NS (20 * 1000000LL)
/* A listing or a record bigger than this is not one (GOROOT has 1,700
   folders). */
#define LIST_MAX (1u << 20)

static char *record_path(const char *root, const char *key) {
  return xasprintf("%s/tree-reads/%.2s/%s", root, key, key);
}

/* A folder relative to the tree: "." (its own files), or names joined by
   '/', none of them empty, "." or "..". */
static bool part_ok(const char *part) {
  if (strcmp(part, ".") == 0) return true;
  if (!*part || strlen(part) >= PATH_MAX) return false;
  for (const char *name = part;;) {
    const char *slash = strchr(name, '/');
    size_t n = slash ? (size_t)(slash - name) : strlen(name);
    if (n == 0 || (n == 1 && name[0] == '.') ||
        (n == 2 && name[0] == '.' && name[1] == '.'))
      return false;
    if (!slash) return true;
    name = slash + 1;
  }
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(strvec *v) {
  if (!v->len) return;
  qsort(v->items, v->len, sizeof *v->items, by_text);
  size_t kept = 1;
  for (size_t i = 1; i < v->len; i++)
    if (strcmp(v->items[i], v->items[kept - 1]) == 0)
      free(v->items[i]);
    else
      v->items[kept++] = v->items[i];
  v->len = kept;
  v->items[kept] = NULL;
}

static bool parse_parts(const char *text, size_t len, strvec *parts) {
  size_t magic = strlen(RECORD_MAGIC);
  if (len < magic || len > LIST_MAX || memcmp(text, RECORD_MAGIC, magic) != 0 ||
      memchr(text, '\0', len))
    return false;
  for (const char *p = text + magic, *end = text + len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return false;
    char *part = xstrndup(p, (size_t)(nl - p));
    if (!part_ok(part)) {
      free(part);
      return false;
    }
    strvec_push_owned(parts, part);
    p = nl + 1;
  }
  return true;
}

/* The parts of a record's text, or false (and none) when it is not a
   record. */
static bool parse_record(const char *text, size_t len, strvec *parts) {
  bool ok = parse_parts(text, len, parts);
  if (!ok) strvec_free(parts);
  return ok;
}

/* `mark`: a record in use has its mtime moved, as an entry's manifest
   (to CACHE_LRU_SECONDS), so cache_prune keeps it while its entries stay. */
static bool load_record(const char *root, const char *key, strvec *parts,
                        bool mark) {
  char *path = record_path(root, key);
  char *text = state_read_text(path, "tree reads record");
  /* state_read_text puts a "\n" first. */
  bool ok = text && parse_record(text + 1, strlen(text + 1), parts);
  struct stat st;
  if (ok && mark && stat(path, &st) == 0 &&
      st.st_mtime <= time(NULL) - CACHE_LRU_SECONDS)
    utimensat(AT_FDCWD, path, NULL, 0);
  free(text), free(path);
  return ok;
}

static bool save_record(const char *root, const char *key,
                        const strvec *parts) {
  char *path = record_path(root, key), *dir = path_dirname(path), *tmp;
  FILE *f = state_mkdirs(dir) == 0 ? state_temp(path, &tmp) : NULL;
  bool ok = f != NULL;
  if (f) {
    ok = fputs(RECORD_MAGIC, f) >= 0;
    for (size_t i = 0; ok && i < parts->len; i++)
      ok = fprintf(f, "%s\n", parts->items[i]) > 0;
    ok = state_commit(f, tmp, path, ok);
  }
  free(path), free(dir);
  return ok;
}

/* What the reads step printed, as parts of `tree`: each line a folder in
   the tree, absolute (the tree as written, or as resolved) or relative to
   it. False with *problem. */
static bool read_listing(const char *file, const char *tree, strvec *parts,
                         char **problem) {
  char *text = state_read_text(file, "tree reads list");
  if (!text) {
    *problem = xasprintf("its reads step left no list in %s", file);
    return false;
  }
  char *real = realpath(tree, NULL);
  const char *roots[] = {tree, real};
  bool ok = strlen(text) <= LIST_MAX;
  if (!ok) *problem = xasprintf("%s is too big to be a list of folders", file);
  for (char *save, *line = strtok_r(text, "\n", &save); ok && line;
       line = strtok_r(NULL, "\n", &save)) {
    size_t n = strlen(line);
    while (n > 1 && (line[n - 1] == '/' || line[n - 1] == '\r'))
      line[--n] = '\0';
    char *part = line[0] == '/' ? NULL : xstrdup(line);
    for (size_t r = 0; !part && r < 2 && roots[r]; r++) {
      size_t len = strlen(roots[r]);
      if (strncmp(line, roots[r], len) == 0 && line[len] == '\0')
        part = xstrdup(".");
      else if (strncmp(line, roots[r], len) == 0 && line[len] == '/')
        part = xstrdup(line + len + 1);
    }
    ok = part && part_ok(part);
    if (ok)
      strvec_push_owned(parts, part);
    else {
      *problem =
          xasprintf("its reads step lists %s, not a folder of %s", line, tree);
      free(part);
    }
  }
  free(real);
  free(text);
  if (ok) sort_unique(parts);
  return ok;
}

/* The key: the reads key, then each part with the digest of its files. */
static void narrowed_key(const char *reads_key, const strvec *parts,
                         const strvec *all, char (*digests)[65], char hex[65]) {
  strbuf b = {0};
  strbuf_puts(&b, KEY_MAGIC);
  strbuf_add(&b, reads_key, 64);
  for (size_t i = 0; i < parts->len; i++) {
    const char *part = parts->items[i];
    char **at =
        bsearch(&part, all->items, all->len, sizeof *all->items, by_text);
    /* Each part with its digest: NUL ends a part, no name has one. */
    strbuf_add(&b, part, strlen(part) + 1);
    strbuf_add(&b, digests[at - all->items], 64);
  }
  sha256_hex(b.data, b.len, hex);
  strbuf_free(&b);
}

static bool wanted(const target_result *tr, target_status status,
                   const char *tree) {
  return tr->status == status && tr->reads_key[0] && tr->plan.reads_tree &&
         strcmp(tr->plan.reads_tree, tree) == 0;
}

/* Keys the targets with `status` that narrow the tree f->trees.items[t]
   and have a record (but not the cache hits: they have their key), with
   one digest of all their parts; the latest ctime in it (0: none). */
static int64_t key_tree(const cache_context *c, size_t t, target_set *ts,
                        target_status status, bool save) {
  const char *root = c->root;
  const facts *f = c->facts;
  const char *tree = f->trees.items[t];
  strvec *parts = xcalloc(ts->len + 1, sizeof *parts);
  strvec all = {0};
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (!wanted(tr, status, tree)) continue;
    bool recorded = tr->reads_record
                        ? parse_record(tr->reads_record,
                                       strlen(tr->reads_record), &parts[i])
                        : load_record(root, tr->reads_key, &parts[i], save);
    if (!recorded) continue;
    for (size_t a = 0; a < tr->plan.reads_always.len; a++)
      strvec_push(&parts[i], tr->plan.reads_always.items[a]);
    sort_unique(&parts[i]);
    for (size_t p = 0; p < parts[i].len; p++)
      strvec_push(&all, parts[i].items[p]);
  }
  sort_unique(&all);
  digest_result res = {0};
  char *problem = NULL;
  if (all.len && cache_digest_tree(root, f, t, &all, c->project->source, save,
                                   &res, &problem))
    for (size_t i = 0; i < ts->len; i++)
      if (parts[i].len && !ts->items[i].cache_hit)
        narrowed_key(ts->items[i].reads_key, &parts[i], &all, res.only_hex,
                     ts->items[i].cache_key);
  /* Else unkeyed: no hit, and nothing stored, on a tree that cannot be
     read. */
  int64_t newest = res.newest_ns;
  digest_result_free(&res);
  free(problem);
  for (size_t i = 0; i < ts->len; i++)
    strvec_free(&parts[i]);
  free(parts);
  strvec_free(&all);
  return newest;
}

void tree_reads_keys(const cache_context *c, target_set *ts, bool save) {
  for (size_t t = 0; t < c->facts->trees.len; t++)
    key_tree(c, t, ts, TARGET_PENDING, save);
}

void tree_reads_record(const cache_context *c, target_set *ts,
                       int64_t since_ns) {
  const char *root = c->root;
  bool any = false;
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (tr->status != TARGET_OK || tr->cache_hit || !tr->reads_key[0] ||
        !tr->plan.reads_tree)
      continue;
    char *file =
        plan_expand(PLAN_TREE_READS_FILE, tr->staging, tr->scratch, NULL);
    strvec parts = {0};
    char *problem = NULL;
    bool recorded = false;
    if (!read_listing(file, tr->plan.reads_tree, &parts, &problem))
      log_line(MB_LOG_WARN, tr->target->name, "not cached: %s", problem);
    else if (!save_record(root, tr->reads_key, &parts))
      log_line(MB_LOG_WARN, tr->target->name,
               "not cached: cannot record what it read in %s: %s", root,
               strerror(errno));
    else
      recorded = true;
    /* Not keyed below, so not stored: an older record is not this build's
       list. */
    if (!recorded) tr->reads_key[0] = '\0';
    any |= recorded;
    free(problem), free(file);
    strvec_free(&parts);
  }
  /* Every target that ended well, hits too: the digest asks for what the
     next run asks for, so its stat cache holds then. */
  int64_t newest = 0;
  for (size_t t = 0; any && t < c->facts->trees.len; t++) {
    int64_t n = key_tree(c, t, ts, TARGET_OK, true);
    if (n > newest) newest = n;
  }
  /* File times come from a coarse clock, up to a tick behind the wall
     clock: a change just after the start can look a little earlier. */
  if (!any || newest < since_ns - CTIME_SLACK_NS) return;
  /* Keyed on what the files are now, the results could be of what they
     were: as with a source changed during the build, nothing is stored. */
  log_line(MB_LOG_WARN, NULL,
           "the toolchain's files changed during the build: its results are "
           "not cached");
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (tr->status == TARGET_OK && !tr->cache_hit && tr->reads_key[0])
      tr->cache_key[0] = '\0';
  }
}

char *tree_reads_path(const char *root, const char *reads_key) {
  return record_path(root, reads_key);
}

bool tree_reads_adopt(const char *root, target_result *tr, char *text,
                      size_t len, bool save) {
  strvec parts = {0};
  bool ok = parse_record(text, len, &parts);
  if (ok && save) save_record(root, tr->reads_key, &parts);
  strvec_free(&parts);
  if (!ok) return false;
  free(tr->reads_record);
  tr->reads_record = text;
  return true;
}

void tree_reads_prune(const char *root, int64_t before_ns) {
  char *top = xasprintf("%s/tree-reads", root);
  DIR *d = opendir(top);
  for (struct dirent *de; d && (de = readdir(d));) {
    if (de->d_name[0] == '.') continue;
    char *sub = path_join(top, de->d_name);
    DIR *records = opendir(sub);
    for (struct dirent *r; records && (r = readdir(records));) {
      struct stat st;
      if (r->d_name[0] != '.' &&
          fstatat(dirfd(records), r->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec <
              before_ns)
        unlinkat(dirfd(records), r->d_name, 0);
    }
    if (records) closedir(records);
    rmdir(sub); /* only when it is empty */
    free(sub);
  }
  if (d) closedir(d);
  free(top);
}
