#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

color_when progress_color = COLOR_AUTO;

enum {
  REDRAW_MS = 100,
  TAIL_LINES = 10,
  TAIL_BYTES = 64 * 1024,
  FIRST_ERRORS = 5,            /* error lines shown above the tail */
  SCAN_BYTES = 8 * 1024 * 1024 /* how far into a log they are looked for */
};

/* What the live line of one target shows. */
typedef struct live_target {
  bool running;
  double started;
  char *step;     /* "step 2/3" */
  strbuf partial; /* output after the last newline */
  char *latest;   /* the latest non-blank output line */
} live_target;

static struct {
  const target_set *ts;
  bool live, color;
  size_t total, finished;
  double started;
  live_target *targets;
  size_t drawn;    /* live lines on the screen now */
  strvec scrolled; /* lines to print above the live ones at the next draw */
  double last_draw;
  bool dirty;
} ui;

bool progress_parse_color(const char *text, color_when *out) {
  static const char *const words[] = {"auto", "always", "never"};
  for (size_t i = 0; i < 3; i++)
    if (strcmp(text, words[i]) == 0) {
      *out = (color_when)i;
      return true;
    }
  return false;
}

static bool stderr_is_terminal(void) {
  const char *term = getenv("TERM");
  return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

static bool use_color(void) {
  if (progress_color != COLOR_AUTO) return progress_color == COLOR_ALWAYS;
  const char *no_color = getenv("NO_COLOR");
  return stderr_is_terminal() && !(no_color && *no_color);
}

/* CI services set CI=true and may still hand mbhost a pseudo-terminal. */
static bool use_live_lines(void) {
  const char *ci = getenv("CI");
  return log_verbosity == 0 && stderr_is_terminal() &&
         !(ci && strcmp(ci, "true") == 0);
}

static size_t terminal_width(void) {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  const char *columns = getenv("COLUMNS");
  long n = columns ? strtol(columns, NULL, 10) : 0;
  return n > 0 ? (size_t)n : 80;
}

/* `text` in the SGR color `code` when colors are on. */
static char *paint(const char *code, const char *text) {
  return ui.color ? xasprintf("\033[%sm%s\033[0m", code, text) : xstrdup(text);
}

static const char *status_color(target_status s) {
  return s == TARGET_OK                                ? "32"
         : s == TARGET_FAILED || s == TARGET_TIMED_OUT ? "31"
                                                       : "33";
}

/* The summary's cache column: hit (restored), hit (remote) (downloaded
   from the remote cache, then restored), miss (looked up, then built or
   skipped), or - (not looked up: --no-cache, no plan, or a source that
   could not be read). */
static const char *cache_word(const target_result *tr) {
  if (tr->cache_hit) return tr->cache_remote ? "hit (remote)" : "hit";
  return tr->cache_checked ? "miss" : "-";
}

/* Prints a line now (plain) or above the live lines at the next draw. */
static void emit(char *line) {
  if (ui.live) {
    strvec_push_owned(&ui.scrolled, line);
    ui.dirty = true;
    return;
  }
  fprintf(stderr, "%s\n", line);
  free(line);
}

/* Appends `text` to `out`, control characters as spaces, cut to at most
   `columns` characters (UTF-8 continuation bytes take no column). */
static void add_clipped(strbuf *out, const char *text, size_t *columns) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    bool starts_char = (*p & 0xC0) != 0x80;
    if (starts_char && *columns == 0) return;
    if (starts_char) (*columns)--;
    char c = *p < 0x20 || *p == 0x7F ? ' ' : (char)*p;
    strbuf_add(out, &c, 1);
  }
}

static void draw_target_line(strbuf *s, size_t t, size_t width, double now) {
  const live_target *lt = &ui.targets[t];
  char *head = xasprintf("  %-16s %6.1fs  %s  ", ui.ts->items[t].target->name,
                         now - lt->started, lt->step ? lt->step : "starting");
  size_t columns = width - 1; /* never the last column: no autowrap */
  add_clipped(s, head, &columns);
  if (lt->latest) add_clipped(s, lt->latest, &columns);
  strbuf_puts(s, "\033[K\n");
  free(head);
}

static void redraw(void) {
  strbuf s = {0};
  double now = now_seconds();
  if (ui.drawn) strbuf_printf(&s, "\r\033[%zuA", ui.drawn);
  strbuf_puts(&s, "\r\033[J");
  for (size_t i = 0; i < ui.scrolled.len; i++)
    strbuf_printf(&s, "%s\n", ui.scrolled.items[i]);
  strvec_free(&ui.scrolled);
  ui.drawn = 0;
  size_t running = 0;
  for (size_t t = 0; t < ui.ts->len; t++)
    running += ui.targets[t].running;
  if (running) {
    size_t width = terminal_width();
    char *counter = xasprintf("[%zu/%zu] building, %zu running, %.1fs",
                              ui.finished, ui.total, running, now - ui.started);
    strbuf clipped = {0};
    size_t columns = width - 1;
    add_clipped(&clipped, counter, &columns);
    char *bold = paint("1", clipped.data);
    strbuf_printf(&s, "%s\033[K\n", bold);
    free(bold), free(counter);
    strbuf_free(&clipped);
    ui.drawn = 1;
    for (size_t t = 0; t < ui.ts->len; t++)
      if (ui.targets[t].running) {
        draw_target_line(&s, t, width, now);
        ui.drawn++;
      }
  }
  fputs(s.data, stderr);
  fflush(stderr);
  strbuf_free(&s);
  ui.last_draw = now;
  ui.dirty = false;
}

void progress_begin(const target_set *ts) {
  ui.ts = ts;
  ui.live = use_live_lines();
  ui.color = use_color();
  ui.started = now_seconds();
  ui.targets = xcalloc(ts->len ? ts->len : 1, sizeof *ui.targets);
  ui.total = ui.finished = ui.drawn = 0;
  for (size_t t = 0; t < ts->len; t++)
    ui.total += ts->items[t].status == TARGET_PENDING;
}

void progress_target_started(size_t t) {
  ui.targets[t].running = true;
  ui.targets[t].started = now_seconds();
  ui.dirty = true;
  if (!ui.live) log_line(MB_LOG_INFO, ui.ts->items[t].target->name, "building");
}

void progress_step_started(size_t t, size_t step, size_t nsteps,
                           const char *command) {
  live_target *lt = &ui.targets[t];
  free(lt->step);
  lt->step = xasprintf("step %zu/%zu", step + 1, nsteps);
  ui.dirty = true;
  if (!ui.live)
    log_line(MB_LOG_INFO, ui.ts->items[t].target->name, "%s: %s", lt->step,
             command);
}

void progress_output(size_t t, const char *data, size_t n) {
  if (!ui.live) return;
  live_target *lt = &ui.targets[t];
  strbuf_add(&lt->partial, data, n);
  char *last_nl = lt->partial.data ? strrchr(lt->partial.data, '\n') : NULL;
  if (!last_nl) return;
  *last_nl = '\0';
  /* The last non-blank line completed; '\r' ends a line too (progress
     bars redraw with it). */
  char *line = NULL;
  for (char *save = NULL, *l = strtok_r(lt->partial.data, "\r\n", &save); l;
       l = strtok_r(NULL, "\r\n", &save))
    if (*trim(l)) line = l;
  if (line) {
    free(lt->latest);
    lt->latest = xstrdup(trim(line));
    ui.dirty = true;
  }
  size_t rest = strlen(last_nl + 1);
  memmove(lt->partial.data, last_nl + 1, rest + 1);
  lt->partial.len = rest;
}

void progress_target_finished(size_t t) {
  const target_result *tr = &ui.ts->items[t];
  live_target *lt = &ui.targets[t];
  lt->running = false;
  ui.finished++;
  bool failed = tr->status != TARGET_OK;
  if (log_verbosity < 0 && !failed) return;
  char *word = paint(status_color(tr->status), target_status_name(tr->status));
  char *line =
      failed
          ? xasprintf("mbhost: error: [%zu/%zu] %s %s after %.1fs: %s "
                      "(log: %s)",
                      ui.finished, ui.total, tr->target->name, word,
                      tr->seconds, tr->reason ? tr->reason : "", tr->log_path)
          : xasprintf("mbhost: [%zu/%zu] %s %s in %.1fs%s", ui.finished,
                      ui.total, tr->target->name, word, tr->seconds,
                      !tr->cache_hit     ? ""
                      : tr->cache_remote ? " (remote cache hit)"
                                         : " (cache hit)");
  free(word);
  emit(line);
}

int progress_poll_timeout(void) {
  return ui.live ? REDRAW_MS : -1;
}

void progress_tick(void) {
  if (!ui.live) return;
  /* The clock moves on every live line, so redraw on time as well. */
  if (now_seconds() - ui.last_draw >= REDRAW_MS / 1000.0) redraw();
}

void progress_end(void) {
  if (ui.live) {
    for (size_t t = 0; t < ui.ts->len; t++)
      ui.targets[t].running = false;
    redraw();
  }
  for (size_t t = 0; ui.targets && t < ui.ts->len; t++) {
    free(ui.targets[t].step);
    free(ui.targets[t].latest);
    strbuf_free(&ui.targets[t].partial);
  }
  free(ui.targets);
  ui.targets = NULL;
  ui.live = false;
}

void progress_export_started(const char *exporter, size_t nartifacts) {
  log_line(MB_LOG_INFO, exporter, "exporting %zu artifact%s", nartifacts,
           nartifacts == 1 ? "" : "s");
}

void progress_export_finished(const char *exporter, bool ok, double seconds) {
  if (ok) log_line(MB_LOG_INFO, exporter, "done in %.1fs", seconds);
}

/* --- the summary --------------------------------------------------------- */

char *progress_size(uint64_t bytes) {
  if (bytes < 1024) return xasprintf("%u B", (unsigned)bytes);
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = (double)bytes / 1024;
  size_t u = 0;
  for (; v >= 1024 && u < 3; u++)
    v /= 1024;
  return xasprintf("%.1f %s", v, units[u]);
}

/* "hello 1.2 MiB, hello.sha256 65 B", or "-". */
static char *outputs_of(const char *target, const artifact_list *outputs) {
  strbuf s = {0};
  for (size_t i = 0; outputs && i < outputs->len; i++) {
    const artifact *a = &outputs->items[i];
    if (!a->target || strcmp(a->target, target) != 0) continue;
    char *size = progress_size(a->size);
    strbuf_printf(&s, "%s%s %s", s.len ? ", " : "", a->name, size);
    free(size);
  }
  return s.data ? s.data : xstrdup("-");
}

/* Whether a log line says what went wrong: gcc and clang (`error:`,
   `fatal error:`), rustc (`error[E0425]:`), the linker (`undefined
   reference`, `multiple definition`). The first such lines are the cause;
   later ones are often consequences. */
static bool is_error_line(const char *line) {
  static const char *const marks[] = {"error:", "error[", "undefined reference",
                                      "multiple definition"};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (strstr(line, marks[i])) return true;
  return false;
}

/* Prints the first FIRST_ERRORS error lines of the log before `end` (the
   offset where the tail begins), then "..." when lines are left out. */
static void print_first_errors(FILE *f, long end) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long pos = 0, shown_end = 0;
  int shown = 0;
  rewind(f);
  while (shown < FIRST_ERRORS && pos < end && pos < SCAN_BYTES &&
         (len = getline(&line, &cap, f)) > 0) {
    pos += len;
    if (pos > end || !is_error_line(line)) continue;
    line[strcspn(line, "\n")] = '\0';
    fprintf(stderr, "  | %s\n", line);
    shown++;
    shown_end = pos;
  }
  if (shown && shown_end < end) fprintf(stderr, "  | ...\n");
  free(line);
}

/* Prints the first error lines of a log and its last TAIL_LINES lines,
   indented, no line twice. */
static void print_log_tail(const char *path) {
  FILE *f = fopen(path, "re");
  if (!f) return;
  char *buf = xmalloc(TAIL_BYTES + 1);
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  long from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
  size_t n = fseek(f, from, SEEK_SET) == 0 ? fread(buf, 1, TAIL_BYTES, f) : 0;
  buf[n] = '\0';
  while (n && buf[n - 1] == '\n')
    buf[--n] = '\0';
  char *start = buf + n;
  for (int lines = 0; start > buf; start--)
    if (start[-1] == '\n' && ++lines == TAIL_LINES) break;
  print_first_errors(f, from + (long)(start - buf));
  fclose(f);
  for (char *save = NULL, *line = strtok_r(start, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save))
    fprintf(stderr, "  | %s\n", line);
  free(buf);
}

static void print_table(const target_set *ts, const artifact_list *outputs) {
  int width = 5; /* "cache"; wider when a word is */
  for (size_t i = 0; i < ts->len; i++) {
    int n = (int)strlen(cache_word(&ts->items[i]));
    if (n > width) width = n;
  }
  fprintf(stderr, "\n%-18s %-12s %8s  %-*s  %s\n", "target", "status", "time",
          width, "cache", "outputs");
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    char *status = xasprintf("%-12s", target_status_name(tr->status));
    char *word = paint(status_color(tr->status), status);
    char *files = tr->status == TARGET_UNSUPPORTED && tr->reason
                      ? xstrdup(tr->reason)
                      : outputs_of(tr->target->name, outputs);
    fprintf(stderr, "%-18s %s %7.1fs  %-*s  %s\n", tr->target->name, word,
            tr->seconds, width, cache_word(tr), files);
    free(files), free(word), free(status);
  }
}

void progress_summary(const target_set *ts, const artifact_list *outputs) {
  ui.color = use_color();
  if (log_verbosity >= 0) print_table(ts, outputs);
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    bool failed = tr->status == TARGET_FAILED || tr->status == TARGET_TIMED_OUT;
    if (!failed || !tr->log_path) continue;
    fprintf(stderr, "log of %s: %s\n", tr->target->name, tr->log_path);
    print_log_tail(tr->log_path);
  }
}
