#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How deep `mbhost init` looks for C files: src/os/linux/x.c. */
#define SOURCE_DEPTH 3

static bool copy_word(const char *word, size_t len, char *buf, size_t cap) {
  if (len == 0 || len >= cap || memchr(word, '$', len)) return false;
  snprintf(buf, cap, "%.*s", (int)len, word);
  return true;
}

bool c_cmake_executable(const char *text, char *buf, size_t cap) {
  const char *at = strstr(text, "add_executable(");
  if (!at) return false;
  at += strlen("add_executable(");
  at += strspn(at, " \t\r\n");
  return copy_word(at, strcspn(at, " \t\r\n)"), buf, cap);
}

bool c_make_goal(const char *text, char *buf, size_t cap) {
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    size_t n = strcspn(line, " \t:=\n");
    const char *after = line + n + strspn(line + n, " \t");
    bool rule = n > 0 && line[0] != '.' && line[0] != '#' && *after == ':' &&
                after[1] != '=' && !memchr(line, '%', n) &&
                !memchr(line, '$', n);
    if (rule && n == 3 && strncmp(line, "all", 3) == 0) {
      const char *dep = after + 1 + strspn(after + 1, " \t");
      return copy_word(dep, strcspn(dep, " \t\r\n"), buf, cap);
    }
    if (rule) return copy_word(line, n, buf, cap);
    line += len + (line[len] == '\n');
  }
  return false;
}

static bool skipped_folder(const char *name, size_t len) {
  static const char *const skip[] = {"build", "dist",  "out",      "target",
                                     "test",  "tests", "examples", "vendor"};
  if (len > 0 && name[0] == '.') return true;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strlen(skip[i]) == len && strncmp(name, skip[i], len) == 0) return true;
  return false;
}

/* The folder part of `file` ("" at the top), or NULL when a folder on the
   way is one to leave out. */
static char *source_folder(const char *file) {
  const char *slash = strrchr(file, '/');
  size_t len = slash ? (size_t)(slash - file) : 0;
  for (const char *p = file; p < file + len;) {
    size_t part = strcspn(p, "/");
    if (skipped_folder(p, part)) return NULL;
    p += part + 1;
  }
  char *folder = malloc(len + 1);
  if (folder) snprintf(folder, len + 1, "%.*s", (int)len, file);
  return folder;
}

/* Depth-first order: a folder before its subfolders, which come before
   its next sibling ("a", "a/b", "a-c"). */
static int folder_order(const void *a, const void *b) {
  const unsigned char *x = *(const unsigned char *const *)a;
  const unsigned char *y = *(const unsigned char *const *)b;
  for (; *x && *x == *y; x++, y++)
    ;
  int cx = *x == '/' ? 1 : *x, cy = *y == '/' ? 1 : *y;
  return cx - cy;
}

static char *join_patterns(char **folders, size_t count) {
  size_t cap = 1;
  for (size_t i = 0; i < count; i++)
    cap += strlen(folders[i]) + sizeof "/*.c, ";
  char *out = malloc(cap);
  if (!out) return NULL;
  size_t used = 0;
  for (size_t i = 0; i < count; i++)
    used += (size_t)snprintf(out + used, cap - used, "%s%s%s*.c", i ? ", " : "",
                             folders[i], *folders[i] ? "/" : "");
  out[used] = '\0';
  return out;
}

char *c_source_patterns(const char *const *files, size_t count) {
  char **folders = calloc(count + 1, sizeof *folders);
  size_t n = 0;
  char *patterns = NULL;
  if (!folders) return NULL;
  for (size_t i = 0; i < count; i++) {
    char *folder = source_folder(files[i]);
    bool seen = false;
    for (size_t j = 0; folder && j < n && !seen; j++)
      seen = strcmp(folders[j], folder) == 0;
    if (folder && !seen)
      folders[n++] = folder;
    else
      free(folder);
  }
  qsort(folders, n, sizeof *folders, folder_order);
  if (n > 0) patterns = join_patterns(folders, n);
  for (size_t i = 0; i < n; i++)
    free(folders[i]);
  free(folders);
  return patterns;
}

/* The executable the build file makes names the project and is what to
   collect; without one the project's name is assumed. */
static void propose_outputs(mb_call *call, const mb_detect_services *detect,
                            bool found, const char *executable,
                            const char *file) {
  if (found) {
    detect->propose_name(call, executable);
    detect->propose_key(call, "outputs", executable, "what the build makes");
    return;
  }
  char note[256];
  snprintf(note, sizeof note,
           "could not tell what %s builds: set [toolchain] outputs to its "
           "files",
           file);
  detect->note(call, note);
}

static int detect_cmake(mb_call *call, const mb_detect_services *detect) {
  const char *text = detect->read_text(call, "CMakeLists.txt");
  if (!text) return MB_UNSUPPORTED;
  char executable[256];
  bool found = c_cmake_executable(text, executable, sizeof executable);
  /* Above make: a CMake project's Makefile is usually one CMake wrote. */
  detect->match(call, MB_MATCH_BUILD + 5, "CMakeLists.txt");
  detect->propose_key(call, "mode", "cmake",
                      "configure the CMakeLists.txt for each target");
  propose_outputs(call, detect, found, executable, "CMakeLists.txt");
  detect->propose_key(call, "cmake_args", "-DCMAKE_BUILD_TYPE=Release",
                      "more configure arguments");
  return MB_OK;
}

static int detect_make(mb_call *call, const mb_detect_services *detect) {
  /* The order GNU make looks for them in. */
  static const char *const makefiles[] = {"GNUmakefile", "makefile",
                                          "Makefile"};
  for (size_t i = 0; i < sizeof makefiles / sizeof *makefiles; i++) {
    const char *text = detect->read_text(call, makefiles[i]);
    if (!text) continue;
    char executable[256];
    bool found = c_make_goal(text, executable, sizeof executable);
    detect->match(call, MB_MATCH_BUILD, makefiles[i]);
    detect->propose_key(call, "mode", "make",
                        "run make with the target's CC, AR (and cflags as "
                        "CFLAGS when set)");
    propose_outputs(call, detect, found, executable, makefiles[i]);
    return MB_OK;
  }
  return MB_UNSUPPORTED;
}

static int detect_sources(mb_call *call, const mb_detect_services *detect) {
  size_t count, headers;
  const char *const *files =
      detect->find_files(call, "*.c", SOURCE_DEPTH, &count);
  char *patterns = c_source_patterns(files, count);
  if (!patterns) return MB_UNSUPPORTED;
  detect->match(call, MB_MATCH_WEAK, "C sources");
  detect->propose_key(call, "mode", "sources",
                      "mbhost compiles and links the sources itself");
  detect->propose_key(call, "sources", patterns,
                      "one pattern per folder with C files");
  free(patterns);
  detect->find_files(call, "*.h", 0, &headers);
  if (headers > 0)
    detect->propose_key(call, "include_dirs", ".",
                        "the headers in the top folder");
  detect->propose_key(call, "cflags", "-O2",
                      "compiler flags; libraries go in libs, without -l "
                      "(libs = m)");
  return MB_OK;
}

int c_detect(void *self, mb_call *call, const mb_detect_services *detect) {
  (void)self;
  if (detect_cmake(call, detect) == MB_OK || detect_make(call, detect) == MB_OK)
    return MB_OK;
  return detect_sources(call, detect);
}
