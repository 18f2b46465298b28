#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"

static json_t *string_or_null(const char *s) {
  return s ? json_string(s) : json_null();
}

/* Where a target's result came from: "local" (the cache folder),
   "remote" (downloaded from the remote cache this run), "miss" (looked
   up, then built), or null (not looked up). */
static json_t *cache_source(const target_result *tr) {
  if (tr->cache_hit) return json_string(tr->cache_remote ? "remote" : "local");
  return tr->cache_checked ? json_string("miss") : json_null();
}

static json_t *targets_json(const target_set *ts) {
  json_t *list = json_array();
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    json_t *t = json_object();
    json_object_set_new(t, "target", json_string(tr->target->name));
    json_object_set_new(t, "os", json_string(tr->target->os));
    json_object_set_new(t, "arch", json_string(tr->target->arch));
    json_object_set_new(t, "status",
                        json_string(target_status_name(tr->status)));
    json_object_set_new(t, "reason", string_or_null(tr->reason));
    json_object_set_new(t, "duration_seconds", json_real(tr->seconds));
    json_object_set_new(t, "cache_hit", json_boolean(tr->cache_hit));
    json_object_set_new(t, "cache", cache_source(tr));
    json_object_set_new(t, "log", string_or_null(tr->log_path));
    json_array_append_new(list, t);
  }
  return list;
}

/* Paths inside the output folder are reported relative to it. */
static json_t *relative_path(const char *output, const char *path) {
  if (!path) return json_null();
  if (path_is_inside(path, output) && strlen(path) > strlen(output))
    return json_string(path + strlen(output) + 1);
  return json_null();
}

static json_t *artifacts_json(const char *output, const artifact_list *al) {
  json_t *list = json_array();
  for (size_t i = 0; i < al->len; i++) {
    const artifact *a = &al->items[i];
    json_t *o = json_object();
    json_object_set_new(o, "target", string_or_null(a->target));
    json_object_set_new(o, "kind", json_string(a->kind));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "path", relative_path(output, a->path));
    json_object_set_new(o, "url", string_or_null(a->url));
    json_object_set_new(o, "size", json_integer((json_int_t)a->size));
    json_object_set_new(o, "sha256", json_string(a->sha256));
    json_object_set_new(o, "exporter", json_string(a->exporter));
    json_array_append_new(list, o);
  }
  return list;
}

static bool in_run(const target_set *ts, const char *name) {
  for (size_t i = 0; i < ts->len; i++)
    if (strcmp(ts->items[i].target->name, name) == 0) return true;
  return false;
}

static bool path_listed(const json_t *artifacts, const char *rel) {
  size_t i;
  json_t *a;
  json_array_foreach(artifacts, i, a) {
    const char *p = json_string_value(json_object_get(a, "path"));
    if (p && strcmp(p, rel) == 0) return true;
  }
  return false;
}

/* Whether an earlier entry's file is still in the output folder as listed.
   By sha256: the list has no mtime to compare, and only the files of
   targets this run did not build are checked, so a plain rerun reads
   nothing. An entry published elsewhere only (a url, no path) cannot be
   checked from here and is taken as it is. */
static bool still_there(const char *output, const json_t *a) {
  const json_t *path = json_object_get(a, "path");
  if (json_is_null(path)) return json_is_string(json_object_get(a, "url"));
  const char *rel = json_string_value(path);
  const char *want = json_string_value(json_object_get(a, "sha256"));
  const json_t *size = json_object_get(a, "size");
  if (!rel || !want || !json_is_integer(size) || artifact_name_problem(rel))
    return false;
  char *file = path_join(output, rel);
  char hex[65];
  uint64_t got = 0;
  bool same = sha256_file_hex(file, hex, &got) == 0 &&
              got == (uint64_t)json_integer_value(size) &&
              strcmp(hex, want) == 0;
  free(file);
  return same;
}

/* After `--target X` (or with a target dropped from the matrix), the
   earlier artifacts.json's entries of the other targets are kept when each
   of their files is still there, unchanged and not written by this run:
   the file describes the whole folder, not only this run. Only built
   targets (status ok, with files) are kept: they are what the folder
   holds. */
static void keep_earlier(json_t *old, const char *output, const target_set *ts,
                         json_t *targets, json_t *artifacts) {
  json_t *old_targets = json_object_get(old, "targets");
  json_t *old_artifacts = json_object_get(old, "artifacts");
  size_t i, j;
  json_t *t, *a;
  json_array_foreach(old_targets, i, t) {
    const char *name = json_string_value(json_object_get(t, "target"));
    const char *status = json_string_value(json_object_get(t, "status"));
    if (!name || in_run(ts, name) || !status || strcmp(status, "ok") != 0)
      continue;
    json_t *files = json_array();
    bool keep = true;
    json_array_foreach(old_artifacts, j, a) {
      const char *owner = json_string_value(json_object_get(a, "target"));
      if (!owner || strcmp(owner, name) != 0) continue;
      const char *rel = json_string_value(json_object_get(a, "path"));
      keep = keep && !(rel && path_listed(artifacts, rel)) &&
             still_there(output, a);
      json_array_append(files, a);
    }
    if (keep && json_array_size(files)) {
      json_array_append(targets, t);
      json_array_extend(artifacts, files);
    }
    json_decref(files);
  }
}

/* A report without what changes on every run. */
static void drop_timings(json_t *report) {
  json_object_del(report, "duration_seconds");
  json_object_del(report, "export_seconds");
  size_t i;
  json_t *t;
  json_array_foreach(json_object_get(report, "targets"), i, t)
      json_object_del(t, "duration_seconds");
}

/* Whether `old` (whose timings are dropped) says all that `now` says but
   for the timings: then it is kept, and a no-op run writes nothing into
   the output folder. */
static bool says_the_same(json_t *old, json_t *now) {
  if (!old) return false;
  drop_timings(old);
  json_t *b = json_deep_copy(now);
  drop_timings(b);
  bool same = json_equal(old, b);
  json_decref(b);
  return same;
}

static json_t *toolchain_json(const plugin *p, const facts *f) {
  json_t *t = json_object();
  json_object_set_new(t, "name", json_string(p->desc->name));
  json_object_set_new(t, "id", json_string(p->desc->id));
  json_object_set_new(t, "plugin_version", json_string(p->desc->version));
  json_object_set_new(t, "version", string_or_null(facts_get(f, "version")));
  return t;
}

bool report_write(const report *rep, journal *j) {
  const project *p = rep->project;
  int exit_code = rep->exit_code;
  json_t *root = json_object();
  json_object_set_new(root, "mbhost_version", json_string(MBHOST_VERSION));
  json_t *proj = json_object();
  json_object_set_new(proj, "name", json_string(p->name));
  json_object_set_new(proj, "version", json_string(p->version));
  json_object_set_new(proj, "config", json_string(p->config_path));
  json_object_set_new(root, "project", proj);
  json_object_set_new(root, "status",
                      json_string(exit_code == 0 ? "ok" : "failed"));
  json_object_set_new(root, "exit_code", json_integer(exit_code));
  json_object_set_new(root, "duration_seconds", json_real(rep->seconds));
  json_object_set_new(root, "export_seconds", json_real(rep->export_seconds));
  json_object_set_new(root, "toolchain",
                      toolchain_json(rep->toolchain, rep->facts));
  char *path = path_join(p->output, "artifacts.json");
  json_t *targets = targets_json(rep->targets);
  json_t *artifacts = artifacts_json(p->output, rep->artifacts);
  json_t *old = json_load_file(path, 0, NULL);
  keep_earlier(old, p->output, rep->targets, targets, artifacts);
  json_object_set_new(root, "targets", targets);
  json_object_set_new(root, "artifacts", artifacts);
  bool same = says_the_same(old, root);
  json_decref(old);
  if (same) {
    free(path);
    json_decref(root);
    return true;
  }

  char *tmp = NULL;
  int fd = journal_temp(j, path, &tmp);
  /* One write: json_dumpfd makes one per token. */
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
  size_t len = text ? strlen(text) : 0;
  if (text) text[len++] = '\n'; /* over the NUL: written by length */
  bool ok = fd >= 0 && text && write(fd, text, len) == (ssize_t)len &&
            fchmod(fd, 0644) == 0;
  free(text);
  int saved = errno;
  if (fd >= 0 && close(fd) != 0 && ok) ok = false, saved = errno;
  if (ok && journal_rename(j, tmp, path) != 0) ok = false, saved = errno;
  if (!ok) {
    if (tmp) unlink(tmp);
    log_line(MB_LOG_ERROR, NULL, "cannot write %s: %s", path, strerror(saved));
  }
  free(tmp);
  free(path);
  json_decref(root);
  return ok;
}
