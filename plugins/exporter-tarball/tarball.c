/* mb-exporter-tarball: turns each target's artifacts into one reproducible
   archive (tar.gz, tar.zst, tar.xz or zip) in the project output folder,
   plus a sha256sum-style checksums file. Archives are written in parallel,
   beside their final names, and renamed into place only when every one of
   them succeeded, so a failed run leaves the previous archives as they
   were. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call.h"
#include "jobs.h"
#include "mem.h"
#include "naming.h"
#include "settings.h"
#include "writer.h"

/* The instance: the tables every callback uses, looked up once in init. */
typedef struct tarball {
  const mb_host *host;
  const mb_options_service *options;
  const mb_process_service *process;
} tarball;

/* The checksums file of one export, while it is being written. */
typedef struct checksums_file {
  char *name; /* relative to the output folder; NULL: no checksums file */
  char *path;
  char *temp;
} checksums_file;

static const mb_option tarball_options[] = {
    {.key = "format",
     .type = MB_OPT_CHOICE,
     .default_value = "tar.gz",
     .help = "archive format: tar.gz, tar.zst, tar.xz or zip",
     .choices = format_names},
    {.key = "format.",
     .type = MB_OPT_CHOICE,
     .help = "the format for one OS, e.g. format.windows = zip",
     .flags = MB_OPT_PREFIX | MB_OPT_SUFFIX_OS,
     .choices = format_names},
    {.key = "name_template",
     .type = MB_OPT_STRING,
     .default_value = "{name}_{version}_{os}_{arch}",
     .help = "archive name without extension: {name} {version} {os} {arch}"},
    {.key = "wrap_in_directory",
     .type = MB_OPT_STRING,
     .default_value = "false",
     .help = "a top folder for the files: true (named like the archive), "
             "false, or a name"},
    {.key = "files",
     .type = MB_OPT_LIST,
     .help = "extra files for every archive: globs relative to the project "
             "source"},
    {.key = "checksums",
     .type = MB_OPT_STRING,
     .default_value = "{name}_{version}_checksums.txt",
     .help = "name of the sha256sum file in the output folder; empty: none"},
    {.key = "mtime",
     .type = MB_OPT_INT,
     .help = "entry time (seconds since 1970) when SOURCE_DATE_EPOCH is "
             "unset; default: the last git commit, else 0"},
    {0},
};

/* The time of the last git commit that touched the project source, or -1
   when the source is not in a git checkout (or git is missing). */
static int64_t source_commit_time(const tarball_call *c) {
  const char *const argv[] = {"git", "log", "-1", "--format=%ct",
                              "--",  ".",   NULL};
  char out[64];
  mb_capture capture = {.data = out, .cap = sizeof out};
  int exit_code;
  if (c->process->run(c->call, argv, NULL, c->host->project(c->call, "source"),
                      &capture, NULL, &exit_code) != MB_OK ||
      exit_code != 0)
    return -1;
  char *end;
  long long seconds = strtoll(out, &end, 10);
  return end != out && (*end == '\n' || *end == '\0') ? seconds : -1;
}

/* The modification time every entry gets. */
static int64_t entry_mtime(const tarball_call *c, const tarball_settings *s) {
  int64_t mtime = s->fixed_mtime;
  const char *origin = s->mtime_origin;
  if (!s->has_fixed_mtime) {
    mtime = source_commit_time(c);
    origin = "the source's last git commit";
    if (mtime < 0) {
      mtime = 0;
      origin = "no SOURCE_DATE_EPOCH, mtime or git commit";
    }
  }
  c->host->log(c->call, MB_LOG_DEBUG, "entry time %lld (%s)", (long long)mtime,
               origin);
  return mtime;
}

typedef struct pool {
  const tarball_call *c;
  job_list *list;
  int64_t mtime;
  atomic_size_t next; /* the next job a worker takes */
} pool;

static void write_one(pool *p, archive_job *job) {
  job->status = write_archive(p->c, job, p->mtime);
  if (job->status == MB_OK &&
      p->c->svc->sha256_file(p->c->call, job->temp, job->sha256) != MB_OK) {
    snprintf(job->error, sizeof job->error, "%s: cannot compute its SHA-256",
             job->name);
    job->status = MB_ERROR;
  }
}

static void *work(void *arg) {
  pool *p = arg;
  for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->list->count;)
    write_one(p, &p->list->jobs[i]);
  return NULL;
}

/* Writes every archive, one thread per CPU; the calling thread works too,
   so a failure to start threads only makes it slower. */
static void write_in_parallel(pool *p) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t helpers = cpus > 1 ? (size_t)cpus - 1 : 0;
  if (helpers > p->list->count - 1) helpers = p->list->count - 1;
  pthread_t *threads = mem_grow(NULL, helpers, sizeof *threads);
  size_t started = 0;
  while (started < helpers &&
         pthread_create(&threads[started], NULL, work, p) == 0)
    started++;
  work(p);
  for (size_t i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  free(threads);
}

/* The outcome of the workers: the first failure in job order, so the
   message does not depend on thread timing. */
static int collect_results(const tarball_call *c, const job_list *list) {
  for (size_t i = 0; i < list->count; i++)
    if (list->jobs[i].status == MB_CANCELLED) return MB_CANCELLED;
  for (size_t i = 0; i < list->count; i++)
    if (list->jobs[i].status != MB_OK) {
      c->host->set_error(c->call, "%s", list->jobs[i].error);
      return MB_ERROR;
    }
  return MB_OK;
}

/* A temporary file beside `path`, or NULL (the host set the error). */
static char *temp_beside(const tarball_call *c, const char *path) {
  char buf[PATH_MAX];
  if (c->svc->temp_file_for(c->call, path, buf, sizeof buf) != MB_OK)
    return NULL;
  return mem_strdup(buf);
}

/* Writes "<sha256>  <archive name>" lines, sorted by name (as the jobs
   are): the format `sha256sum -c` reads, run in the output folder. */
static int write_checksums(const tarball_call *c, const job_list *list,
                           const checksums_file *sums) {
  FILE *f = fopen(sums->temp, "w");
  for (size_t i = 0; f && i < list->count; i++)
    fprintf(f, "%s  %s\n", list->jobs[i].sha256, list->jobs[i].name);
  if (!f || fclose(f) != 0 || chmod(sums->temp, 0644) != 0) {
    c->host->set_error(c->call, "cannot write %s", sums->temp);
    return MB_ERROR;
  }
  return MB_OK;
}

/* Removes the temporary files not yet renamed into place. Archives that
   were are the host's to put back: it journals every commit_file and rolls
   the output folder back when the export fails. */
static void discard_all(const tarball_call *c, job_list *list,
                        checksums_file *sums) {
  for (size_t i = 0; i < list->count; i++) {
    archive_job *job = &list->jobs[i];
    if (job->temp) c->svc->commit_file(c->call, job->temp, job->path, 0);
    free(job->temp);
    job->temp = NULL;
  }
  if (sums->temp) c->svc->commit_file(c->call, sums->temp, sums->path, 0);
  free(sums->temp);
  sums->temp = NULL;
}

/* Renames *temp over `path`; the temporary file is then no longer ours. */
static int commit_one(const tarball_call *c, char **temp, const char *path) {
  if (c->svc->commit_file(c->call, *temp, path, 1) != MB_OK) return MB_ERROR;
  free(*temp);
  *temp = NULL;
  return MB_OK;
}

static int commit_all(const tarball_call *c, job_list *list,
                      checksums_file *sums) {
  int rc = MB_OK;
  for (size_t i = 0; rc == MB_OK && i < list->count; i++)
    rc = commit_one(c, &list->jobs[i].temp, list->jobs[i].path);
  if (rc == MB_OK && sums->temp) rc = commit_one(c, &sums->temp, sums->path);
  /* commit_file set the error. */
  if (rc != MB_OK) discard_all(c, list, sums);
  return rc;
}

/* A folder where a file is to go would make its rename fail, but only after
   every archive was packed; refusing it first fails fast and says why. */
static int check_not_folder(const tarball_call *c, const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return MB_OK;
  c->host->set_error(c->call, "%s is a folder, so the file cannot go there",
                     path);
  return MB_ERROR;
}

static int prepare_temp_files(const tarball_call *c, job_list *list,
                              checksums_file *sums) {
  for (size_t i = 0; i < list->count; i++)
    if (check_not_folder(c, list->jobs[i].path) != MB_OK) return MB_ERROR;
  if (sums->name && check_not_folder(c, sums->path) != MB_OK) return MB_ERROR;
  for (size_t i = 0; i < list->count; i++)
    if (!(list->jobs[i].temp = temp_beside(c, list->jobs[i].path)))
      return MB_ERROR;
  if (sums->name && !(sums->temp = temp_beside(c, sums->path))) return MB_ERROR;
  return MB_OK;
}

/* Writes all archives and the checksums file aside, then renames them all
   into place: a failure before the renames replaces nothing, and the host
   undoes the renames of an export that fails during them. */
static int write_all(const tarball_call *c, const tarball_settings *s,
                     job_list *list, checksums_file *sums) {
  pool p = {c, list, entry_mtime(c, s), 0};
  int rc = prepare_temp_files(c, list, sums);
  if (rc == MB_OK) {
    write_in_parallel(&p);
    rc = collect_results(c, list);
  }
  if (rc == MB_OK && sums->name) rc = write_checksums(c, list, sums);
  if (rc == MB_OK) return commit_all(c, list, sums);
  discard_all(c, list, sums);
  return rc;
}

static int name_checksums(const tarball_call *c, const tarball_settings *s,
                          checksums_file *sums) {
  *sums = (checksums_file){0};
  if (!s->checksums_template) return MB_OK;
  name_values values = {c->host->project(c->call, "name"),
                        c->host->project(c->call, "version"), NULL, NULL};
  char name[PATH_MAX], why[512];
  if (expand_name(s->checksums_template, &values, name, sizeof name, why,
                  sizeof why) != 0) {
    c->host->set_error(c->call, "checksums: %s", why);
    return MB_ERROR;
  }
  sums->name = mem_strdup(name);
  if (asprintf(&sums->path, "%s/%s", c->host->project(c->call, "output"),
               name) < 0)
    abort(); /* out of memory, as in mem.h */
  return MB_OK;
}

/* MB_OK, or MB_ERROR when the host refused the artifact (and said why). */
static int emit(const tarball_call *c, const char *target, const char *kind,
                const char *name, const char *path, const char *sha256) {
  mb_artifact a = {.struct_size = sizeof a,
                   .target = target,
                   .kind = kind,
                   .name = name,
                   .path = path,
                   .sha256 = sha256};
  return c->svc->emit_artifact(c->call, &a);
}

/* Hands the archives, the artifacts without a target (passed on as they
   came) and the checksums file to the next exporter and artifacts.json. */
static int emit_all(const tarball_call *c, const job_list *list,
                    const checksums_file *sums) {
  for (size_t i = 0; i < list->count; i++) {
    const archive_job *job = &list->jobs[i];
    c->host->log(c->call, MB_LOG_INFO, "%s (%zu %s)", job->path,
                 job->entry_count, job->entry_count == 1 ? "entry" : "entries");
    if (emit(c, job->target, "archive", job->name, job->path, job->sha256) !=
        MB_OK)
      return MB_ERROR;
  }
  for (size_t i = 0; i < list->passthrough_count; i++)
    if (c->svc->emit_artifact(c->call, &list->passthrough[i]) != MB_OK)
      return MB_ERROR;
  if (sums->name)
    return emit(c, NULL, "checksums", sums->name, sums->path, NULL);
  return MB_OK;
}

/* The context of one callback of instance `self`. */
static tarball_call call_of(void *self, mb_call *call,
                            const mb_export_services *svc) {
  const tarball *t = self;
  return (tarball_call){t->host, t->options, t->process, svc, call};
}

static int tarball_export(void *self, mb_call *call,
                          const mb_export_services *svc) {
  const tarball_call context = call_of(self, call, svc), *c = &context;
  tarball_settings s;
  job_list list = {0};
  checksums_file sums = {0};
  int rc = settings_read(c, &s);
  if (rc == MB_OK) rc = jobs_plan(c, &s, &list);
  if (rc == MB_OK) rc = jobs_add_entries(c, &s, &list);
  /* Without archives there is nothing to check: no checksums file. */
  if (rc == MB_OK && list.count > 0) rc = name_checksums(c, &s, &sums);
  if (rc == MB_OK && list.count > 0) rc = write_all(c, &s, &list, &sums);
  if (rc == MB_OK) rc = emit_all(c, &list, &sums);
  jobs_free(&list);
  free(sums.name);
  free(sums.path);
  return rc;
}

/* Before anything is built there are no artifacts to name archives
   after: shows the name pattern instead. */
static void describe_pattern(const tarball_call *c, const tarball_settings *s) {
  name_values values = {c->host->project(c->call, "name"),
                        c->host->project(c->call, "version"), "{os}", "{arch}"};
  char name[PATH_MAX], why[512];
  if (expand_name(s->name_template, &values, name, sizeof name, why,
                  sizeof why) == 0)
    c->host->log(c->call, MB_LOG_INFO, "one archive per target -> %s/%s.%s",
                 c->host->project(c->call, "output"), name,
                 c->options->get(c->call, "format"));
}

static int tarball_describe(void *self, mb_call *call,
                            const mb_export_services *svc) {
  const tarball_call context = call_of(self, call, svc), *c = &context;
  tarball_settings s;
  job_list list = {0};
  checksums_file sums = {0};
  int rc = settings_read(c, &s);
  if (rc == MB_OK) rc = jobs_plan(c, &s, &list);
  if (rc == MB_OK) rc = name_checksums(c, &s, &sums);
  for (size_t i = 0; rc == MB_OK && i < list.count; i++)
    c->host->log(c->call, MB_LOG_INFO, "%s -> %s", list.jobs[i].target,
                 list.jobs[i].path);
  if (rc == MB_OK && list.count == 0) describe_pattern(c, &s);
  if (rc == MB_OK && sums.name)
    c->host->log(c->call, MB_LOG_INFO, "checksums -> %s", sums.path);
  jobs_free(&list);
  free(sums.name);
  free(sums.path);
  return rc;
}

static const mb_exporter tarball_exporter = {
    .options = tarball_options,
    .describe = tarball_describe,
    .export_artifacts = tarball_export,
};

/* The services this plugin reads options and runs git through. */
static int find_services(const mb_host *host, mb_call *call, tarball *t) {
  t->host = host;
  t->options = host->get_service(host, MB_OPTIONS_SERVICE);
  t->process = host->get_service(host, MB_PROCESS_SERVICE);
  if (t->options && t->process) return MB_OK;
  host->set_error(call,
                  "needs an mbhost with the " MB_OPTIONS_SERVICE
                  " and " MB_PROCESS_SERVICE " services; this one is %s",
                  host->host_version);
  return MB_ERROR;
}

/* Checks the options the table cannot check (name templates, file
   patterns) before any build starts, with errors that name file:line. */
static int tarball_init(const mb_host *host, mb_call *call, void **self) {
  tarball *t = mem_grow(NULL, 1, sizeof *t);
  tarball_settings s;
  int rc = find_services(host, call, t);
  if (rc == MB_OK) {
    const tarball_call c = call_of(t, call, NULL);
    rc = settings_read(&c, &s);
  }
  if (rc != MB_OK) {
    free(t);
    return MB_ERROR;
  }
  *self = t;
  return MB_OK;
}

static void tarball_deinit(void *self) {
  free(self);
}

static const void *tarball_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &tarball_exporter : NULL;
}

static const mb_plugin tarball_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.mbhost.exporter.tarball",
    .name = "tarball",
    .version = "0.1.0",
    .description = "reproducible tar.gz/tar.zst/tar.xz/zip archives per "
                   "target, with a sha256sum checksums file",
    .init = tarball_init,
    .deinit = tarball_deinit,
    .get_interface = tarball_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &tarball_plugin : NULL;
}
