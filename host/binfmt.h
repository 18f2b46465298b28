/* The output check: reads a built file's header and says what it is (an
   x86-64 ELF executable, an ar archive, a script...) and whether that is
   what a target of os/arch runs. It owns the mapping from Go's os/arch
   vocabulary to executable formats and machine numbers. */
#ifndef MBHOST_BINFMT_H
#define MBHOST_BINFMT_H

#include <stdbool.h>

/* What a file is, as far as a target is concerned. */
typedef enum binfmt_role {
  BINFMT_OTHER,      /* not an object format (text, archive, unknown) */
  BINFMT_EXECUTABLE, /* a program (a PIE included) */
  BINFMT_LIBRARY,    /* a shared library, DLL, dylib or bundle */
  BINFMT_OBJECT,     /* a relocatable object file */
  BINFMT_ARCHIVE     /* an ar archive (a static library) */
} binfmt_role;

typedef struct binfmt_info {
  binfmt_role role;
  const char *format; /* "ELF", "Mach-O", "PE", "WebAssembly"; NULL: none */
  const char *arch;   /* Go's name of its machine; NULL: other or none */
  char what[200];     /* with an article: "an x86-64 ELF executable" */
} binfmt_info;

/* Reads `path`'s headers into *info. `arch`, when not NULL, picks the
   slice of a universal Mach-O file. False (errno set) when the file cannot
   be read. */
bool binfmt_read(const char *path, const char *arch, binfmt_info *info);

/* The executable format of os/arch's programs ("ELF", "Mach-O", "PE",
   "WebAssembly"), or NULL when mbhost does not check that target (plan9,
   aix, or an arch it has no machine number for). */
const char *binfmt_expected_format(const char *os, const char *arch);

/* Why `path`, declared as output `name` of kind `kind` ("binary",
   "library"; other kinds are not checked) for os/arch, is not what that
   target runs; NULL when it is (or the target is not checked). */
char *binfmt_check(const char *path, const char *name, const char *kind,
                   const char *os, const char *arch);

#endif
