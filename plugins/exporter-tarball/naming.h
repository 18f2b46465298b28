/* Names inside and of archives: the safety check every entry name passes
   and the {placeholder} templates of name_template, wrap_in_directory and
   checksums. */
#ifndef TARBALL_NAMING_H
#define TARBALL_NAMING_H

#include <stddef.h>

/* Why `name` (len bytes) must not become an archive entry, or NULL when it
   is safe: it is empty, contains a NUL byte, is absolute, has an empty
   component ("a//b", "a/"), or has a ".." component. Backslashes count as
   separators too, because Windows unzip tools treat them so. */
const char *entry_name_problem(const char *name, size_t len);

/* The values of a template's placeholders; os and arch are NULL for names
   not tied to one target (the checksums file). */
typedef struct name_values {
  const char *name;
  const char *version;
  const char *os;
  const char *arch;
} name_values;

/* Expands {name}, {version}, {os} and {arch} of `template` into out[cap].
   An empty version drops together with the one '_', '-' or '.' before it,
   so "{name}_{version}_{os}" gives "hello_linux" when no version is set.
   Returns 0, or -1 with the reason in err[errcap] (an unknown or
   unavailable placeholder, an unclosed '{', a name that does not fit). */
int expand_name(const char *template, const name_values *values, char *out,
                size_t cap, char *err, size_t errcap);

#endif
