/* mb-exporter-tarball: turns each target's artifacts into one reproducible
   archive (tar.gz, tar.zst, tar.xz or zip) in the project output folder,
   plus a sha256sum-style checksums file. Archives are written in parallel,
   beside their final names, and renamed into place only when every one of
   them succeeded, so a failed run leaves the previous archives as they
   were. */
#include <limits.h>
#include <mbhost/exporter.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobs.h"
#include "mem.h"
#include "naming.h"
#include "settings.h"
#include "writer.h"

typedef struct tarball {
  const mb_host *host;
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
     .flags = MB_OPT_PREFIX,
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
    {.key = NULL},
};

/* The time of the last git commit that touched the project source, or -1
   when the source is not in a git checkout (or git is missing). */
static int64_t source_commit_time(const mb_host *host, mb_call *call) {
  const char *const argv[] = {"git", "log", "-1", "--format=%ct",
                              "--",  ".",   NULL};
  char out[64];
  int exit_code;
  if (host->run(call, argv, NULL, host->project(call, "source"), 0, out,
                sizeof out, &exit_code) != MB_OK ||
      exit_code != 0)
    return -1;
  char *end;
  long long seconds = strtoll(out, &end, 10);
  return end != out && (*end == '\n' || *end == '\0') ? seconds : -1;
}

/* The modification time every entry gets. */
static int64_t entry_mtime(const mb_host *host, mb_call *call,
                           const tarball_settings *s) {
  int64_t mtime = s->fixed_mtime;
  const char *origin = s->mtime_origin;
  if (!s->has_fixed_mtime) {
    mtime = source_commit_time(host, call);
    origin = "the source's last git commit";
    if (mtime < 0) {
      mtime = 0;
      origin = "no SOURCE_DATE_EPOCH, mtime or git commit";
    }
  }
  host->log(call, MB_LOG_DEBUG, "entry time %lld (%s)", (long long)mtime,
            origin);
  return mtime;
}

typedef struct pool {
  const mb_host *host;
  mb_call *call;
  job_list *list;
  int64_t mtime;
  atomic_size_t next; /* the next job a worker takes */
} pool;

static void write_one(pool *p, archive_job *job) {
  job->status = write_archive(p->host, p->call, job, p->mtime);
  if (job->status == MB_OK &&
      p->host->sha256_file(p->call, job->temp, job->sha256) != MB_OK) {
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
static int collect_results(const mb_host *host, mb_call *call,
                           const job_list *list) {
  for (size_t i = 0; i < list->count; i++)
    if (list->jobs[i].status == MB_CANCELLED) return MB_CANCELLED;
  for (size_t i = 0; i < list->count; i++)
    if (list->jobs[i].status != MB_OK) {
      host->set_error(call, "%s", list->jobs[i].error);
      return MB_ERROR;
    }
  return MB_OK;
}

/* A temporary file beside `path`, or NULL (the host set the error). */
static char *temp_beside(const mb_host *host, mb_call *call, const char *path) {
  char buf[PATH_MAX];
  if (host->temp_file_for(call, path, buf, sizeof buf) != MB_OK) return NULL;
  return mem_strdup(buf);
}

/* Writes "<sha256>  <archive name>" lines, sorted by name (as the jobs
   are): the format `sha256sum -c` reads, run in the output folder. */
static int write_checksums(const mb_host *host, mb_call *call,
                           const job_list *list, const checksums_file *sums) {
  FILE *f = fopen(sums->temp, "w");
  for (size_t i = 0; f && i < list->count; i++)
    fprintf(f, "%s  %s\n", list->jobs[i].sha256, list->jobs[i].name);
  if (!f || fclose(f) != 0 || chmod(sums->temp, 0644) != 0) {
    host->set_error(call, "cannot write %s", sums->temp);
    return MB_ERROR;
  }
  return MB_OK;
}

/* Removes what this export wrote: temporary files, and archives already
   renamed into place when a later rename failed. */
static void discard_all(const mb_host *host, mb_call *call, job_list *list,
                        checksums_file *sums, size_t committed) {
  for (size_t i = 0; i < list->count; i++) {
    archive_job *job = &list->jobs[i];
    if (job->temp)
      host->commit_file(call, job->temp, job->path, 0);
    else if (i < committed)
      unlink(job->path);
    free(job->temp);
    job->temp = NULL;
  }
  if (sums->temp) host->commit_file(call, sums->temp, sums->path, 0);
  free(sums->temp);
  sums->temp = NULL;
}

static int commit_all(const mb_host *host, mb_call *call, job_list *list,
                      checksums_file *sums) {
  size_t committed = 0;
  for (; committed < list->count; committed++) {
    archive_job *job = &list->jobs[committed];
    if (host->commit_file(call, job->temp, job->path, 1) != MB_OK) break;
    free(job->temp);
    job->temp = NULL;
  }
  if (committed == list->count &&
      (!sums->temp ||
       host->commit_file(call, sums->temp, sums->path, 1) == MB_OK)) {
    free(sums->temp);
    sums->temp = NULL;
    return MB_OK;
  }
  /* commit_file set the error; undo the renames that did happen. */
  discard_all(host, call, list, sums, committed);
  return MB_ERROR;
}

/* A folder where a file is to go would make its rename fail after others
   succeeded; refusing it first keeps the commit all-or-nothing. */
static int check_not_folder(const mb_host *host, mb_call *call,
                            const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return MB_OK;
  host->set_error(call, "%s is a folder, so the file cannot go there", path);
  return MB_ERROR;
}

static int prepare_temp_files(const mb_host *host, mb_call *call,
                              job_list *list, checksums_file *sums) {
  for (size_t i = 0; i < list->count; i++)
    if (check_not_folder(host, call, list->jobs[i].path) != MB_OK)
      return MB_ERROR;
  if (sums->name && check_not_folder(host, call, sums->path) != MB_OK)
    return MB_ERROR;
  for (size_t i = 0; i < list->count; i++)
    if (!(list->jobs[i].temp = temp_beside(host, call, list->jobs[i].path)))
      return MB_ERROR;
  if (sums->name && !(sums->temp = temp_beside(host, call, sums->path)))
    return MB_ERROR;
  return MB_OK;
}

/* Writes all archives and the checksums file aside, then renames them all
   into place; on any failure none of them replaces an existing file. */
static int write_all(const mb_host *host, mb_call *call,
                     const tarball_settings *s, job_list *list,
                     checksums_file *sums) {
  pool p = {host, call, list, entry_mtime(host, call, s), 0};
  int rc = prepare_temp_files(host, call, list, sums);
  if (rc == MB_OK) {
    write_in_parallel(&p);
    rc = collect_results(host, call, list);
  }
  if (rc == MB_OK && sums->name) rc = write_checksums(host, call, list, sums);
  if (rc == MB_OK) return commit_all(host, call, list, sums);
  discard_all(host, call, list, sums, 0);
  return rc;
}

static int name_checksums(const mb_host *host, mb_call *call,
                          const tarball_settings *s, checksums_file *sums) {
  *sums = (checksums_file){0};
  if (!s->checksums_template) return MB_OK;
  name_values values = {host->project(call, "name"),
                        host->project(call, "version"), NULL, NULL};
  char name[PATH_MAX], why[512];
  if (expand_name(s->checksums_template, &values, name, sizeof name, why,
                  sizeof why) != 0) {
    host->set_error(call, "checksums: %s", why);
    return MB_ERROR;
  }
  sums->name = mem_strdup(name);
  if (asprintf(&sums->path, "%s/%s", host->project(call, "output"), name) < 0)
    abort(); /* out of memory, as in mem.h */
  return MB_OK;
}

/* MB_OK, or MB_ERROR when the host refused the artifact (and said why). */
static int emit(const mb_host *host, mb_call *call, const char *target,
                const char *kind, const char *name, const char *path,
                const char *sha256) {
  mb_artifact a = {.struct_size = sizeof a,
                   .target = target,
                   .kind = kind,
                   .name = name,
                   .path = path,
                   .sha256 = sha256};
  return host->emit_artifact(call, &a);
}

/* Hands the archives, the artifacts without a target (passed on as they
   came) and the checksums file to the next exporter and artifacts.json. */
static int emit_all(const mb_host *host, mb_call *call, const job_list *list,
                    const checksums_file *sums) {
  for (size_t i = 0; i < list->count; i++) {
    const archive_job *job = &list->jobs[i];
    host->log(call, MB_LOG_INFO, "%s (%zu %s)", job->path, job->entry_count,
              job->entry_count == 1 ? "entry" : "entries");
    if (emit(host, call, job->target, "archive", job->name, job->path,
             job->sha256) != MB_OK)
      return MB_ERROR;
  }
  for (size_t i = 0; i < list->passthrough_count; i++)
    if (host->emit_artifact(call, &list->passthrough[i]) != MB_OK)
      return MB_ERROR;
  if (sums->name)
    return emit(host, call, NULL, "checksums", sums->name, sums->path, NULL);
  return MB_OK;
}

static int tarball_export(void *self, mb_call *call) {
  const mb_host *host = ((tarball *)self)->host;
  tarball_settings s;
  job_list list = {0};
  checksums_file sums = {0};
  int rc = settings_read(host, call, &s);
  if (rc == MB_OK) rc = jobs_plan(host, call, &s, &list);
  if (rc == MB_OK) rc = jobs_add_entries(host, call, &s, &list);
  /* Without archives there is nothing to check: no checksums file. */
  if (rc == MB_OK && list.count > 0) rc = name_checksums(host, call, &s, &sums);
  if (rc == MB_OK && list.count > 0)
    rc = write_all(host, call, &s, &list, &sums);
  if (rc == MB_OK) rc = emit_all(host, call, &list, &sums);
  jobs_free(&list);
  free(sums.name);
  free(sums.path);
  return rc;
}

/* Before anything is built there are no artifacts to name archives
   after: shows the name pattern instead. */
static void describe_pattern(const mb_host *host, mb_call *call,
                             const tarball_settings *s) {
  name_values values = {host->project(call, "name"),
                        host->project(call, "version"), "{os}", "{arch}"};
  char name[PATH_MAX], why[512];
  if (expand_name(s->name_template, &values, name, sizeof name, why,
                  sizeof why) == 0)
    host->log(call, MB_LOG_INFO, "one archive per target -> %s/%s.%s",
              host->project(call, "output"), name,
              host->option(call, "format"));
}

static int tarball_describe(void *self, mb_call *call) {
  const mb_host *host = ((tarball *)self)->host;
  tarball_settings s;
  job_list list = {0};
  checksums_file sums = {0};
  int rc = settings_read(host, call, &s);
  if (rc == MB_OK) rc = jobs_plan(host, call, &s, &list);
  if (rc == MB_OK) rc = name_checksums(host, call, &s, &sums);
  for (size_t i = 0; rc == MB_OK && i < list.count; i++)
    host->log(call, MB_LOG_INFO, "%s -> %s", list.jobs[i].target,
              list.jobs[i].path);
  if (rc == MB_OK && list.count == 0) describe_pattern(host, call, &s);
  if (rc == MB_OK && sums.name)
    host->log(call, MB_LOG_INFO, "checksums -> %s", sums.path);
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

/* Checks the configuration before any build starts, with errors that name
   file:line: the host validates values, but not the OS in format.<os>. */
static int check_config(const mb_host *host, mb_call *call) {
  tarball_settings s;
  if (settings_check_os_keys(host, call) != MB_OK) return MB_ERROR;
  return settings_read(host, call, &s);
}

/* option_error and option_keys were appended to mb_host after 1.0. */
static int check_host_services(const mb_host *host, mb_call *call) {
  if (MB_HOST_HAS(host, option_error) && MB_HOST_HAS(host, option_keys))
    return MB_OK;
  host->set_error(call,
                  "needs a newer mbhost (one with the option_error and "
                  "option_keys services); this one is %s",
                  host->host_version);
  return MB_ERROR;
}

static int tarball_init(const mb_host *host, mb_call *call, void **self) {
  if (check_host_services(host, call) != MB_OK ||
      check_config(host, call) != MB_OK)
    return MB_ERROR;
  tarball *t = mem_grow(NULL, 1, sizeof *t);
  t->host = host;
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
    .id = "org.mbhost.tarball",
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
