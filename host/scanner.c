#include "scanner.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "loader.h"
#include "log.h"
#include "process.h"
#include "state.h"
#include "util.h"

extern char **environ;

#define SCANNER_CACHE_NAME "plugin-scan.json"
#define SCANNER_CACHE_FORMAT 3
#define DEFAULT_TIMEOUT_SECONDS 10
#define REPORT_MAX 4096

static char self_exe[PATH_MAX];

void scanner_enable(void) {
  ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  self_exe[n > 0 ? n : 0] = '\0';
}

bool scanner_enabled(void) {
  return self_exe[0] != '\0';
}

int scanner_child_main(const char *path) {
  /* The verdict goes to the real standard output; whatever the plugin prints
     while loading goes nowhere, so it cannot forge a verdict. */
  FILE *report = fdopen(dup(STDOUT_FILENO), "w");
  int devnull = open("/dev/null", O_WRONLY);
  if (!report || devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0) return 1;
  close(devnull);
  plugin p;
  char *why = plugin_open(path, &p);
  if (why) {
    fprintf(report, "refused\t%s\n", why);
  } else {
    fprintf(report, "ok\t%s\n", p.desc->name);
    free(p.path);
  }
  free(why);
  /* Returning runs the plugin's exit handlers too: a plugin that crashes
     there would crash the host at exit. */
  return fclose(report) == 0 ? 0 : 1;
}

struct scanner {
  char *file;    /* the cache file, or NULL when there is no cache folder */
  bool save;     /* whether new verdicts are written back */
  char *host;    /* which mbhost made the verdicts: a new build rescans */
  json_t *cache; /* path -> {size, mtime_ns, refused?} */
  bool dirty;
};

static long long mtime_ns(const struct stat *st) {
  return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static char *host_identity(void) {
  struct stat st;
  if (stat(self_exe, &st) != 0) memset(&st, 0, sizeof st);
  return xasprintf("%s %s %lld %lld", MBHOST_VERSION, self_exe,
                   (long long)st.st_size, mtime_ns(&st));
}

scanner *scanner_open(const char *cache_root, bool save) {
  scanner *s = xcalloc(1, sizeof *s);
  char *unsafe = cache_root ? state_dir_problem(cache_root, true) : NULL;
  if (unsafe)
    log_line(MB_LOG_WARN, NULL, "not using the plugin scan cache: %s", unsafe);
  s->file =
      cache_root && !unsafe ? path_join(cache_root, SCANNER_CACHE_NAME) : NULL;
  free(unsafe);
  s->save = save;
  s->host = host_identity();
  /* A verdict says which files get loaded: only ours are trusted. */
  char *text = s->file ? state_read_text(s->file, "plugin scan cache") : NULL;
  /* Read in one go: json_loadfd reads a byte per system call. */
  json_t *root = text ? json_loads(text, 0, NULL) : NULL;
  free(text);
  json_t *plugins = json_object_get(root, "plugins");
  const char *host = json_string_value(json_object_get(root, "host"));
  bool current = json_integer_value(json_object_get(root, "format")) ==
                     SCANNER_CACHE_FORMAT &&
                 host && strcmp(host, s->host) == 0 && json_is_object(plugins);
  s->cache = current ? json_incref(plugins) : json_object();
  json_decref(root);
  return s;
}

static int timeout_ms(void) {
  const char *env = getenv(SCANNER_TIMEOUT_ENV);
  char *end;
  long seconds = env ? strtol(env, &end, 10) : 0;
  if (!env || *end || seconds <= 0 || seconds > 3600)
    seconds = DEFAULT_TIMEOUT_SECONDS;
  return (int)seconds * 1000;
}

static bool cached_verdict(const scanner *s, const char *path,
                           const struct stat *st, char **why, char **name) {
  json_t *entry = json_object_get(s->cache, path);
  json_t *waited = json_object_get(entry, "timed_out_ms");
  /* A timeout is kept like any verdict, unless we may now wait longer. */
  if (!entry ||
      json_integer_value(json_object_get(entry, "size")) != st->st_size ||
      json_integer_value(json_object_get(entry, "mtime_ns")) != mtime_ns(st) ||
      (waited && json_integer_value(waited) < timeout_ms()))
    return false;
  const char *refused = json_string_value(json_object_get(entry, "refused"));
  const char *known = json_string_value(json_object_get(entry, "name"));
  if (!refused && !known) return false;
  *why = refused ? xstrdup(refused) : NULL;
  *name = known ? xstrdup(known) : NULL;
  return true;
}

static void remember(scanner *s, const char *path, const struct stat *st,
                     const char *why, const char *name, int timed_out_ms) {
  json_t *entry = json_pack("{s:I, s:I}", "size", (json_int_t)st->st_size,
                            "mtime_ns", (json_int_t)mtime_ns(st));
  if (timed_out_ms)
    json_object_set_new(entry, "timed_out_ms", json_integer(timed_out_ms));
  if (why) json_object_set_new(entry, "refused", json_string(why));
  if (name) json_object_set_new(entry, "name", json_string(name));
  json_object_set_new(s->cache, path, entry);
  s->dirty = true;
}

/* Appends what the pipe holds to the report (kept short); false at end of
   file or on error. */
static bool read_some(int fd, strbuf *report) {
  char buf[512];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0 && report->len < REPORT_MAX) strbuf_add(report, buf, (size_t)n);
  return n > 0 || (n < 0 && errno == EINTR);
}

/* Whether pid has exited, without reaping it (the caller waits for it). */
static bool has_exited(pid_t pid) {
  siginfo_t info = {0};
  return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

/* Reads the child's report until it exits. False when it did not exit in
   time or the run was interrupted: the caller kills it. Without pidfd_open
   (kernels before 5.3, valgrind) the exit is checked every 20 ms. */
static bool collect_report(pid_t pid, int out_fd, int limit_ms,
                           strbuf *report) {
  int exited = pidfd_open(pid, 0);
  double deadline = now_seconds() + limit_ms / 1000.0;
  bool done = false;
  while (!done && !interrupt_requested()) {
    int left = (int)((deadline - now_seconds()) * 1000);
    if (left <= 0) break;
    /* poll() skips a negative fd: the pipe once it reached end of file. */
    struct pollfd pfd[3] = {
        {exited, POLLIN, 0}, {out_fd, POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    if (exited < 0 && left > 20) left = 20;
    if (poll(pfd, interrupt_fd() >= 0 ? 3 : 2, left) < 0 && errno != EINTR)
      break;
    done = exited >= 0 ? pfd[0].revents & POLLIN : has_exited(pid);
    if (pfd[1].revents & (POLLIN | POLLHUP) && !read_some(out_fd, report))
      out_fd = -1;
  }
  if (exited >= 0) close(exited);
  return done;
}

/* The report is far smaller than a pipe's buffer: once the child has
   exited, all of it is there to read without blocking. */
static void drain(int fd, strbuf *report) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  char buf[512];
  ssize_t n;
  while (report->len < REPORT_MAX && (n = read(fd, buf, sizeof buf)) > 0)
    strbuf_add(report, buf, (size_t)n);
}

/* Turns how the child ended into a verdict. A timeout is cached too, so a
   hung plugin costs the wait once, not on every run: the note says how to
   have it scanned again. */
static char *judge(int status, bool finished, const strbuf *report,
                   int limit_ms, char **name) {
  *name = NULL;
  if (!finished)
    return xasprintf("did not finish loading within %d s and was stopped "
                     "(a plugin must not block while loading; set %s to wait "
                     "longer; this verdict is kept until the file changes)",
                     limit_ms / 1000, SCANNER_TIMEOUT_ENV);
  if (WIFSIGNALED(status))
    return xasprintf("crashed while loading (signal %d, %s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
  const char *text = report->data ? report->data : "";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (str_starts_with(text, "ok\t") && strchr(text, '\n')) {
      *name = xstrndup(text + 3, strcspn(text + 3, "\n"));
      return NULL;
    }
    if (str_starts_with(text, "refused\t")) {
      char *why = xstrdup(text + strlen("refused\t"));
      why[strcspn(why, "\n")] = '\0';
      return why;
    }
  }
  return xasprintf("ended the process while loading (exit status %d) "
                   "without a verdict",
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static char *scan_in_child(const char *path, bool *cache, int *timed_out_ms,
                           char **name) {
  const char *argv[] = {self_exe, SCANNER_COMMAND, path, NULL};
  int out_fd;
  pid_t pid = process_spawn(argv, environ, NULL, STDERR_DISCARD, &out_fd, NULL);
  if (pid < 0) {
    *cache = false;
    *timed_out_ms = 0;
    *name = NULL;
    return xasprintf("cannot start the plugin scanner %s: %s", self_exe,
                     strerror(errno));
  }
  strbuf report = {0};
  int limit = timeout_ms();
  bool finished = collect_report(pid, out_fd, limit, &report);
  /* The child leads its own process group: this also stops anything the
     plugin started. */
  if (!finished) kill(-pid, SIGKILL);
  drain(out_fd, &report);
  close(out_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  *cache = true;
  *timed_out_ms = finished ? 0 : limit;
  char *why = judge(status, finished, &report, limit, name);
  strbuf_free(&report);
  return why;
}

char *scanner_check(scanner *s, const char *path, const struct stat *st,
                    char **name) {
  char *why;
  if (cached_verdict(s, path, st, &why, name)) return why;
  bool cache;
  int timed_out_ms;
  why = scan_in_child(path, &cache, &timed_out_ms, name);
  if (interrupt_requested()) {
    free(why), free(*name);
    *name = NULL;
    return xstrdup("not scanned: the run was interrupted");
  }
  if (cache) remember(s, path, st, why, *name, timed_out_ms);
  return why;
}

static void save(const scanner *s) {
  char *dir = path_dirname(s->file);
  char *tmp = xasprintf("%s.XXXXXX", s->file);
  int fd = state_mkdirs(dir) == 0 ? mkostemp(tmp, O_CLOEXEC) : -1;
  json_t *root = json_pack("{s:i, s:s, s:O}", "format", SCANNER_CACHE_FORMAT,
                           "host", s->host, "plugins", s->cache);
  bool written = fd >= 0 && json_dumpfd(root, fd, JSON_COMPACT) == 0;
  if (fd >= 0 && close(fd) != 0) written = false;
  if (fd >= 0 && (!written || rename(tmp, s->file) != 0)) unlink(tmp);
  json_decref(root);
  free(tmp);
  free(dir);
}

/* Verdicts of files that are gone would only make the cache grow. */
static void forget_missing(scanner *s) {
  const char *path;
  json_t *entry;
  void *iter;
  json_object_foreach_safe(s->cache, iter, path, entry) {
    if (access(path, F_OK) != 0) json_object_del(s->cache, path);
  }
}

void scanner_close(scanner *s) {
  if (s->dirty && s->file && s->save) {
    forget_missing(s);
    save(s);
  }
  json_decref(s->cache);
  free(s->file);
  free(s->host);
  free(s);
}
