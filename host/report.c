#include "report.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static json_t *string_or_null(const char *s) {
  return s ? json_string(s) : json_null();
}

static json_t *targets_json(const run *r) {
  json_t *list = json_array();
  for (size_t i = 0; i < r->matrix.len; i++) {
    const target_result *tr = &r->results[i];
    json_t *t = json_object();
    json_object_set_new(t, "target", json_string(tr->target->name));
    json_object_set_new(t, "os", json_string(tr->target->os));
    json_object_set_new(t, "arch", json_string(tr->target->arch));
    json_object_set_new(t, "status",
                        json_string(target_status_name(tr->status)));
    json_object_set_new(t, "reason", string_or_null(tr->reason));
    json_object_set_new(t, "duration_seconds", json_real(tr->seconds));
    json_object_set_new(t, "cache_hit", json_boolean(tr->cache_hit));
    json_object_set_new(t, "log", string_or_null(tr->log_path));
    json_array_append_new(list, t);
  }
  return list;
}

/* Paths inside the output folder are reported relative to it. */
static json_t *relative_path(const run *r, const char *path) {
  if (!path) return json_null();
  if (path_is_inside(path, r->project.output) &&
      strlen(path) > strlen(r->project.output))
    return json_string(path + strlen(r->project.output) + 1);
  return json_null();
}

static json_t *artifacts_json(const run *r) {
  json_t *list = json_array();
  for (size_t i = 0; i < r->reported.len; i++) {
    const artifact *a = &r->reported.items[i];
    json_t *o = json_object();
    json_object_set_new(o, "target", string_or_null(a->target));
    json_object_set_new(o, "kind", json_string(a->kind));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "path", relative_path(r, a->path));
    json_object_set_new(o, "url", string_or_null(a->url));
    json_object_set_new(o, "size", json_integer((json_int_t)a->size));
    json_object_set_new(o, "sha256", json_string(a->sha256));
    json_object_set_new(o, "exporter", json_string(a->exporter));
    json_array_append_new(list, o);
  }
  return list;
}

static json_t *toolchain_json(const run *r) {
  json_t *t = json_object();
  json_object_set_new(t, "name", json_string(r->toolchain->desc->name));
  json_object_set_new(t, "id", json_string(r->toolchain->desc->id));
  json_object_set_new(t, "plugin_version",
                      json_string(r->toolchain->desc->version));
  json_object_set_new(t, "version",
                      string_or_null(facts_get(&r->facts, "version")));
  return t;
}

bool report_write(const run *r, int exit_code, double seconds) {
  json_t *root = json_object();
  json_object_set_new(root, "mbhost_version", json_string(MBHOST_VERSION));
  json_t *proj = json_object();
  json_object_set_new(proj, "name", json_string(r->project.name));
  json_object_set_new(proj, "version", json_string(r->project.version));
  json_object_set_new(proj, "config", json_string(r->project.config_path));
  json_object_set_new(root, "project", proj);
  json_object_set_new(root, "status",
                      json_string(exit_code == 0 ? "ok" : "failed"));
  json_object_set_new(root, "exit_code", json_integer(exit_code));
  json_object_set_new(root, "duration_seconds", json_real(seconds));
  json_object_set_new(root, "export_seconds", json_real(r->export_seconds));
  json_object_set_new(root, "toolchain", toolchain_json(r));
  json_object_set_new(root, "targets", targets_json(r));
  json_object_set_new(root, "artifacts", artifacts_json(r));

  char *path = path_join(r->project.output, "artifacts.json");
  char *tmp = xasprintf("%s.mbhost-tmp.XXXXXX", path);
  bool ok = mkdir_parents(r->project.output) == 0;
  int fd = ok ? mkstemp(tmp) : -1;
  ok = fd >= 0 && json_dumpfd(root, fd, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 &&
       write(fd, "\n", 1) == 1 && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
  int saved = errno;
  if (fd >= 0 && close(fd) != 0 && ok) ok = false, saved = errno;
  if (ok && rename(tmp, path) != 0) ok = false, saved = errno;
  if (!ok) {
    if (fd >= 0) unlink(tmp);
    log_line(MB_LOG_ERROR, NULL, "cannot write %s: %s", path, strerror(saved));
  }
  free(tmp);
  free(path);
  json_decref(root);
  return ok;
}
