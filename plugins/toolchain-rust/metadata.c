#include "metadata.h"

#include <jansson.h>
#include <mbhost/plugin.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool json_array_has_string(const json_t *array, const char *value) {
  size_t i;
  const json_t *item;
  json_array_foreach(array, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), value) == 0)
      return true;
  }
  return false;
}

/* A package is built by `cargo build` at the workspace root when it is a
   default member; cargo before 1.71 did not list those, and then every
   listed package (the workspace's members) is. */
static bool is_default_member(const json_t *root, const json_t *package) {
  const json_t *members = json_object_get(root, "workspace_default_members");
  if (!json_is_array(members)) return true;
  const char *id = json_string_value(json_object_get(package, "id"));
  return id && json_array_has_string(members, id);
}

static int add_name(char ***names, size_t *count, const char *name) {
  char **grown = realloc(*names, (*count + 1) * sizeof **names);
  if (!grown) return MB_ERROR;
  *names = grown;
  if (!(grown[*count] = strdup(name))) return MB_ERROR;
  (*count)++;
  return MB_OK;
}

static int add_package_bins(const json_t *package, char ***names,
                            size_t *count) {
  size_t i;
  const json_t *target;
  json_array_foreach(json_object_get(package, "targets"), i, target) {
    const char *name = json_string_value(json_object_get(target, "name"));
    if (name && json_array_has_string(json_object_get(target, "kind"), "bin"))
      if (add_name(names, count, name) != MB_OK) return MB_ERROR;
  }
  return MB_OK;
}

int cargo_bins_from_metadata(const char *json, char ***names, size_t *count,
                             char *err, size_t errcap) {
  *names = NULL;
  *count = 0;
  json_error_t parse_error;
  json_t *root = json_loads(json, 0, &parse_error);
  const json_t *packages = json_object_get(root, "packages");
  if (!json_is_array(packages)) {
    snprintf(err, errcap, "cargo metadata printed no package list (%s)",
             root ? "no \"packages\" array" : parse_error.text);
    json_decref(root);
    return MB_ERROR;
  }
  size_t i;
  const json_t *package;
  int rc = MB_OK;
  json_array_foreach(packages, i, package) {
    if (is_default_member(root, package) &&
        add_package_bins(package, names, count) != MB_OK) {
      snprintf(err, errcap, "out of memory reading cargo metadata");
      rc = MB_ERROR;
      break;
    }
  }
  json_decref(root);
  if (rc != MB_OK) {
    cargo_bins_free(*names, *count);
    *names = NULL;
    *count = 0;
  }
  return rc;
}

void cargo_bins_free(char **names, size_t count) {
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
}
