#include "argv.h"

#include <stdlib.h>
#include <string.h>

static void push_owned(argv_list *a, char *arg) {
  if (!arg || a->failed) {
    free(arg);
    a->failed = true;
    return;
  }
  if (a->len + 2 > a->cap) {
    size_t cap = a->cap ? 2 * a->cap : 16;
    char **grown = realloc(a->items, cap * sizeof *grown);
    if (!grown) {
      free(arg);
      a->failed = true;
      return;
    }
    a->items = grown;
    a->cap = cap;
  }
  a->items[a->len++] = arg;
  a->items[a->len] = NULL;
}

void argv_add(argv_list *a, const char *arg) {
  push_owned(a, strdup(arg));
}

void argv_addf2(argv_list *a, const char *prefix, const char *value) {
  size_t n = strlen(prefix) + strlen(value) + 1;
  char *joined = malloc(n);
  if (joined) {
    strcpy(joined, prefix);
    strcat(joined, value);
  }
  push_owned(a, joined);
}

void argv_add_all(argv_list *a, const char *const *args) {
  for (; args && *args; args++)
    argv_add(a, *args);
}

const char *const *argv_get(const argv_list *a) {
  static const char *const empty[] = {NULL};
  return a->items ? (const char *const *)a->items : empty;
}

char *argv_join(const argv_list *a, size_t from) {
  size_t n = 1;
  for (size_t i = from; i < a->len; i++)
    n += strlen(a->items[i]) + 1;
  char *out = malloc(n);
  if (!out) return NULL;
  out[0] = '\0';
  for (size_t i = from; i < a->len; i++) {
    if (i > from) strcat(out, " ");
    strcat(out, a->items[i]);
  }
  return out;
}

bool argv_failed(const argv_list *a) {
  return a->failed;
}

void argv_free(argv_list *a) {
  for (size_t i = 0; i < a->len; i++)
    free(a->items[i]);
  free(a->items);
  *a = (argv_list){0};
}
