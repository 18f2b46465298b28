#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static json_t *string_or_null(const char *s) {
  return s ? json_string(s) : json_null();
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
  json_object_set_new(root, "targets", targets_json(rep->targets));
  json_object_set_new(root, "artifacts",
                      artifacts_json(p->output, rep->artifacts));

  char *path = path_join(p->output, "artifacts.json");
  char *tmp = NULL;
  int fd = journal_temp(j, path, &tmp);
  bool ok = fd >= 0 &&
            json_dumpfd(root, fd, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 &&
            write(fd, "\n", 1) == 1 && fchmod(fd, 0644) == 0;
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
