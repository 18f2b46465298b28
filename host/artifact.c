#include "artifact.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static char *dup_or_null(const char *s) {
  return s ? xstrdup(s) : NULL;
}

void artifact_list_add(artifact_list *list, const artifact *a) {
  list->items = xrealloc(list->items, (list->len + 1) * sizeof *list->items);
  list->items[list->len++] = (artifact){.target = dup_or_null(a->target),
                                        .kind = dup_or_null(a->kind),
                                        .name = dup_or_null(a->name),
                                        .path = dup_or_null(a->path),
                                        .url = dup_or_null(a->url),
                                        .sha256 = dup_or_null(a->sha256),
                                        .size = a->size,
                                        .exporter = dup_or_null(a->exporter)};
}

static void artifact_free(artifact *a) {
  free(a->target), free(a->kind), free(a->name), free(a->path);
  free(a->url), free(a->sha256), free(a->exporter);
}

void artifact_list_pop(artifact_list *list) {
  if (list->len) artifact_free(&list->items[--list->len]);
}

void artifact_list_free(artifact_list *list) {
  for (size_t i = 0; i < list->len; i++)
    artifact_free(&list->items[i]);
  free(list->items);
  *list = (artifact_list){0};
}

const char *artifact_name_problem(const char *name) {
  if (!name || !*name) return "the name is empty";
  if (name[0] == '/') return "the name is an absolute path";
  if (strchr(name, '\\')) return "the name contains a backslash";
  for (const char *seg = name; seg;) {
    const char *slash = strchr(seg, '/');
    size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
    if (n == 0) return "the name has an empty path segment";
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
      return "the name contains a '.' or '..' segment";
    seg = slash ? slash + 1 : NULL;
  }
  return NULL;
}
