#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "cache.h"
#include "hash.h"
#include "interrupt.h"
#include "jobserver.h"
#include "log.h"
#include "process.h"
#include "progress.h"
#include "schema.h"
#include "supervise.h"

/* A running step. */
typedef struct job {
  size_t target;
  size_t step;
  pid_t pid;      /* 0 for a step of an executor plugin */
  exec_step *run; /* that step, or NULL */
  int fd;
  bool token;     /* holds a jobserver token */
  strbuf partial; /* an unfinished output line, for -v */
} job;

/* Per-target progress through its plan. */
typedef struct progress {
  size_t next_step;
  size_t running;
  bool failed;
  char *log_head; /* the log's first lines (target, plan); NULL: not prepared */
  int log_fd;     /* the log file, open from prepare_target on */
  FILE *log;      /* once the target is built: log_fd as a stream */
  double started;
  double deadline; /* [project] timeout; 0: none */
  double kill_at;  /* after a timeout: when SIGKILL follows SIGTERM */
  bool timed_out;
} progress;

typedef struct executor {
  target_set *ts;
  const build_options *opt;
  size_t jobs_max;
  job *jobs;
  size_t njobs;
  progress *progress;
  bool stop; /* a target failed without --keep-going */
  artifact_list *outputs;
  jobserver js;
  bool js_opened;     /* the jobserver is made with the first step */
  bool waiting_token; /* a step is ready but every token is taken */
  size_t *order;      /* targets, slowest first when earlier runs tell */
} executor;

static bool can_start(const executor *ex, size_t t) {
  const target_result *tr = &ex->ts->items[t];
  const progress *pg = &ex->progress[t];
  if (tr->status != TARGET_PENDING || pg->failed) return false;
  if (pg->next_step >= tr->plan.nsteps) return false;
  if (pg->running == 0) return true;
  /* Parallel steps share a group: start while the running ones are too. */
  return tr->plan.steps[pg->next_step].parallel &&
         tr->plan.steps[pg->next_step - 1].parallel;
}

static void fail_target(executor *ex, size_t t, char *reason) {
  target_result *tr = &ex->ts->items[t];
  ex->progress[t].failed = true;
  if (!tr->reason)
    tr->reason = reason;
  else
    free(reason);
  if (ex->progress[t].log)
    fprintf(ex->progress[t].log, "mbhost: %s\n", tr->reason);
  if (!ex->opt->keep_going) ex->stop = true;
}

/* The argv as a shell would read it back: the log shows every step in
   full; the live display shows only the first words. */
static char *argv_text(const strvec *argv, size_t max_words) {
  strbuf out = {0};
  for (size_t i = 0; i < argv->len && i < max_words; i++) {
    const char *arg = argv->items[i];
    bool quote = !*arg || strpbrk(arg, " \t\n\"'\\$`*?;&|<>()#~") != NULL;
    strbuf_printf(&out, quote ? "%s'%s'" : "%s%s", i ? " " : "", arg);
  }
  if (argv->len > max_words) strbuf_puts(&out, " ...");
  return out.data ? out.data : xstrdup("");
}

static char *describe_argv(const strvec *argv) {
  return argv_text(argv, 6);
}

/* A target's share of -j: the jobs divided among the targets not done yet
   (at least 1). Tools with their own parallelism flag get it as {jobs}. */
static int jobs_share(const executor *ex) {
  size_t left = 0;
  for (size_t t = 0; t < ex->ts->len; t++)
    left +=
        ex->ts->items[t].status == TARGET_PENDING && !ex->progress[t].failed;
  size_t running = left < ex->jobs_max ? left : ex->jobs_max;
  size_t share = running ? ex->jobs_max / running : ex->jobs_max;
  return share ? (int)share : 1;
}

static void start_step(executor *ex, size_t t, bool token) {
  target_result *tr = &ex->ts->items[t];
  progress *pg = &ex->progress[t];
  size_t s = pg->next_step++;
  const plan_step *step = &tr->plan.steps[s];

  strvec argv = {0}, env = {0};
  char share[16];
  snprintf(share, sizeof share, "%d", jobs_share(ex));
  for (size_t i = 0; i < step->argv.len; i++)
    strvec_push_owned(&argv, plan_expand(step->argv.items[i], tr->staging,
                                         tr->scratch, share));
  plan_child_env(&tr->plan, tr->staging, tr->scratch, share, &env);
  jobserver_child_env(&ex->js, &env);
  char *cwd = tr->plan.workdir ? plan_expand(tr->plan.workdir, tr->staging,
                                             tr->scratch, NULL)
                               : xstrdup(ex->opt->workdir);
  char *shown = describe_argv(&argv);
  char *full = argv_text(&argv, argv.len);
  fprintf(pg->log, "mbhost: step %zu/%zu: %s\n", s + 1, tr->plan.nsteps, full);
  fflush(pg->log);
  if (log_verbosity > 0) fprintf(stderr, "[%s] $ %s\n", tr->target->name, full);
  free(full);
  progress_step_started(t, s, tr->plan.nsteps, shown);

  int fd;
  exec_step *run = NULL;
  pid_t pid = 0;
  if (ex->opt->plugin) {
    run = exec_step_start(ex->opt->plugin, tr, s, &argv, cwd, share, &fd);
  } else {
    strvec supervised = {0};
    char *out = step->tree_reads ? plan_expand(PLAN_TREE_READS_FILE,
                                               tr->staging, tr->scratch, NULL)
                                 : NULL;
    pid = supervise_argv(&argv, out, &supervised)
              ? process_spawn((const char *const *)supervised.items, env.items,
                              cwd, STDERR_MERGE, &fd, NULL)
              : -1;
    free(out);
    strvec_free(&supervised);
  }
  if (pid < 0 || (ex->opt->plugin && !run)) {
    if (token) jobserver_release(&ex->js);
    fail_target(
        ex, t,
        xasprintf("cannot run '%s': %s%s", argv.items[0], strerror(errno),
                  errno == ENOENT ? " (is it installed and in PATH?)" : ""));
  } else {
    ex->jobs = xrealloc(ex->jobs, (ex->njobs + 1) * sizeof *ex->jobs);
    ex->jobs[ex->njobs++] = (job){.target = t,
                                  .step = s,
                                  .pid = pid,
                                  .run = run,
                                  .fd = fd,
                                  .token = token};
    pg->running++;
  }
  free(shown);
  free(cwd);
  strvec_free(&argv);
  strvec_free(&env);
}

/* Whether a running step holds the slot that needs no token. */
static bool free_slot_taken(const executor *ex) {
  for (size_t i = 0; i < ex->njobs; i++)
    if (!ex->jobs[i].token) return true;
  return false;
}

/* Every process beyond the first needs a jobserver token, which children
   running make or cargo also draw from. The token-free slot goes to
   whichever step starts while no running step holds it: were it tied to
   "nothing runs", a step could wait for the token of a long step that
   started after the token-free one had already ended. */
static bool take_slot(executor *ex, bool *token) {
  *token = free_slot_taken(ex);
  if (*token && !jobserver_try_acquire(&ex->js)) {
    ex->waiting_token = true;
    return false;
  }
  return true;
}

/* The fifo is made when the first step starts, not before: a run that
   restores every target from the cache creates (and removes) nothing. */
static void open_jobserver(executor *ex) {
  if (ex->js_opened) return;
  ex->js_opened = true;
  if (ex->jobs_max >= 2)
    jobserver_open(&ex->js, ex->opt->state_dir, (int)ex->jobs_max);
}

static void start_jobs(executor *ex) {
  ex->waiting_token = false;
  for (size_t i = 0; i < ex->ts->len && ex->njobs < ex->jobs_max; i++) {
    size_t t = ex->order[i];
    if (ex->stop) return;
    bool token;
    while (ex->njobs < ex->jobs_max && can_start(ex, t)) {
      open_jobserver(ex);
      if (!take_slot(ex, &token)) return;
      if (ex->progress[t].started == 0) {
        ex->progress[t].started = now_seconds();
        if (ex->opt->timeout)
          ex->progress[t].deadline =
              ex->progress[t].started + (double)ex->opt->timeout;
        progress_target_started(t);
      }
      start_step(ex, t, token);
    }
  }
}

/* Whether `path` resolves (symlinks included) inside staging or scratch:
   a plan must not smuggle a file from elsewhere into the artifacts. */
static bool resolves_inside_target(const target_result *tr, const char *path) {
  char *real = realpath(path, NULL);
  char *staging = realpath(tr->staging, NULL);
  char *scratch = realpath(tr->scratch, NULL);
  bool inside = real && ((staging && path_is_inside(real, staging)) ||
                         (scratch && path_is_inside(real, scratch)));
  free(real), free(staging), free(scratch);
  return inside;
}

/* Why `src` cannot be an output of the target, or NULL. */
static char *output_problem(const target_result *tr, const char *name,
                            const char *src) {
  struct stat st;
  if (!path_is_inside(src, tr->staging) && !path_is_inside(src, tr->scratch))
    return xasprintf("declared output %s (%s) is outside the target's "
                     "staging and scratch folders",
                     name, src);
  if (lstat(src, &st) != 0)
    return xasprintf("declared output %s was not produced (%s)", name, src);
  if (!S_ISREG(st.st_mode))
    return xasprintf("declared output %s is not a regular file (%s)", name,
                     src);
  if (!resolves_inside_target(tr, src))
    return xasprintf("declared output %s (%s) is outside the target's "
                     "staging and scratch folders",
                     name, src);
  return NULL;
}

/* Puts `src` into staging as `name` and records it as an output. */
static char *collect_file(executor *ex, target_result *tr, const char *name,
                          const char *kind, const char *src) {
  const char *bad = artifact_name_problem(name);
  if (bad) return xasprintf("output '%s': %s", name, bad);
  for (size_t i = 0; i < ex->outputs->len; i++) {
    const artifact *o = &ex->outputs->items[i];
    if (o->target && strcmp(o->target, tr->target->name) == 0 &&
        strcmp(o->name, name) == 0)
      return xasprintf("two outputs are named %s", name);
  }
  char *dst = path_absolute(tr->staging, name);
  char *problem = NULL;
  if (strcmp(src, dst) != 0) {
    char *dir = path_dirname(dst);
    mkdir_parents(dir);
    free(dir);
    unlink(dst);
    if (link(src, dst) != 0 && copy_file_atomic(src, dst) != 0)
      problem = xasprintf("cannot collect %s: %s", src, strerror(errno));
  }
  char hex[65];
  uint64_t size = 0;
  if (!problem && sha256_file_hex(dst, hex, &size) != 0)
    problem = xasprintf("cannot read %s: %s", dst, strerror(errno));
  if (!problem)
    problem = binfmt_check(dst, name, kind, tr->target->os, tr->target->arch);
  if (!problem) {
    artifact a = {.target = tr->target->name,
                  .kind = (char *)kind,
                  .name = (char *)name,
                  .path = dst,
                  .sha256 = hex,
                  .size = size,
                  .exporter = "build"};
    artifact_list_add(ex->outputs, &a);
  }
  free(dst);
  return problem;
}

/* Collects one declared output (every match of a glob output). */
static char *collect_output(executor *ex, target_result *tr,
                            const plan_output *out) {
  char *from = plan_expand(out->from, tr->staging, tr->scratch, NULL);
  char *src = path_absolute(tr->staging, from);
  free(from);
  char *problem = NULL;
  if (!out->glob) {
    struct stat st;
    if (!(out->optional && lstat(src, &st) != 0)) {
      problem = output_problem(tr, out->name, src);
      if (!problem) problem = collect_file(ex, tr, out->name, out->kind, src);
    }
    free(src);
    return problem;
  }
  glob_t g;
  int rc = glob(src, 0, NULL, &g);
  if (rc == GLOB_NOMATCH && !out->optional)
    problem = xasprintf("declared outputs %s: no file matches", src);
  for (size_t i = 0; rc == 0 && !problem && i < g.gl_pathc; i++) {
    const char *match = g.gl_pathv[i];
    const char *base = strrchr(match, '/') ? strrchr(match, '/') + 1 : match;
    char *name =
        *out->name ? xasprintf("%s/%s", out->name, base) : xstrdup(base);
    problem = output_problem(tr, name, match);
    if (!problem) problem = collect_file(ex, tr, name, out->kind, match);
    free(name);
  }
  if (rc == 0) globfree(&g);
  free(src);
  return problem;
}

static void finish_target(executor *ex, size_t t) {
  target_result *tr = &ex->ts->items[t];
  progress *pg = &ex->progress[t];
  tr->seconds = now_seconds() - pg->started;
  size_t first = ex->outputs->len;
  for (size_t i = 0; i < tr->plan.noutputs && !pg->failed; i++) {
    char *problem = collect_output(ex, tr, &tr->plan.outputs[i]);
    if (problem) fail_target(ex, t, problem);
  }
  if (!pg->failed && ex->outputs->len == first)
    fail_target(ex, t, xstrdup("no declared output was produced"));
  if (pg->failed) {
    /* A failed target exports nothing: drop what was collected. */
    while (ex->outputs->len > first)
      artifact_list_pop(ex->outputs);
    tr->status = pg->timed_out ? TARGET_TIMED_OUT : TARGET_FAILED;
    progress_target_finished(t);
    return;
  }
  tr->status = TARGET_OK;
  fprintf(pg->log, "mbhost: done in %.1fs\n", tr->seconds);
  progress_target_finished(t);
}

static void echo_lines(job *j, const char *who, const char *data, size_t n,
                       bool flush) {
  strbuf_add(&j->partial, data, n);
  char *start = j->partial.data;
  for (char *nl; start && (nl = strchr(start, '\n')); start = nl + 1)
    fprintf(stderr, "[%s] %.*s\n", who, (int)(nl - start), start);
  if (flush && start && *start)
    fprintf(stderr, "[%s] %s\n", who, start), start += strlen(start);
  size_t rest = start ? strlen(start) : 0;
  memmove(j->partial.data, start, rest + 1);
  j->partial.len = rest;
}

static void reap_job(executor *ex, size_t index) {
  job j = ex->jobs[index];
  ex->jobs[index] = ex->jobs[--ex->njobs];
  close(j.fd);
  if (j.token) jobserver_release(&ex->js);
  char *why = NULL;
  int code = j.run ? exec_step_wait(j.run, &why) : process_wait(j.pid);
  strbuf_free(&j.partial);
  target_result *tr = &ex->ts->items[j.target];
  progress *pg = &ex->progress[j.target];
  pg->running--;
  if (interrupt_requested())
    free(why);
  else if (why)
    fail_target(ex, j.target, why);
  else if (code != 0) {
    char *shown = describe_argv(&tr->plan.steps[j.step].argv);
    fail_target(ex, j.target,
                xasprintf("step %zu (%s) exited with code %d", j.step + 1,
                          shown, code));
    free(shown);
  }
  bool all_done = pg->next_step >= tr->plan.nsteps || pg->failed;
  if (pg->running == 0 && all_done && !interrupt_requested())
    finish_target(ex, j.target);
}

/* Reads what a job printed; returns false at end of output. */
static bool pump_job(executor *ex, job *j) {
  char buf[8192];
  ssize_t n = read(j->fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  const char *who = ex->ts->items[j->target].target->name;
  if (n <= 0) {
    if (log_verbosity > 0) echo_lines(j, who, "", 0, true);
    return false;
  }
  fwrite(buf, 1, (size_t)n, ex->progress[j->target].log);
  progress_output(j->target, buf, (size_t)n);
  if (log_verbosity > 0) echo_lines(j, who, buf, (size_t)n, false);
  return true;
}

/* How long a stopped step may take to exit after SIGTERM before SIGKILL. */
#define GRACE_SECONDS 2.0

/* Sends signo to the process group of every running step of target t
   (a step of an executor plugin is asked to stop instead). */
static void signal_target(executor *ex, size_t t, int signo) {
  for (size_t i = 0; i < ex->njobs; i++)
    if (ex->jobs[i].target == t && ex->jobs[i].run)
      exec_step_stop(ex->jobs[i].run);
    else if (ex->jobs[i].target == t)
      process_signal_groups(&ex->jobs[i].pid, 1, signo);
}

/* A target past its deadline is failed as timed out and its steps are
   stopped: SIGTERM now, SIGKILL once the grace period is over. */
static void enforce_timeouts(executor *ex) {
  double now = now_seconds();
  for (size_t t = 0; t < ex->ts->len; t++) {
    progress *pg = &ex->progress[t];
    if (pg->running == 0 || pg->deadline == 0) continue;
    if (pg->kill_at == 0 && now >= pg->deadline) {
      fail_target(ex, t,
                  xasprintf("timed out after %llus ([project] timeout)",
                            ex->opt->timeout));
      pg->timed_out = true;
      pg->kill_at = now + GRACE_SECONDS;
      signal_target(ex, t, SIGTERM);
    } else if (pg->kill_at != 0 && now >= pg->kill_at) {
      signal_target(ex, t, SIGKILL);
    }
  }
}

/* Milliseconds until the next deadline or kill, for poll; -1: none. */
static int next_wakeup_ms(const executor *ex) {
  double next = 0;
  for (size_t t = 0; t < ex->ts->len; t++) {
    const progress *pg = &ex->progress[t];
    if (pg->running == 0 || pg->deadline == 0) continue;
    double when = pg->kill_at != 0 ? pg->kill_at : pg->deadline;
    if (next == 0 || when < next) next = when;
  }
  if (next == 0) return -1;
  double ms = (next - now_seconds()) * 1000.0 + 1;
  return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* poll's timeout: the sooner of the next deadline and the progress
   display's redraw; -1 when neither is due. */
static int poll_timeout_ms(const executor *ex) {
  int deadline = next_wakeup_ms(ex), redraw = progress_poll_timeout();
  if (deadline < 0) return redraw;
  return redraw >= 0 && redraw < deadline ? redraw : deadline;
}

/* Stops every child's process group: SIGTERM, then SIGKILL after 2 s. */
static void stop_all(executor *ex) {
  pid_t *pids = xcalloc(ex->njobs, sizeof *pids);
  for (size_t i = 0; i < ex->njobs; i++) {
    pids[i] = ex->jobs[i].pid;
    if (ex->jobs[i].run) exec_step_stop(ex->jobs[i].run);
  }
  process_signal_groups(pids, ex->njobs, SIGTERM);
  double deadline = now_seconds() + GRACE_SECONDS;
  size_t left = ex->njobs;
  while (left && now_seconds() < deadline) {
    left = 0;
    for (size_t i = 0; i < ex->njobs; i++)
      if (pids[i] > 0 && kill(-pids[i], 0) == 0) left++;
    if (left) usleep(20000);
  }
  process_signal_groups(pids, ex->njobs, SIGKILL);
  free(pids);
  while (ex->njobs)
    reap_job(ex, ex->njobs - 1);
}

static bool prepare_target(executor *ex, size_t t) {
  target_result *tr = &ex->ts->items[t];
  /* A target about to be restored keeps what the last restore linked
     there: cache_restore clears it when the entry is not used. */
  bool to_restore = ex->opt->cache_root && tr->cache_key[0];
  if ((!to_restore && remove_tree(tr->staging) != 0) ||
      mkdir_parents(tr->staging) != 0 || mkdir_parents(tr->scratch) != 0) {
    tr->status = TARGET_FAILED;
    tr->reason =
        xasprintf("cannot prepare %s: %s", tr->staging, strerror(errno));
    return false;
  }
  char *dir = path_dirname(tr->log_path);
  mkdir_parents(dir);
  free(dir);
  /* Never through a symlink left in the state folder. Not truncated here:
     a restored target's log may already say what it would be rewritten
     with (restored_log). */
  int fd = open(tr->log_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    tr->status = TARGET_FAILED;
    tr->reason =
        xasprintf("cannot write %s: %s", tr->log_path, strerror(errno));
    return false;
  }
  size_t len;
  FILE *head = open_memstream(&ex->progress[t].log_head, &len);
  fprintf(head, "mbhost: target %s\n", tr->target->name);
  plan_print(&tr->plan, head);
  fclose(head);
  ex->progress[t].log_fd = fd;
  return true;
}

/* The log of a target about to be built: its first lines, then what its
   steps print, as they print it. */
static bool begin_log(executor *ex, size_t t) {
  target_result *tr = &ex->ts->items[t];
  progress *pg = &ex->progress[t];
  FILE *log = ftruncate(pg->log_fd, 0) == 0 ? fdopen(pg->log_fd, "w") : NULL;
  if (!log) {
    tr->status = TARGET_FAILED;
    tr->reason =
        xasprintf("cannot write %s: %s", tr->log_path, strerror(errno));
    progress_target_finished(t);
    return false;
  }
  setvbuf(log, NULL, _IOLBF, 0);
  fputs(pg->log_head, log);
  pg->log = log;
  return true;
}

/* Whether the file holds exactly `text`. */
static bool fd_holds(int fd, off_t size, const char *text, size_t len) {
  if (size < 0 || (size_t)size != len) return false;
  char *have = xmalloc(len + 1);
  bool same =
      pread(fd, have, len, 0) == (ssize_t)len && memcmp(have, text, len) == 0;
  free(have);
  return same;
}

/* A restored target's log: its first lines and the entry. The log a no-op
   left says the same: reading it back costs less than truncating and
   writing it again, which frees and reallocates its blocks. */
static void restored_log(const target_result *tr, progress *pg) {
  char *text = xasprintf("%smbhost: restored from cache entry %s\n",
                         pg->log_head, tr->cache_key);
  size_t len = strlen(text);
  struct stat st;
  bool known = fstat(pg->log_fd, &st) == 0;
  if (!known || !fd_holds(pg->log_fd, st.st_size, text, len)) {
    ssize_t n = pwrite(pg->log_fd, text, len, 0);
    off_t end = n > 0 ? (off_t)n : 0;
    bool ok = n == (ssize_t)len;
    if ((!known || st.st_size > end) && ftruncate(pg->log_fd, end) != 0)
      ok = false;
    if (!ok)
      log_line(MB_LOG_DEBUG, tr->target->name, "cannot write %s: %s",
               tr->log_path, strerror(errno));
  }
  free(text);
}

/* Restores run on up to -j threads: each verifies its files' sha256. */
typedef struct restore_batch {
  target_set *ts;
  const char *root;
  size_t *targets, len, next;
  artifact_list *outs; /* one list per restore */
  cache_lookup *got;
  double *seconds;
  pthread_mutex_t lock;
} restore_batch;

static void *restore_worker(void *arg) {
  restore_batch *b = arg;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    size_t i = b->next++;
    pthread_mutex_unlock(&b->lock);
    if (i >= b->len) return NULL;
    target_result *tr = &b->ts->items[b->targets[i]];
    double started = now_seconds();
    b->got[i] = cache_restore(b->root, tr->cache_key, tr->target->name,
                              tr->staging, &b->outs[i]);
    b->seconds[i] = now_seconds() - started;
  }
}

/* What one restore found: a hit counts as built, a damaged entry is
   reported and the target is built. */
static void restore_done(executor *ex, size_t t, cache_lookup got,
                         const artifact_list *outs, double seconds) {
  target_result *tr = &ex->ts->items[t];
  if (got == CACHE_CORRUPT)
    log_line(MB_LOG_WARN, tr->target->name,
             "cache entry %.12s is damaged: removed it, building again",
             tr->cache_key);
  if (got == CACHE_HIT) {
    for (size_t i = 0; i < outs->len; i++)
      artifact_list_add(ex->outputs, &outs->items[i]);
    tr->status = TARGET_OK;
    tr->cache_hit = true;
    tr->seconds = seconds;
    restored_log(tr, &ex->progress[t]);
    progress_target_finished(t);
  }
}

/* Targets whose action key is in the cache are restored, not built. */
static void restore_cached(executor *ex) {
  target_set *ts = ex->ts;
  if (!ex->opt->cache_root) return;
  restore_batch b = {.ts = ts, .root = ex->opt->cache_root};
  b.targets = xcalloc(ts->len + 1, sizeof *b.targets);
  for (size_t t = 0; t < ts->len; t++) {
    target_result *tr = &ts->items[t];
    if (tr->status != TARGET_PENDING || !ex->progress[t].log_head) continue;
    if (tr->cache_key[0])
      b.targets[b.len++] = t;
    else if (tr->reads_key[0])
      tr->cache_checked = true; /* a miss: no record of what it reads */
  }
  b.outs = xcalloc(b.len + 1, sizeof *b.outs);
  b.got = xcalloc(b.len + 1, sizeof *b.got);
  b.seconds = xcalloc(b.len + 1, sizeof *b.seconds);
  pthread_mutex_init(&b.lock, NULL);
  size_t nthreads = b.len < ex->jobs_max ? b.len : ex->jobs_max;
  pthread_t *threads = xcalloc(nthreads + 1, sizeof *threads);
  size_t started = 0;
  for (; started + 1 < nthreads; started++)
    if (pthread_create(&threads[started], NULL, restore_worker, &b) != 0) break;
  restore_worker(&b);
  for (size_t i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  for (size_t i = 0; i < b.len; i++) {
    ts->items[b.targets[i]].cache_checked = true;
    restore_done(ex, b.targets[i], b.got[i], &b.outs[i], b.seconds[i]);
    artifact_list_free(&b.outs[i]);
  }
  pthread_mutex_destroy(&b.lock);
  free(threads), free(b.targets), free(b.outs), free(b.got), free(b.seconds);
}

static int slowest_first(const void *a, const void *b, void *arg) {
  const target_result *results = arg;
  double x = results[*(const size_t *)a].expected_seconds;
  double y = results[*(const size_t *)b].expected_seconds;
  if (x != y) return x < y ? 1 : -1;
  return (*(const size_t *)a > *(const size_t *)b) -
         (*(const size_t *)a < *(const size_t *)b);
}

bool executor_run(target_set *ts, const build_options *o,
                  artifact_list *outputs) {
  executor ex = {.ts = ts,
                 .opt = o,
                 .jobs_max = (size_t)(o->jobs > 0 ? o->jobs : 1),
                 .outputs = outputs,
                 .js = {.fd = -1, .child_read = -1, .child_write = -1}};
  ex.progress = xcalloc(ts->len + 1, sizeof *ex.progress);
  ex.order = xcalloc(ts->len + 1, sizeof *ex.order);
  for (size_t t = 0; t < ts->len; t++)
    ex.order[t] = t;
  qsort_r(ex.order, ts->len, sizeof *ex.order, slowest_first, ts->items);
  for (size_t t = 0; t < ts->len; t++) {
    if (ts->items[t].status != TARGET_PENDING) continue;
    if (!prepare_target(&ex, t) && !o->keep_going) ex.stop = true;
  }
  progress_begin(ts);
  restore_cached(&ex);
  for (size_t t = 0; t < ts->len; t++)
    if (ts->items[t].status == TARGET_PENDING && ex.progress[t].log_head &&
        !begin_log(&ex, t) && !o->keep_going)
      ex.stop = true;

  for (;;) {
    if (!interrupt_requested()) start_jobs(&ex);
    /* A target with no steps (or whose steps all failed to spawn) ends here. */
    for (size_t t = 0; t < ts->len; t++)
      if (ts->items[t].status == TARGET_PENDING && ex.progress[t].log &&
          ex.progress[t].running == 0 &&
          (ex.progress[t].failed ||
           ex.progress[t].next_step >= ts->items[t].plan.nsteps))
        finish_target(&ex, t);
    if (ex.njobs == 0) break;
    struct pollfd *fds = xcalloc(ex.njobs + 2, sizeof *fds);
    for (size_t i = 0; i < ex.njobs; i++)
      fds[i] = (struct pollfd){ex.jobs[i].fd, POLLIN, 0};
    fds[ex.njobs] = (struct pollfd){interrupt_fd(), POLLIN, 0};
    /* Wake up when a child gives a token back. */
    fds[ex.njobs + 1] =
        (struct pollfd){ex.waiting_token ? ex.js.fd : -1, POLLIN, 0};
    size_t nfds = ex.njobs;
    bool broken =
        poll(fds, nfds + 2, poll_timeout_ms(&ex)) < 0 && errno != EINTR;
    if (broken)
      log_line(MB_LOG_ERROR, NULL, "cannot wait for the builds: %s",
               strerror(errno));
    if (interrupt_requested() || broken) {
      free(fds);
      stop_all(&ex);
      break;
    }
    for (size_t i = nfds; i-- > 0;)
      if (fds[i].revents && !pump_job(&ex, &ex.jobs[i])) reap_job(&ex, i);
    free(fds);
    enforce_timeouts(&ex);
    progress_tick();
  }
  progress_end();

  for (size_t t = 0; t < ts->len; t++) {
    if (ex.progress[t].log)
      fclose(ex.progress[t].log);
    else if (ex.progress[t].log_head)
      close(ex.progress[t].log_fd);
    free(ex.progress[t].log_head);
    target_result *tr = &ts->items[t];
    if (tr->status != TARGET_PENDING) continue;
    bool cut_off = ex.progress[t].started != 0 && interrupt_requested();
    tr->status = cut_off ? TARGET_INTERRUPTED : TARGET_SKIPPED;
    if (cut_off) tr->seconds = now_seconds() - ex.progress[t].started;
  }
  free(ex.progress);
  free(ex.jobs);
  free(ex.order);
  jobserver_close(&ex.js);
  return !interrupt_requested();
}
