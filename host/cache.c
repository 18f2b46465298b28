#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "schema.h"
#include "stamp.h"
#include "state.h"
#include "tree_reads.h"

#define MANIFEST_MAGIC "mbhost-action/2"
#define PROBE_MAGIC "mbhost-probe/2"

char *cache_dir(const config *cfg) {
  const char *dir = cfg ? config_get(cfg, "cache", "dir") : NULL;
  if (dir) return xstrdup(dir);
  const char *xdg = getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return xasprintf("%s/mbhost", xdg);
  const char *home = getenv("HOME");
  /* No shared fallback such as /tmp: another user could create it first. */
  return home && *home ? xasprintf("%s/.cache/mbhost", home) : NULL;
}

char *cache_open_root(const config *cfg, bool create, char **problem) {
  char *root = cache_dir(cfg);
  if (!root) {
    *problem = xstrdup("no cache folder: neither HOME nor XDG_CACHE_HOME is "
                       "set (set one of them, or [cache] dir in the config)");
    return NULL;
  }
  *problem = create ? state_dir_make(root) : state_dir_problem(root, true);
  if (!*problem) return root;
  free(root);
  return NULL;
}

uint64_t cache_max_size(const config *cfg) {
  const char *v = cfg ? config_get(cfg, "cache", "max_size") : NULL;
  if (v) return strtoull(v, NULL, 10);
  unsigned long long bytes = 0;
  parse_size(schema_find(schema_cache, "max_size")->default_value, &bytes);
  return bytes;
}

/* Key material: every field is length-prefixed, so no two different
   inputs make the same text. */
static void put(strbuf *b, const char *tag, const char *value) {
  if (!value) value = "";
  strbuf_printf(b, "%s %zu:", tag, strlen(value));
  strbuf_puts(b, value);
  strbuf_puts(b, "\n");
}

static int by_key(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `skip_tree`: the tree a plan narrows, whose fact is left out. */
static void put_facts(strbuf *b, const facts *f, const char *skip_tree) {
  /* Facts in key order: the probe's recording order does not matter. */
  char **keys = xcalloc(f->keys.len + 1, sizeof *keys);
  for (size_t i = 0; i < f->keys.len; i++)
    keys[i] = f->keys.items[i];
  qsort(keys, f->keys.len, sizeof *keys, by_key);
  for (size_t i = 0; i < f->keys.len; i++) {
    if (skip_tree && str_starts_with(keys[i], "tree:") &&
        strcmp(keys[i] + 5, skip_tree) == 0)
      continue;
    put(b, "fact", keys[i]);
    put(b, "value", facts_get(f, keys[i]));
  }
  free(keys);
}

/* `value` with the project's folders written as placeholders: a clone of
   the project at another path (another machine, another CI runner) makes
   the same key, and so shares a remote cache. The source first: the
   config's folder is often the same or above it. */
static char *unplaced(const cache_context *c, const char *value) {
  if (!value) return xstrdup("");
  const char *folders[][2] = {{c->project->source, "{source}"},
                              {c->cfg->dir, "{config_dir}"}};
  char *text = xstrdup(value);
  for (size_t f = 0; f < 2; f++) {
    const char *dir = folders[f][0];
    size_t n = dir ? strlen(dir) : 0;
    if (n < 2) continue; /* "/" is no project folder */
    strbuf b = {0};
    strbuf_puts(&b, "");
    for (const char *at = text; *at;) {
      const char *hit = strstr(at, dir);
      /* Only the whole folder: /src/app, not /src/app2. */
      while (hit && hit[n] && hit[n] != '/')
        hit = strstr(hit + 1, dir);
      if (!hit) {
        strbuf_puts(&b, at);
        break;
      }
      strbuf_add(&b, at, (size_t)(hit - at));
      strbuf_puts(&b, folders[f][1]);
      at = hit + n;
    }
    free(text);
    text = b.data;
  }
  return text;
}

static void put_unplaced(strbuf *b, const cache_context *c, const char *tag,
                         const char *value) {
  char *text = unplaced(c, value);
  put(b, tag, text);
  free(text);
}

/* Raw values of the toolchain's sections (covers prefix keys), then every
   option as the plugin sees it for this target (covers defaults). */
static void put_options(strbuf *b, const cache_context *c, const target *t) {
  char *target_section = xasprintf("target %s", t->name);
  for (size_t i = 0; i < c->cfg->nvalues; i++) {
    const config_value *v = &c->cfg->values[i];
    if (strcmp(v->section, "toolchain") != 0 &&
        strcmp(v->section, target_section) != 0)
      continue;
    put(b, "section", v->section);
    put_unplaced(b, c, v->key, v->value);
  }
  free(target_section);
  for (const mb_option *o = c->toolchain->options; o && o->key; o++) {
    if (o->flags & MB_OPT_PREFIX) continue;
    char *owned;
    put_unplaced(b, c, o->key,
                 schema_resolve(c->cfg, c->toolchain->options, "toolchain",
                                t->name, o->key, &owned, NULL));
    free(owned);
  }
}

void cache_action_key(const cache_context *c, const target_result *tr,
                      const char *source_digest, char hex[65]) {
  strbuf b = {0};
  const plan *p = &tr->plan;
  put(&b, "magic", MANIFEST_MAGIC);
  put(&b, "toolchain", c->toolchain->desc->id);
  put(&b, "plugin_version", c->toolchain->desc->version);
  put_facts(&b, c->facts, p->reads_tree);
  if (p->reads_tree) {
    put(&b, "tree_reads", p->reads_tree);
    for (size_t i = 0; i < p->reads_always.len; i++)
      put(&b, "always", p->reads_always.items[i]);
  }
  put(&b, "target", tr->target->name);
  put(&b, "project", c->project->name);
  for (size_t i = 0; i < p->env.len; i++)
    put_unplaced(&b, c, "env", p->env.items[i]);
  put_unplaced(&b, c, "workdir", p->workdir);
  put(&b, "image", p->image);
  /* The content, not the tag: a rebuilt image under the same tag misses. */
  if (tr->image_id) put(&b, "image_id", tr->image_id);
  for (size_t s = 0; s < p->nsteps; s++) {
    put(&b, "step",
        p->steps[s].tree_reads ? "tree reads"
        : p->steps[s].parallel ? "parallel"
                               : "serial");
    for (size_t a = 0; a < p->steps[s].argv.len; a++)
      put_unplaced(&b, c, "arg", p->steps[s].argv.items[a]);
  }
  for (size_t o = 0; o < p->noutputs; o++) {
    put(&b, "output", p->outputs[o].name);
    put_unplaced(&b, c, "from", p->outputs[o].from);
    put(&b, "kind", p->outputs[o].kind);
  }
  put_options(&b, c, tr->target);
  put(&b, "source", source_digest);
  sha256_hex(b.data, b.len, hex);
  strbuf_free(&b);
}

static char *entry_path(const char *root, const char *key) {
  return xasprintf("%s/actions/%.2s/%s", root, key, key);
}

/* Links src to dst (when may_link), or copies it. */
static int place_file(const char *src, const char *dst, bool may_link) {
  char *dir = path_dirname(dst);
  int rc = state_mkdirs(dir);
  free(dir);
  if (rc != 0) return -1;
  unlink(dst);
  if (may_link && link(src, dst) == 0) return 0;
  return copy_file_atomic(src, dst);
}

/* Manifest lines after the magic: "sha256 size kind name". The names
   are the outputs as collected (optional ones present, globs expanded). */
static bool read_manifest(const char *path, const char *target,
                          const char *staging, artifact_list *outs) {
  FILE *f = state_fopen(path, "cache manifest");
  if (!f) return false;
  char line[4096];
  bool ok =
      fgets(line, sizeof line, f) && strcmp(line, MANIFEST_MAGIC "\n") == 0;
  while (ok && fgets(line, sizeof line, f)) {
    char hex[65], kind[64];
    uint64_t size;
    int at = 0;
    line[strcspn(line, "\n")] = '\0';
    ok = sscanf(line, "%64s %" SCNu64 " %63s %n", hex, &size, kind, &at) == 3 &&
         strlen(hex) == 64 && !artifact_name_problem(line + at);
    if (!ok) break;
    char *file = path_join(staging, line + at);
    artifact a = {.target = (char *)target,
                  .kind = kind,
                  .name = line + at,
                  .path = file,
                  .sha256 = hex,
                  .size = size,
                  .exporter = "build"};
    artifact_list_add(outs, &a);
    free(file);
  }
  fclose(f);
  return ok && outs->len > 0;
}

/* An entry's file is used only when this user made it: a regular file (a
   symlink is never followed) owned by us that others cannot write. Its
   group may, when the build made it so: the hash check catches changes. */
static bool own_file(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return false;
  bool own =
      S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & S_IWOTH);
  if (!own)
    log_line(MB_LOG_WARN, NULL,
             "ignoring cache file %s: not a regular file of yours that only "
             "you may write",
             path);
  return own;
}

/* The folders of an entry: ours, and only ours to write. */
static bool own_dirs(const char *entry) {
  const char *parts[] = {"", "/files"};
  for (size_t i = 0; i < 2; i++) {
    char *dir = xasprintf("%s%s", entry, parts[i]);
    struct stat st;
    bool own = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
               st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH));
    if (!own)
      log_line(MB_LOG_WARN, NULL,
               "ignoring cache entry %s: %s is not a folder of yours that "
               "only you may write",
               entry, dir);
    free(dir);
    if (!own) return false;
  }
  return true;
}

/* Removes a damaged entry (entry) and anything in staging, where a build
   comes next. */
static void drop_entry(const char *entry, const char *staging) {
  if (entry) remove_tree(entry);
  remove_tree(staging);
  mkdir_parents(staging);
}

/* An entry's "verified" file: a line "STAMP NAME" for each of its files,
   written when the files were last hashed in full. A file whose stamp is
   still the same has not been written since, so it is not hashed again. */
static char *read_verified(const char *entry) {
  char *path = path_join(entry, "verified");
  char *text = state_read_text(path, "cache record");
  free(path);
  return text;
}

static char *verified_line(const stamp *s, const char *name) {
  char text[STAMP_TEXT];
  stamp_format(s, text);
  return xasprintf("%s %s\n", text, name);
}

/* Whether the staging file is the entry's file itself (a hard link) and
   that file is unchanged since it was last verified; its record line then
   goes on to *rec. */
static bool still_verified(const char *recorded, const char *src,
                           const artifact *a, strbuf *rec) {
  stamp s, d;
  if (!recorded || !stamp_of(src, &s) || !stamp_of(a->path, &d) ||
      s.dev != d.dev || s.ino != d.ino || s.size != a->size)
    return false;
  char *line = verified_line(&s, a->name);
  char *want = xasprintf("\n%s", line);
  bool found = strstr(recorded, want) != NULL;
  if (found) strbuf_puts(rec, line);
  free(want), free(line);
  return found;
}

/* Places the entry's file in staging and hashes it in full. Its stamp,
   taken before and after the hash (a change meanwhile is not recorded),
   goes to *rec. */
static bool verify_file(const char *src, const artifact *a, strbuf *rec) {
  char hex[65];
  uint64_t size = 0;
  stamp before, after;
  if (place_file(src, a->path, true) != 0 || !stamp_of(src, &before) ||
      sha256_file_hex(a->path, hex, &size) != 0 ||
      strcmp(hex, a->sha256) != 0 || size != a->size)
    return false;
  if (stamp_of(src, &after) && stamp_equal(&before, &after)) {
    char *line = verified_line(&before, a->name);
    strbuf_puts(rec, line);
    free(line);
  }
  return true;
}

static void write_verified(const char *entry, const strbuf *rec) {
  char *path = path_join(entry, "verified");
  char *tmp = NULL;
  FILE *f = state_temp(path, &tmp);
  if (f)
    state_commit(f, tmp, path,
                 !rec->len || fwrite(rec->data, 1, rec->len, f) == rec->len);
  free(path);
}

cache_lookup cache_restore(const char *root, const char *key,
                           const char *target, const char *staging,
                           artifact_list *outs) {
  char *entry = entry_path(root, key);
  char *manifest = path_join(entry, "manifest");
  cache_lookup result = CACHE_HIT;
  artifact_list found = {0};
  struct stat st;
  if (lstat(manifest, &st) != 0)
    result = CACHE_MISS;
  else if (!own_dirs(entry) ||
           !read_manifest(manifest, target, staging, &found))
    result = CACHE_CORRUPT;
  char *recorded = result == CACHE_HIT ? read_verified(entry) : NULL;
  strbuf rec = {0};
  bool hashed = false;
  for (size_t i = 0; result == CACHE_HIT && i < found.len; i++) {
    const artifact *a = &found.items[i];
    char *src = xasprintf("%s/files/%s", entry, a->name);
    if (!own_file(src))
      result = CACHE_CORRUPT;
    else if (!still_verified(recorded, src, a, &rec)) {
      hashed = true;
      if (!verify_file(src, a, &rec)) result = CACHE_CORRUPT;
    }
    free(src);
  }
  if (result != CACHE_HIT)
    drop_entry(result == CACHE_CORRUPT ? entry : NULL, staging);
  if (result == CACHE_HIT) {
    if (hashed) write_verified(entry, &rec);
    for (size_t i = 0; i < found.len; i++)
      artifact_list_add(outs, &found.items[i]);
    /* The manifest's mtime is the entry's last use (cache.h). */
    if (st.st_mtime <= time(NULL) - CACHE_LRU_SECONDS)
      utimensat(AT_FDCWD, manifest, NULL, 0);
  }
  strbuf_free(&rec);
  free(recorded);
  artifact_list_free(&found);
  free(manifest);
  free(entry);
  return result;
}

bool cache_has(const char *root, const char *key) {
  char *entry = entry_path(root, key);
  char *manifest = path_join(entry, "manifest");
  artifact_list found = {0};
  struct stat st;
  bool complete = lstat(manifest, &st) == 0 && own_dirs(entry) &&
                  read_manifest(manifest, NULL, entry, &found);
  for (size_t i = 0; complete && i < found.len; i++) {
    char *file = xasprintf("%s/files/%s", entry, found.items[i].name);
    complete = own_file(file) && lstat(file, &st) == 0 &&
               (uint64_t)st.st_size == found.items[i].size;
    free(file);
  }
  artifact_list_free(&found);
  free(manifest), free(entry);
  return complete;
}

static bool write_manifest(const char *dir, const char *target,
                           const artifact_list *outs) {
  char *path = path_join(dir, "manifest");
  int fd =
      open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  free(path);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    if (fd >= 0) close(fd);
    return false;
  }
  bool ok = fprintf(f, "%s\n", MANIFEST_MAGIC) > 0;
  for (size_t i = 0; ok && i < outs->len; i++) {
    const artifact *a = &outs->items[i];
    if (a->target && strcmp(a->target, target) == 0)
      ok = fprintf(f, "%s %" PRIu64 " %s %s\n", a->sha256, a->size, a->kind,
                   a->name) > 0;
  }
  if (fclose(f) != 0) ok = false;
  return ok;
}

static bool store_entry(const char *root, const char *key, const char *target,
                        const char *staging, const artifact_list *outs,
                        bool may_link) {
  char *entry = entry_path(root, key);
  char *parent = path_dirname(entry);
  char *tmp = xasprintf("%s/.tmp-%s-XXXXXX", parent, key);
  bool ok = state_mkdirs(parent) == 0 && mkdtemp(tmp) != NULL;
  size_t stored = 0;
  for (size_t i = 0; ok && i < outs->len; i++) {
    const artifact *a = &outs->items[i];
    if (!a->target || strcmp(a->target, target) != 0) continue;
    char *src = path_join(staging, a->name);
    char *dst = xasprintf("%s/files/%s", tmp, a->name);
    /* A copy: the built file is also the build's output in {scratch},
       which the next build's tools may keep as up to date (go does) or
       rewrite in place. Sharing it, a damaged entry would damage the
       rebuild too. */
    ok = place_file(src, dst, may_link) == 0;
    stored++;
    free(src), free(dst);
  }
  ok = ok && stored > 0 && write_manifest(tmp, target, outs);
  /* Another run may have stored the same key first: keep theirs. */
  if (ok && rename(tmp, entry) != 0 && errno != EEXIST && errno != ENOTEMPTY)
    ok = false;
  remove_tree(tmp);
  free(tmp), free(parent), free(entry);
  return ok;
}

bool cache_store(const char *root, const char *key, const char *target,
                 const char *staging, const artifact_list *outs) {
  return store_entry(root, key, target, staging, outs, false);
}

bool cache_store_files(const char *root, const char *key, const char *target,
                       const char *dir, const artifact_list *outs) {
  return store_entry(root, key, target, dir, outs, true);
}

char *cache_entry_file(const char *root, const char *key, const char *name) {
  return xasprintf("%s/actions/%.2s/%s/files/%s", root, key, key, name);
}

/* --- pruning ------------------------------------------------------------ */

typedef struct entry_info {
  char *path;
  uint64_t bytes;
  int64_t used_ns;
  bool leftover; /* a store that never finished */
  bool removed;
} entry_info;

/* A store renames its .tmp- folder into place within moments; one this old
   was left by a run that died, not one still writing. */
#define LEFTOVER_SECONDS 3600

static uint64_t tree_bytes(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return (uint64_t)st.st_size;
  uint64_t total = 0;
  DIR *d = opendir(path);
  for (struct dirent *de; d && (de = readdir(d));) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char *child = path_join(path, de->d_name);
    total += tree_bytes(child);
    free(child);
  }
  if (d) closedir(d);
  return total;
}

static void list_entries(const char *root, entry_info **out, size_t *n) {
  char *actions = path_join(root, "actions");
  DIR *top = opendir(actions);
  for (struct dirent *de; top && (de = readdir(top));) {
    if (de->d_name[0] == '.') continue;
    char *shard = path_join(actions, de->d_name);
    DIR *d = opendir(shard);
    for (struct dirent *e; d && (e = readdir(d));) {
      bool leftover = str_starts_with(e->d_name, ".tmp-");
      if (e->d_name[0] == '.' && !leftover) continue;
      char *path = path_join(shard, e->d_name);
      char *manifest = path_join(path, "manifest");
      struct stat st;
      if (leftover && (lstat(path, &st) != 0 ||
                       st.st_mtime > time(NULL) - LEFTOVER_SECONDS)) {
        free(manifest), free(path);
        continue;
      }
      int64_t used =
          !leftover && stat(manifest, &st) == 0
              ? (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec
              : 0;
      free(manifest);
      *out = xrealloc(*out, (*n + 1) * sizeof **out);
      (*out)[(*n)++] = (entry_info){.path = path,
                                    .bytes = tree_bytes(path),
                                    .used_ns = used,
                                    .leftover = leftover};
    }
    if (d) closedir(d);
    free(shard);
  }
  if (top) closedir(top);
  free(actions);
}

static int oldest_first(const void *a, const void *b) {
  int64_t x = ((const entry_info *)a)->used_ns;
  int64_t y = ((const entry_info *)b)->used_ns;
  return (x > y) - (x < y);
}

void cache_prune(const char *root, uint64_t max_bytes, cache_usage *u) {
  *u = (cache_usage){0};
  entry_info *entries = NULL;
  size_t n = 0;
  list_entries(root, &entries, &n);
  if (n) qsort(entries, n, sizeof *entries, oldest_first);
  for (size_t i = 0; i < n; i++)
    u->bytes += entries[i].bytes;
  u->entries = n;
  /* Leftovers go whatever the size; stats (no limit) removes nothing. */
  bool pruning = max_bytes != UINT64_MAX;
  for (size_t i = 0; i < n; i++) {
    if (!(u->bytes > max_bytes || (pruning && entries[i].leftover))) continue;
    if (remove_tree(entries[i].path) != 0) continue;
    entries[i].removed = true;
    u->bytes -= entries[i].bytes;
    u->entries--;
    u->removed_bytes += entries[i].bytes;
    u->removed_entries++;
  }
  /* A record of what builds read outlives no entry made with it: the
     ones older than every entry left go (all of them when none is). */
  if (pruning) {
    int64_t oldest = INT64_MAX;
    for (size_t i = 0; i < n; i++)
      if (!entries[i].removed && entries[i].used_ns < oldest)
        oldest = entries[i].used_ns;
    tree_reads_prune(root,
                     oldest == INT64_MAX
                         ? INT64_MAX
                         : oldest - (int64_t)CACHE_LRU_SECONDS * 1000000000);
  }
  for (size_t i = 0; i < n; i++)
    free(entries[i].path);
  free(entries);
}

/* --- probe cache -------------------------------------------------------- */

void cache_probe_key(const cache_context *c, const target_set *ts,
                     char hex[65]) {
  strbuf b = {0};
  const plugin *p = c->toolchain;
  struct stat st;
  put(&b, "magic", PROBE_MAGIC);
  put(&b, "id", p->desc->id);
  put(&b, "version", p->desc->version);
  put(&b, "path", p->path);
  if (stat(p->path, &st) == 0)
    strbuf_printf(&b, "so %lld %lld.%ld\n", (long long)st.st_size,
                  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  put(&b, "PATH", getenv("PATH"));
  for (size_t i = 0; i < ts->len; i++)
    put(&b, "target", ts->items[i].target->name);
  for (size_t i = 0; i < c->cfg->nvalues; i++) {
    const config_value *v = &c->cfg->values[i];
    if (strcmp(v->section, "toolchain") != 0 &&
        !str_starts_with(v->section, "target "))
      continue;
    put(&b, v->section, v->key);
    put(&b, "value", v->value);
  }
  sha256_hex(b.data, b.len, hex);
  strbuf_free(&b);
}

static void file_stamp(const char *path, char *out, size_t n) {
  struct stat st;
  if (stat(path, &st) != 0)
    snprintf(out, n, "missing");
  else
    snprintf(out, n, "%lld %lld.%09ld %llu", (long long)st.st_size,
             (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (unsigned long long)st.st_ino);
}

/* Records: "dep PATHLEN STAMPLEN\nPATHSTAMP\n", "tree PATHLEN GLOBSLEN\n
   PATHGLOBS\n" (its ignore globs, one a line) and "fact KLEN VLEN\nKV\n". */
static bool read_record(FILE *f, char *kind, char **a, char **b) {
  size_t na, nb;
  if (fscanf(f, "%7s %zu %zu", kind, &na, &nb) != 3 || fgetc(f) != '\n' ||
      na > (1u << 20) || nb > (1u << 24))
    return false;
  *a = xcalloc(na + 1, 1);
  *b = xcalloc(nb + 1, 1);
  if (fread(*a, 1, na, f) != na || fread(*b, 1, nb, f) != nb ||
      fgetc(f) != '\n') {
    free(*a), free(*b);
    return false;
  }
  return true;
}

bool cache_probe_load(const char *root, const char *key, facts *f) {
  char *path = xasprintf("%s/probes/%s", root, key);
  /* The facts name the programs a build runs: only ours are trusted. */
  FILE *in = state_fopen(path, "cached probe");
  free(path);
  if (!in) return false;
  char line[64];
  bool ok = fgets(line, sizeof line, in) && strcmp(line, PROBE_MAGIC "\n") == 0;
  facts loaded = {0};
  char kind[8], *a, *b;
  while (ok && read_record(in, kind, &a, &b)) {
    if (strcmp(kind, "dep") == 0) {
      char stamp[128];
      file_stamp(a, stamp, sizeof stamp);
      ok = strcmp(stamp, b) == 0;
      strvec_push(&loaded.files, a);
    } else if (strcmp(kind, "tree") == 0) {
      strvec_push(&loaded.trees, a);
      strvec_push(&loaded.tree_ignores, b);
    } else if (strcmp(kind, "fact") == 0) {
      facts_set(&loaded, a, b);
    }
    free(a), free(b);
  }
  fclose(in);
  /* Without a declared dependency nothing tells when the result is stale. */
  ok = ok &&
       (loaded.files.len + loaded.trees.len > 0 ||
        facts_get(&loaded, "image_id")) &&
       facts_get(&loaded, "version");
  if (ok) {
    facts_free(f);
    *f = loaded;
  } else {
    facts_free(&loaded);
  }
  return ok;
}

void cache_probe_store(const char *root, const char *key, const facts *f) {
  const strvec *deps = &f->files;
  /* A probe in an image depends on the image ID alone. */
  if (deps->len + f->trees.len == 0 && !facts_get(f, "image_id")) return;
  char *dir = path_join(root, "probes");
  char *path = path_join(dir, key);
  char *tmp = NULL;
  FILE *out = state_mkdirs(dir) == 0 ? state_temp(path, &tmp) : NULL;
  bool ok = out && fprintf(out, "%s\n", PROBE_MAGIC) > 0;
  for (size_t i = 0; ok && i < deps->len; i++) {
    char stamp[128];
    file_stamp(deps->items[i], stamp, sizeof stamp);
    ok = fprintf(out, "dep %zu %zu\n%s%s\n", strlen(deps->items[i]),
                 strlen(stamp), deps->items[i], stamp) > 0;
  }
  for (size_t i = 0; ok && i < f->trees.len; i++) {
    const char *ignore =
        i < f->tree_ignores.len ? f->tree_ignores.items[i] : "";
    ok = fprintf(out, "tree %zu %zu\n%s%s\n", strlen(f->trees.items[i]),
                 strlen(ignore), f->trees.items[i], ignore) > 0;
  }
  for (size_t i = 0; ok && i < f->keys.len; i++)
    ok = fprintf(out, "fact %zu %zu\n%s%s\n", strlen(f->keys.items[i]),
                 strlen(f->values.items[i]), f->keys.items[i],
                 f->values.items[i]) > 0;
  if (out) state_commit(out, tmp, path, ok);
  free(path), free(dir);
}

/* --- durations ---------------------------------------------------------- */

void cache_durations_load(const char *state_dir, target_set *ts) {
  char *path = path_join(state_dir, "durations");
  FILE *f = state_fopen(path, "build durations");
  free(path);
  if (!f) return;
  char name[128];
  double seconds;
  while (fscanf(f, "%127s %lf", name, &seconds) == 2)
    for (size_t i = 0; i < ts->len; i++)
      if (strcmp(ts->items[i].target->name, name) == 0)
        ts->items[i].expected_seconds = seconds;
  fclose(f);
}

static bool in_set(const target_set *ts, const char *name) {
  for (size_t i = 0; i < ts->len; i++)
    if (strcmp(ts->items[i].target->name, name) == 0) return true;
  return false;
}

/* Keeps the last real build time of each target; cache hits say nothing
   about how long a build takes. Targets left out by --target keep theirs. */
void cache_durations_save(const char *state_dir, const target_set *ts) {
  /* Only a target built now brings a new duration. */
  bool built = false;
  for (size_t i = 0; i < ts->len; i++)
    built |= ts->items[i].status == TARGET_OK && !ts->items[i].cache_hit;
  if (!built) return;
  char *path = path_join(state_dir, "durations");
  char *tmp = NULL;
  FILE *old = state_fopen(path, "build durations");
  FILE *f = state_temp(path, &tmp);
  char name[128];
  double seconds;
  while (f && old && fscanf(old, "%127s %lf", name, &seconds) == 2)
    if (!in_set(ts, name)) fprintf(f, "%s %.3f\n", name, seconds);
  if (old) fclose(old);
  for (size_t i = 0; f && i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    double s = tr->status == TARGET_OK && !tr->cache_hit ? tr->seconds
                                                         : tr->expected_seconds;
    if (s > 0) fprintf(f, "%s %.3f\n", tr->target->name, s);
  }
  if (f) state_commit(f, tmp, path, true);
  free(path);
}
