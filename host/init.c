#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* The matrix init starts from; Rust and C keep what the machine builds. */
static const char *const candidate_os[] = {"linux", "darwin", "windows"};
static const char *const candidate_arch[] = {"amd64", "arm64"};
enum { NOS = 3, NARCH = 2, NCANDIDATES = NOS * NARCH, MAX_SOURCE_DEPTH = 3 };

/* What the current folder holds. */
typedef struct detected {
  const char *toolchain; /* go, rust, c */
  const char *mode;      /* c: sources, make or cmake */
  const char *evidence;  /* the file that decided it */
  char *name;            /* the project's name */
  char *executable;      /* make, cmake: what the build makes, or NULL */
  strvec sources;        /* sources mode: glob patterns */
  bool include_root;     /* sources mode: headers beside the sources */
} detected;

/* Which candidate targets the toolchain can build here, and why not. */
typedef struct buildable {
  bool ok[NCANDIDATES];
  char *why_not[NCANDIDATES];
} buildable;

static char *read_text(const char *path) {
  FILE *f = fopen(path, "re");
  if (!f) return NULL;
  strbuf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
    strbuf_add(&b, chunk, n);
  fclose(f);
  return b.data ? b.data : xstrdup("");
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A project name the INI accepts: letters, digits, '.', '_', '-'. */
static char *sanitize_name(const char *text, size_t len) {
  strbuf b = {0};
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    strbuf_add(&b, plain ? &c : "-", 1);
  }
  if (!b.data || strspn(b.data, ".") == b.len) {
    strbuf_free(&b);
    return xstrdup("app");
  }
  return b.data;
}

/* The value after `key` on a line that starts with it ("module x",
   "name = \"x\""), without quotes; NULL when no line does. */
static char *line_value(const char *text, const char *key, bool after_eq) {
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    const char *p = line + strspn(line, " \t");
    if (str_starts_with(p, key) && strchr(" \t=", p[strlen(key)])) {
      p += strlen(key) + strspn(p + strlen(key), " \t");
      if (after_eq && *p++ != '=') goto next;
      p += strspn(p, " \t\"");
      size_t n = strcspn(p, "\"\r\n \t");
      if (n) return xstrndup(p, n);
    }
  next:
    line += len + (end ? 1 : 0);
  }
  return NULL;
}

static char *go_name(const char *dir) {
  char *path = path_join(dir, "go.mod");
  char *text = read_text(path);
  char *module = text ? line_value(text, "module", false) : NULL;
  free(path), free(text);
  if (!module) return NULL;
  /* example.com/tool/v2 builds "tool". */
  char *last = strrchr(module, '/');
  if (last && last[1] == 'v' && strspn(last + 2, "0123456789") > 0 &&
      last[2 + strspn(last + 2, "0123456789")] == '\0') {
    *last = '\0';
    last = strrchr(module, '/');
  }
  const char *base = last ? last + 1 : module;
  char *name = sanitize_name(base, strlen(base));
  free(module);
  return name;
}

static char *cargo_name(const char *dir) {
  char *path = path_join(dir, "Cargo.toml");
  char *text = read_text(path);
  char *package = text ? strstr(text, "[package]") : NULL;
  char *name = package ? line_value(package, "name", true) : NULL;
  free(path), free(text);
  if (!name) return NULL;
  char *clean = sanitize_name(name, strlen(name));
  free(name);
  return clean;
}

/* The first add_executable(NAME ...) of a CMakeLists.txt. */
static char *cmake_executable(const char *dir) {
  char *path = path_join(dir, "CMakeLists.txt");
  char *text = read_text(path);
  char *at = text ? strstr(text, "add_executable(") : NULL;
  char *name = NULL;
  if (at) {
    at += strlen("add_executable(");
    at += strspn(at, " \t\r\n");
    size_t n = strcspn(at, " \t\r\n)");
    if (n && !memchr(at, '$', n)) name = xstrndup(at, n);
  }
  free(path), free(text);
  return name;
}

/* The Makefile's default goal: its first rule that is not special, or the
   first prerequisite of `all`. */
static char *make_executable(const char *dir) {
  char *path = path_join(dir, "Makefile");
  char *text = read_text(path);
  char *name = NULL;
  for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL;
       line && !name; line = strtok_r(NULL, "\n", &save)) {
    size_t n = strcspn(line, " \t:=");
    const char *after = line + n + strspn(line + n, " \t");
    if (!n || line[0] == '.' || *after != ':' || after[1] == '=' ||
        memchr(line, '%', n) || memchr(line, '$', n))
      continue;
    if (n == 3 && strncmp(line, "all", 3) == 0) {
      const char *dep = after + 1 + strspn(after + 1, " \t");
      size_t m = strcspn(dep, " \t\r");
      if (m && !memchr(dep, '$', m)) name = xstrndup(dep, m);
      break;
    }
    name = xstrndup(line, n);
  }
  free(path), free(text);
  return name;
}

static bool skipped_folder(const char *name) {
  static const char *const skip[] = {"build", "dist",  "out",      "target",
                                     "test",  "tests", "examples", "vendor"};
  if (name[0] == '.') return true;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strcmp(name, skip[i]) == 0) return true;
  return false;
}

static bool has_suffix(const char *name, const char *suffix) {
  size_t n = strlen(name), m = strlen(suffix);
  return n > m && strcmp(name + n - m, suffix) == 0;
}

/* One glob pattern ("src/" followed by "*.c") per folder with C files,
   outside build and test folders. */
static void find_c_sources(const char *dir, const char *rel, int depth,
                           detected *d) {
  DIR *dh = opendir(dir);
  if (!dh) return;
  bool has_c = false;
  strvec subdirs = {0};
  for (struct dirent *e; (e = readdir(dh));) {
    char *path = path_join(dir, e->d_name);
    if (has_suffix(e->d_name, ".c") && is_file(path)) has_c = true;
    if (!rel && has_suffix(e->d_name, ".h")) d->include_root = true;
    if (path_is_dir(path) && !skipped_folder(e->d_name))
      strvec_push(&subdirs, e->d_name);
    free(path);
  }
  closedir(dh);
  if (has_c)
    strvec_push_owned(&d->sources,
                      rel ? xasprintf("%s/*.c", rel) : xstrdup("*.c"));
  for (size_t i = 0; i < subdirs.len && depth < MAX_SOURCE_DEPTH; i++) {
    char *path = path_join(dir, subdirs.items[i]);
    char *sub = rel ? xasprintf("%s/%s", rel, subdirs.items[i])
                    : xstrdup(subdirs.items[i]);
    find_c_sources(path, sub, depth + 1, d);
    free(path), free(sub);
  }
  strvec_free(&subdirs);
}

static bool detect(const char *dir, detected *d) {
  char *folder = strrchr(dir, '/');
  char *fallback = sanitize_name(folder ? folder + 1 : dir,
                                 strlen(folder ? folder + 1 : dir));
  struct {
    const char *file, *toolchain, *mode;
  } const kinds[] = {{"go.mod", "go", NULL},
                     {"Cargo.toml", "rust", NULL},
                     {"CMakeLists.txt", "c", "cmake"},
                     {"Makefile", "c", "make"}};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !d->toolchain; i++) {
    char *path = path_join(dir, kinds[i].file);
    if (is_file(path))
      *d = (detected){.toolchain = kinds[i].toolchain,
                      .mode = kinds[i].mode,
                      .evidence = kinds[i].file};
    free(path);
  }
  if (!d->toolchain) {
    find_c_sources(dir, NULL, 0, d);
    if (d->sources.len)
      d->toolchain = "c", d->mode = "sources", d->evidence = "C sources";
  }
  if (!d->toolchain) {
    free(fallback);
    return false;
  }
  if (strcmp(d->toolchain, "go") == 0) d->name = go_name(dir);
  if (strcmp(d->toolchain, "rust") == 0) d->name = cargo_name(dir);
  if (d->mode && strcmp(d->mode, "cmake") == 0)
    d->executable = cmake_executable(dir);
  if (d->mode && strcmp(d->mode, "make") == 0)
    d->executable = make_executable(dir);
  if (!d->name && d->executable)
    d->name = sanitize_name(d->executable, strlen(d->executable));
  if (!d->name)
    d->name = fallback;
  else
    free(fallback);
  return true;
}

/* `text` as comment lines of at most 78 columns (INI lines are limited in
   length), continuation lines indented. */
static void add_comment(strbuf *out, const char *text) {
  size_t column = 0;
  bool first_line = true;
  char *copy = xstrdup(text);
  for (char *save = NULL, *word = strtok_r(copy, " ", &save); word;
       word = strtok_r(NULL, " ", &save)) {
    if (column && column + 1 + strlen(word) > 78) {
      strbuf_puts(out, "\n");
      column = 0;
      first_line = false;
    }
    const char *lead = column ? " " : first_line ? "; " : ";   ";
    strbuf_printf(out, "%s%s", lead, word);
    column += strlen(lead) + strlen(word);
  }
  strbuf_puts(out, "\n");
  free(copy);
}

/* The [matrix] lines for the buildable candidates: every os and arch that
   has one, minus the pairs that cannot be built. */
static void render_matrix(strbuf *out, const buildable *b) {
  strbuf os = {0}, arch = {0}, exclude = {0};
  bool os_used[NOS] = {0}, arch_used[NARCH] = {0};
  for (size_t i = 0; i < NCANDIDATES; i++)
    if (b->ok[i]) os_used[i / NARCH] = arch_used[i % NARCH] = true;
  for (size_t o = 0; o < NOS; o++)
    if (os_used[o])
      strbuf_printf(&os, "%s%s", os.len ? ", " : "", candidate_os[o]);
  for (size_t a = 0; a < NARCH; a++)
    if (arch_used[a])
      strbuf_printf(&arch, "%s%s", arch.len ? ", " : "", candidate_arch[a]);
  for (size_t i = 0; i < NCANDIDATES; i++)
    if (!b->ok[i] && os_used[i / NARCH] && arch_used[i % NARCH])
      strbuf_printf(&exclude, "%s%s/%s", exclude.len ? ", " : "",
                    candidate_os[i / NARCH], candidate_arch[i % NARCH]);
  strbuf_printf(out, "[matrix]\nos   = %s\narch = %s\n", os.data, arch.data);
  if (exclude.len) strbuf_printf(out, "exclude = %s\n", exclude.data);
  for (size_t i = 0; i < NCANDIDATES; i++)
    if (b->why_not[i]) {
      char *note = xasprintf("left out, cannot be built here: %s/%s: %s",
                             candidate_os[i / NARCH], candidate_arch[i % NARCH],
                             b->why_not[i]);
      add_comment(out, note);
      free(note);
    }
  strbuf_free(&os), strbuf_free(&arch), strbuf_free(&exclude);
}

static void render_toolchain(strbuf *out, const detected *d) {
  strbuf_printf(out, "[toolchain]\nuse = %s\n", d->toolchain);
  if (strcmp(d->toolchain, "go") == 0) {
    strbuf_puts(out, "; ldflags = -s -w    ; smaller binaries\n"
                     "; flags   = -trimpath\n"
                     "; tags    = netgo\n");
  } else if (strcmp(d->toolchain, "rust") == 0) {
    strbuf_puts(out, "profile = release\n"
                     "; features = ...     ; cargo features to enable\n"
                     "; bin      = ...     ; only these binaries\n");
  } else if (strcmp(d->mode, "sources") == 0) {
    strbuf_puts(out, "sources = ");
    for (size_t i = 0; i < d->sources.len; i++)
      strbuf_printf(out, "%s%s", i ? ", " : "", d->sources.items[i]);
    strbuf_puts(out, "\n");
    if (d->include_root) strbuf_puts(out, "include_dirs = .\n");
    strbuf_puts(out, "cflags  = -O2\n"
                     "; libs    = m        ; libraries to link, without -l\n");
  } else {
    strbuf_printf(out, "mode = %s\n", d->mode);
    if (d->executable)
      strbuf_printf(out, "outputs = %s     ; what the build makes\n",
                    d->executable);
    strbuf_printf(out, "; %s\n",
                  strcmp(d->mode, "make") == 0
                      ? "cflags = -O2       ; passed as CFLAGS"
                      : "cmake_args = -DCMAKE_BUILD_TYPE="
                        "Release");
  }
}

/* The whole file. `source` and `output` are "." and "dist" in the file
   written, absolute in the candidate the toolchain is asked about. */
static char *render(const detected *d, const char *source, const char *output,
                    const buildable *b) {
  strbuf out = {0};
  strbuf_printf(
      &out,
      "; Written by `mbhost init` (found %s). Build with:\n"
      ";   mbhost --config build.ini            (--dry-run shows the plan)\n"
      "; Every key of the toolchain: mbhost plugins --describe %s\n"
      "; The format: man mbhost.ini\n\n"
      "[project]\n"
      "name   = %s\n"
      "source = %s       ; the application's folder, relative to this file\n"
      "output = %s    ; results go to <output>/<os>/<arch>/\n"
      "; version = 1.0.0   ; used in archive names\n\n",
      d->evidence, d->toolchain, d->name, source, output);
  render_matrix(&out, b);
  strbuf_puts(&out, "\n");
  render_toolchain(&out, d);
  strbuf_puts(&out, "\n[export]\n"
                    "use = local       ; or: tarball (archives and checksums),"
                    " s3\n");
  return out.data;
}

static int write_file(const char *path, const char *text, bool force) {
  char *tmp = xasprintf("%s.mbhost-init.XXXXXX", path);
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  bool ok = f && fputs(text, f) >= 0 && fchmod(fd, 0644) == 0;
  if (f && fclose(f) != 0) ok = false;
  /* Without --force, link() refuses to replace a file made meanwhile. */
  if (ok) ok = force ? rename(tmp, path) == 0 : link(tmp, path) == 0;
  int saved = errno;
  unlink(tmp);
  free(tmp);
  errno = saved;
  return ok ? 0 : -1;
}

/* The candidate file, removed even when checking it exits early. */
static char candidate_path[4096];

static void remove_candidate(void) {
  if (*candidate_path) unlink(candidate_path);
}

/* Asks the toolchain which candidates it can build, through the same plan
   a build would make, from a candidate file outside the project. */
static void ask_toolchain(const run_options *opts, const char *dir,
                          const detected *d, buildable *b) {
  buildable all = {0};
  for (size_t i = 0; i < NCANDIDATES; i++)
    all.ok[i] = true;
  char *dist = path_join(dir, "dist");
  char *text = render(d, dir, dist, &all);
  free(dist);
  const char *tmpdir = getenv("TMPDIR");
  char *path = xasprintf("%s/mbhost-init.XXXXXX.ini",
                         tmpdir && *tmpdir ? tmpdir : "/tmp");
  int fd = mkstemps(path, 4);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
    fatal("cannot write %s: %s", path, strerror(errno));
  close(fd);
  free(text);
  snprintf(candidate_path, sizeof candidate_path, "%s", path);
  atexit(remove_candidate);

  run_options candidate = *opts;
  candidate.config_path = path;
  candidate.dry_run = true;
  candidate.targets = (strvec){0};
  run r = {0};
  run_prepare(&r, &candidate);
  remove_candidate();
  *candidate_path = '\0';
  if (!run_plan_only(&r)) exit(EXIT_BUILD);
  for (size_t i = 0; i < r.matrix.len; i++) {
    const target_result *tr = &r.results[i];
    for (size_t c = 0; c < NCANDIDATES; c++) {
      char *name = xasprintf("%s/%s", candidate_os[c / NARCH],
                             candidate_arch[c % NARCH]);
      if (strcmp(name, tr->target->name) == 0) {
        b->ok[c] = tr->status == TARGET_PENDING;
        if (!b->ok[c]) b->why_not[c] = xstrdup(tr->reason);
      }
      free(name);
    }
  }
  run_free(&r);
  free(path);
}

int init_main(const run_options *opts, bool force) {
  char dir[4096];
  if (!getcwd(dir, sizeof dir))
    fatal("cannot read the current folder: %s", strerror(errno));
  char *path =
      path_absolute(dir, opts->config_path ? opts->config_path : "build.ini");
  if (!force && access(path, F_OK) == 0)
    fatal_usage("%s already exists; run mbhost init --force to replace it",
                path);
  detected d = {0};
  if (!detect(dir, &d))
    fatal_usage("nothing to build in %s: mbhost init looks for go.mod, "
                "Cargo.toml, CMakeLists.txt, Makefile or *.c files",
                dir);

  buildable b = {0};
  if (strcmp(d.toolchain, "go") == 0)
    for (size_t i = 0; i < NCANDIDATES; i++)
      b.ok[i] = true;
  else
    ask_toolchain(opts, dir, &d, &b);
  size_t n = 0;
  for (size_t i = 0; i < NCANDIDATES; i++)
    n += b.ok[i];
  int code = EXIT_OK;
  if (n == 0) {
    log_line(MB_LOG_ERROR, NULL,
             "%s: no target of linux, darwin, windows x amd64, arm64 can be "
             "built on this machine; nothing was written",
             d.toolchain);
    for (size_t i = 0; i < NCANDIDATES; i++)
      log_line(MB_LOG_ERROR, NULL, "%s/%s: %s", candidate_os[i / NARCH],
               candidate_arch[i % NARCH], b.why_not[i]);
    code = EXIT_BUILD;
  } else {
    char *text = render(&d, ".", "dist", &b);
    if (write_file(path, text, force) != 0)
      fatal("cannot write %s: %s", path, strerror(errno));
    log_line(MB_LOG_INFO, NULL,
             "wrote %s: toolchain %s%s%s, %zu target%s; next: mbhost "
             "--config %s",
             path, d.toolchain, d.mode ? ", mode " : "", d.mode ? d.mode : "",
             n, n == 1 ? "" : "s",
             opts->config_path ? opts->config_path : "build.ini");
    free(text);
  }
  for (size_t i = 0; i < NCANDIDATES; i++)
    free(b.why_not[i]);
  free(d.name), free(d.executable);
  strvec_free(&d.sources);
  free(path);
  return code;
}
