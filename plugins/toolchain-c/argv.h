/* A growable, NULL-terminated argv for plan steps. It owns copies of the
   strings it is given, so callers can build arguments in local buffers.
   An allocation failure is remembered and reported once, by argv_failed. */
#ifndef MB_C_ARGV_H
#define MB_C_ARGV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct argv_list {
  char **items; /* NULL-terminated once anything was added */
  size_t len, cap;
  bool failed; /* out of memory */
} argv_list;

void argv_add(argv_list *a, const char *arg);
/* Adds prefix and value as one argument: "-I" "include" -> "-Iinclude". */
void argv_addf2(argv_list *a, const char *prefix, const char *value);
/* Adds every item of a NULL-terminated array. */
void argv_add_all(argv_list *a, const char *const *args);
/* The argv for plan_add_step; an empty list gives {NULL}. */
const char *const *argv_get(const argv_list *a);
/* Joins the items from `from` on with single spaces (make's CC=...). */
char *argv_join(const argv_list *a, size_t from);
bool argv_failed(const argv_list *a);
void argv_free(argv_list *a);

#endif
