#include "detect.h"

#include "zig.h"
#include "zig_find.h"

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

/* A library or object that `all` builds on the way to the program. */
static bool is_library(const char *word, size_t len) {
  static const char *const suffixes[] = {".a", ".so", ".o", ".dll", ".lib"};
  for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    size_t n = strlen(suffixes[i]);
    if (len > n && strncmp(word + len - n, suffixes[i], n) == 0) return true;
  }
  return false;
}

bool c_make_goal(const char *text, char *buf, size_t cap, bool *from_all) {
  *from_all = false;
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    size_t n = strcspn(line, " \t:=\n");
    const char *after = line + n + strspn(line + n, " \t");
    bool rule = n > 0 && line[0] != '.' && line[0] != '#' && *after == ':' &&
                after[1] != '=' && !memchr(line, '%', n) &&
                !memchr(line, '$', n);
    if (rule && n == 3 && strncmp(line, "all", 3) == 0) {
      const char *dep = after + 1 + strspn(after + 1, " \t");
      size_t word = strcspn(dep, " \t\r\n");
      while (is_library(dep, word) && dep[word] && dep[word] != '\n') {
        dep += word + strspn(dep + word, " \t\r");
        word = strcspn(dep, " \t\r\n");
      }
      *from_all = true;
      return copy_word(dep, word, buf, cap);
    }
    if (rule) return copy_word(line, n, buf, cap);
    line += len + (line[len] == '\n');
  }
  return false;
}

int c_make_assigns(const char *text, const char *name) {
  size_t n = strlen(name);
  int words = 0;
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    /* Lines that start with a tab are recipes. */
    const char *word = line + strspn(line, " ");
    if (*line != '\t' && strncmp(word, name, n) == 0) {
      const char *op = word + n + strspn(word + n, " \t");
      size_t skip = *op == '=' ? 1 : strncmp(op, ":=", 2) == 0 ? 2 : 0;
      if (skip) {
        words = 0;
        for (const char *p = op + skip; p < line + len;) {
          p += strspn(p, " \t\r");
          size_t w = strcspn(p, " \t\r\n");
          if (w > 0 && *p != '#') words++;
          if (w == 0 || *p == '#') break;
          p += w;
        }
      }
    }
    line += len + (line[len] == '\n');
  }
  return words;
}

bool c_includes_c_file(const char *text) {
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    const char *p = line + strspn(line, " \t");
    if (*p == '#') {
      p += 1 + strspn(p + 1, " \t");
      if (strncmp(p, "include", 7) == 0) {
        p += 7 + strspn(p + 7, " \t");
        size_t name = *p == '"' ? strcspn(p + 1, "\"\n") : 0;
        if (name > 2 && p[1 + name] == '"' &&
            strncmp(p + name - 1, ".c", 2) == 0)
          return true;
      }
    }
    line += len + (line[len] == '\n');
  }
  return false;
}

unsigned c_include_needs(const char *text) {
  static const struct {
    const char *header;
    unsigned need;
  } headers[] = {{"<math.h>", C_NEEDS_M},
                 {"<pthread.h>", C_NEEDS_PTHREAD},
                 {"<dlfcn.h>", C_NEEDS_DL}};
  unsigned needs = 0;
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    const char *p = line + strspn(line, " \t");
    if (*p == '#') {
      p += 1 + strspn(p + 1, " \t");
      if (strncmp(p, "include", 7) == 0) {
        p += 7 + strspn(p + 7, " \t");
        for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
          if (strncmp(p, headers[i].header, strlen(headers[i].header)) == 0)
            needs |= headers[i].need;
      }
    }
    line += len + (line[len] == '\n');
  }
  return needs;
}

bool c_is_test_file(const char *path) {
  const char *slash = strrchr(path, '/');
  return strstr(slash ? slash + 1 : path, "test") != NULL;
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

/* A makefile that sets CC itself would compile every target with it: the
   target's goes on the command line. AR, RANLIB and STRIP too when the
   makefile names a bare program (`AR = ar`), but not when it adds flags
   (`AR = ar rc`), which the target's tool would lose. */
static void propose_override(mb_call *call, const mb_detect_services *detect,
                             const char *text) {
  static const char *const tools[] = {"AR", "RANLIB", "STRIP"};
  char names[64] = "";
  if (c_make_assigns(text, "CC") > 0) strcat(names, "CC");
  for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
    if (c_make_assigns(text, tools[i]) == 1) {
      if (*names) strcat(names, ", ");
      strcat(names, tools[i]);
    }
  if (*names)
    detect->propose_key(call, "make_override", names,
                        "the makefile sets these itself: the target's go on "
                        "make's command line");
}

/* The makefile GNU make would read, and its text; NULL when there is
   none. */
static const char *find_makefile(mb_call *call,
                                 const mb_detect_services *detect,
                                 const char **text) {
  /* The order GNU make looks for them in. */
  static const char *const makefiles[] = {"GNUmakefile", "makefile",
                                          "Makefile"};
  for (size_t i = 0; i < sizeof makefiles / sizeof *makefiles; i++)
    if ((*text = detect->read_text(call, makefiles[i])) != NULL)
      return makefiles[i];
  return NULL;
}

static int detect_make(mb_call *call, const mb_detect_services *detect) {
  const char *text;
  const char *makefile = find_makefile(call, detect, &text);
  if (!makefile) return MB_UNSUPPORTED;
  char executable[256];
  bool from_all;
  bool found = c_make_goal(text, executable, sizeof executable, &from_all);
  detect->match(call, MB_MATCH_BUILD, makefile);
  detect->propose_key(call, "mode", "make",
                      "run make with the target's CC, AR, RANLIB in the "
                      "environment (and cflags as CFLAGS when set)");
  propose_outputs(call, detect, found, executable, makefile);
  if (found && from_all)
    detect->propose_key(call, "make_args", executable,
                        "build only what is collected (`all` may also run "
                        "tests, which cannot run for other targets)");
  propose_override(call, detect, text);
  return MB_OK;
}

/* The files to compile: an amalgamation alone when there is one (a .c
   file that #includes the others, like SQLite's or Lua's onelua.c),
   else every file but test ones. *explicit is set when globs per folder
   would take in a file left out. *needs comes from every file but test
   ones: an amalgamation's includes are in the files it includes. */
static size_t choose_sources(mb_call *call, const mb_detect_services *detect,
                             const char *const *files, size_t count,
                             const char **kept, bool *explicit,
                             bool *amalgamated, unsigned *needs) {
  size_t n = 0, amalgamations = 0;
  *explicit = false;
  *amalgamated = false;
  *needs = 0;
  for (size_t i = 0; i < count; i++) {
    if (c_is_test_file(files[i])) {
      *explicit = true;
      continue;
    }
    const char *text = detect->read_text(call, files[i]);
    if (text) *needs |= c_include_needs(text);
    if (text && c_includes_c_file(text)) {
      /* Amalgamations go first, and alone in the end. */
      kept[n++] = kept[amalgamations];
      kept[amalgamations++] = files[i];
    } else {
      kept[n++] = files[i];
    }
  }
  if (amalgamations > 0) {
    *explicit = *amalgamated = true;
    return amalgamations;
  }
  return n;
}

static char *join_files(const char *const *files, size_t count) {
  size_t cap = 1;
  for (size_t i = 0; i < count; i++)
    cap += strlen(files[i]) + 2;
  char *out = malloc(cap);
  if (!out) return NULL;
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < count; i++)
    used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                             files[i]);
  return out;
}

/* The libraries the headers the code includes come from. */
static void propose_libs(mb_call *call, const mb_detect_services *detect,
                         unsigned needs) {
  char libs[32] = "";
  if (needs & C_NEEDS_M) strcat(libs, "m");
  if (needs & C_NEEDS_DL) strcat(libs, *libs ? ", dl" : "dl");
  if (*libs)
    detect->propose_key(call, "libs", libs,
                        "from the code's includes: math.h (m), dlfcn.h (dl)");
  if (needs & C_NEEDS_PTHREAD)
    detect->propose_key(call, "ldflags", "-pthread",
                        "the code includes pthread.h");
}

/* Sources mode. With `makefile` set (the project has one), only for an
   amalgamation: it builds for every target as it is, where a developer's
   makefile tends to name the host's libraries and flags (Lua's: readline,
   -march=native) that no other target has. */
static int detect_sources(mb_call *call, const mb_detect_services *detect,
                          const char *makefile) {
  size_t count, headers;
  const char *const *files =
      detect->find_files(call, "*.c", SOURCE_DEPTH, &count);
  const char **kept = calloc(count + 1, sizeof *kept);
  if (!kept) return MB_UNSUPPORTED;
  bool explicit, amalgamated;
  unsigned needs;
  size_t n = choose_sources(call, detect, files, count, kept, &explicit,
                            &amalgamated, &needs);
  char evidence[PATH_CAP];
  snprintf(evidence, sizeof evidence, "%s, an amalgamation",
           n > 0 ? kept[0] : "");
  char *patterns = makefile && !amalgamated ? NULL
                   : explicit               ? join_files(kept, n)
                                            : c_source_patterns(kept, n);
  free(kept);
  if (!patterns || !*patterns) {
    free(patterns);
    return MB_UNSUPPORTED;
  }
  if (makefile) {
    char note[256];
    snprintf(note, sizeof note,
             "%s is there too: mode = make builds with it instead, with its "
             "own flags and libraries",
             makefile);
    detect->match(call, MB_MATCH_BUILD, evidence);
    detect->note(call, note);
  } else {
    detect->match(call, MB_MATCH_WEAK, "C sources");
  }
  detect->propose_key(call, "mode", "sources",
                      "mbhost compiles and links the sources itself");
  detect->propose_key(call, "sources", patterns,
                      explicit ? "the amalgamation alone, or the files but "
                                 "test ones"
                               : "one pattern per folder with C files");
  free(patterns);
  detect->find_files(call, "*.h", 0, &headers);
  if (headers > 0)
    detect->propose_key(call, "include_dirs", ".",
                        "the headers in the top folder");
  detect->propose_key(call, "cflags", "-O2",
                      "compiler flags; libraries go in libs, without -l "
                      "(libs = m)");
  propose_libs(call, detect, needs);
  return MB_OK;
}

/* zig, when installed, cross compiles every target of the matrix. */
static void propose_zig(const c_plugin *cp, mb_call *call,
                        const mb_detect_services *detect) {
  char zig[PATH_CAP];
  if (mb_zig_find(cp->proc, call, "zig", zig, sizeof zig) == MB_OK)
    detect->propose_key(call, "cc", "zig",
                        "zig cross compiles C for linux, darwin and windows "
                        "(libc = gnu.2.17 pins the oldest glibc)");
}

int c_detect(void *self, mb_call *call, const mb_detect_services *detect) {
  int rc = MB_OK;
  const char *makefile_text;
  const char *makefile = find_makefile(call, detect, &makefile_text);
  if (detect_cmake(call, detect) != MB_OK &&
      (!makefile || detect_sources(call, detect, makefile) != MB_OK) &&
      detect_make(call, detect) != MB_OK)
    rc = detect_sources(call, detect, NULL);
  if (rc == MB_OK) propose_zig(self, call, detect);
  return rc;
}
