#include "jobs.h"

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "naming.h"

/* Adds an entry that takes `name` over and copies `path` (NULL: folder). */
static void add_entry(archive_job *job, char *name, const char *path) {
  job->entries =
      mem_grow(job->entries, job->entry_count + 1, sizeof *job->entries);
  job->entries[job->entry_count++] =
      (entry_spec){name, path ? mem_strdup(path) : NULL};
}

/* The job for `target`, created (in order of first appearance) if new. */
static archive_job *job_for(job_list *list, const char *target) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->jobs[i].target, target) == 0) return &list->jobs[i];
  list->jobs = mem_grow(list->jobs, list->count + 1, sizeof *list->jobs);
  archive_job *job = &list->jobs[list->count++];
  *job = (archive_job){.target = mem_strdup(target)};
  job->os = mem_strdup(target);
  char *slash = strchr(job->os, '/');
  job->arch = slash ? slash + 1 : "";
  if (slash) *slash = '\0';
  return job;
}

static int add_artifact(const tarball_call *c, job_list *list,
                        const mb_artifact *a) {
  if (!a->target) {
    list->passthrough = mem_grow(list->passthrough, list->passthrough_count + 1,
                                 sizeof *list->passthrough);
    list->passthrough[list->passthrough_count++] = *a;
    return MB_OK;
  }
  const char *problem = entry_name_problem(a->name, strlen(a->name));
  if (problem) {
    c->host->set_error(c->call, "refusing artifact \"%s\" of %s: its name %s",
                       a->name, a->target, problem);
    return MB_ERROR;
  }
  if (!a->path) {
    c->host->set_error(c->call, "artifact \"%s\" of %s is not a local file",
                       a->name, a->target);
    return MB_ERROR;
  }
  add_entry(job_for(list, a->target), mem_strdup(a->name), a->path);
  return MB_OK;
}

static int name_archive(const tarball_call *c, const tarball_settings *s,
                        const char *output, archive_job *job) {
  name_values values = {c->host->project(c->call, "name"),
                        c->host->project(c->call, "version"), job->os,
                        job->arch};
  char base[PATH_MAX], why[512];
  if (expand_name(s->name_template, &values, base, sizeof base, why,
                  sizeof why) != 0) {
    c->host->set_error(c->call, "name_template: %s", why);
    return MB_ERROR;
  }
  job->format = settings_format_for(c, job->os);
  if (asprintf(&job->name, "%s.%s", base, format_names[job->format]) < 0 ||
      asprintf(&job->path, "%s/%s", output, job->name) < 0)
    abort(); /* out of memory, as in mem.h */
  return MB_OK;
}

static int by_archive_name(const void *a, const void *b) {
  return strcmp(((const archive_job *)a)->name, ((const archive_job *)b)->name);
}

/* Two targets must not write the same archive (a name_template without
   {os} or {arch}); the jobs are sorted by name. */
static int check_names_differ(const tarball_call *c, const job_list *list) {
  for (size_t i = 1; i < list->count; i++) {
    const archive_job *a = &list->jobs[i - 1], *b = &list->jobs[i];
    if (strcmp(a->name, b->name) == 0) {
      c->host->set_error(c->call,
                         "%s and %s would both be archived as %s; put {os} and "
                         "{arch} in name_template",
                         a->target, b->target, b->name);
      return MB_ERROR;
    }
  }
  return MB_OK;
}

int jobs_plan(const tarball_call *c, const tarball_settings *s,
              job_list *list) {
  *list = (job_list){0};
  size_t count = c->svc->artifact_count(c->call);
  for (size_t i = 0; i < count; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (c->svc->artifact_get(c->call, i, &a) != MB_OK) {
      c->host->set_error(c->call, "cannot read artifact %zu of %zu", i + 1,
                         count);
      return MB_ERROR;
    }
    if (add_artifact(c, list, &a) != MB_OK) return MB_ERROR;
  }
  const char *output = c->host->project(c->call, "output");
  for (size_t i = 0; i < list->count; i++)
    if (name_archive(c, s, output, &list->jobs[i]) != MB_OK) return MB_ERROR;
  /* Artifacts arrive in the order targets finished; sorting makes the log,
     the emitted artifacts and the checksums file the same on every run. */
  if (list->count) /* a dry run has no artifacts, and no array to sort */
    qsort(list->jobs, list->count, sizeof *list->jobs, by_archive_name);
  return check_names_differ(c, list);
}

/* A copy of `path` with glob's special characters escaped, so a project
   source folder such as "/src/[v2]" is matched literally. */
static char *glob_escape(const char *path) {
  char *out = mem_grow(NULL, 2 * strlen(path) + 1, 1);
  char *o = out;
  for (const char *p = path; *p; p++) {
    if (strchr("*?[]\\", *p)) *o++ = '\\';
    *o++ = *p;
  }
  *o = '\0';
  return out;
}

typedef struct extra_files {
  char **names; /* relative to the project source */
  char **paths;
  size_t count;
} extra_files;

/* Whether `path` resolves (symlinks included) inside the `source_len`
   first bytes of it, the project source folder: a symlink in the source
   tree must not put a file from elsewhere on this machine in a release. */
static int resolves_inside_source(const char *path, size_t source_len) {
  char *source = mem_strdup(path);
  source[source_len] = '\0';
  char *real_source = realpath(source, NULL);
  char *real = realpath(path, NULL);
  size_t n = real_source ? strlen(real_source) : 0;
  int inside = real && real_source && strncmp(real, real_source, n) == 0 &&
               (real[n] == '/' || (n == 1 && real[0] == '/'));
  free(source), free(real_source), free(real);
  return inside;
}

/* Adds one glob match, named as `path` without its first `skip` bytes
   (the project source folder and its slash). */
static int add_match(const tarball_call *c, extra_files *extra,
                     const char *pattern, const char *path, size_t skip) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
    c->host->set_error(c->call,
                       "files: \"%s\" matches %s, which is not a regular file "
                       "(to add a folder's files, write e.g. docs/*)",
                       pattern, path);
    return MB_ERROR;
  }
  if (!resolves_inside_source(path, skip - 1)) {
    c->host->set_error(c->call,
                       "files: \"%s\" matches %s, a symlink to a file outside "
                       "the project source",
                       pattern, path);
    return MB_ERROR;
  }
  const char *problem = entry_name_problem(path + skip, strlen(path + skip));
  if (problem) {
    c->host->set_error(c->call, "files: \"%s\" matches \"%s\", whose name %s",
                       pattern, path + skip, problem);
    return MB_ERROR;
  }
  extra->names = mem_grow(extra->names, extra->count + 1, sizeof(char *));
  extra->paths = mem_grow(extra->paths, extra->count + 1, sizeof(char *));
  extra->names[extra->count] = mem_strdup(path + skip);
  extra->paths[extra->count++] = mem_strdup(path);
  return MB_OK;
}

/* Adds the files one `files` pattern matches (none is only a warning:
   "LICENSE*" suits projects without a license file too). */
static int glob_pattern(const tarball_call *c, const char *escaped_source,
                        size_t skip, const char *pattern, extra_files *extra) {
  char *full;
  if (asprintf(&full, "%s/%s", escaped_source, pattern) < 0) abort();
  glob_t g;
  int found = glob(full, 0, NULL, &g);
  free(full);
  if (found == GLOB_NOMATCH) {
    c->host->log(c->call, MB_LOG_WARN, "files: \"%s\" matches nothing",
                 pattern);
    return MB_OK;
  }
  if (found != 0) {
    c->host->set_error(c->call, "files: cannot search for \"%s\"", pattern);
    return MB_ERROR;
  }
  int rc = MB_OK;
  for (size_t i = 0; i < g.gl_pathc && rc == MB_OK; i++)
    rc = add_match(c, extra, pattern, g.gl_pathv[i], skip);
  globfree(&g);
  return rc;
}

static int glob_extra_files(const tarball_call *c, const tarball_settings *s,
                            extra_files *extra) {
  const char *source = c->host->project(c->call, "source");
  char *escaped = glob_escape(source);
  int rc = MB_OK;
  for (const char *const *f = s->files; *f && rc == MB_OK; f++)
    rc = glob_pattern(c, escaped, strlen(source) + 1, *f, extra);
  free(escaped);
  return rc;
}

static void free_extra_files(extra_files *extra) {
  for (size_t i = 0; i < extra->count; i++) {
    free(extra->names[i]);
    free(extra->paths[i]);
  }
  free(extra->names);
  free(extra->paths);
}

/* Prefixes every entry with the top folder and adds the folders that
   contain entries, so extracting creates them with a known mode. */
static void add_folders(archive_job *job, const char *top) {
  size_t files = job->entry_count;
  for (size_t i = 0; i < files; i++) {
    if (top) {
      char *full;
      if (asprintf(&full, "%s/%s", top, job->entries[i].name) < 0) abort();
      free(job->entries[i].name);
      job->entries[i].name = full;
    }
    const char *name = job->entries[i].name;
    for (const char *slash = strchr(name, '/'); slash;
         slash = strchr(slash + 1, '/'))
      add_entry(job, mem_strndup(name, (size_t)(slash - name + 1)), NULL);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const entry_spec *)a)->name, ((const entry_spec *)b)->name);
}

/* Sorts the entries and drops repeated folders; two files with one name
   are an error. */
static int sort_entries(const tarball_call *c, archive_job *job) {
  qsort(job->entries, job->entry_count, sizeof *job->entries, by_name);
  size_t kept = 0;
  for (size_t i = 0; i < job->entry_count; i++) {
    entry_spec *e = &job->entries[i];
    if (kept > 0 && strcmp(job->entries[kept - 1].name, e->name) == 0) {
      if (e->path) {
        c->host->set_error(c->call, "%s: two files would be named \"%s\"",
                           job->name, e->name);
        return MB_ERROR;
      }
      free(e->name);
      free(e->path);
      continue;
    }
    job->entries[kept++] = *e;
  }
  job->entry_count = kept;
  return MB_OK;
}

static int complete_job(const tarball_call *c, const tarball_settings *s,
                        const extra_files *extra, archive_job *job) {
  for (size_t i = 0; i < extra->count; i++)
    add_entry(job, mem_strdup(extra->names[i]), extra->paths[i]);
  char top[PATH_MAX], why[512];
  name_values values = {c->host->project(c->call, "name"),
                        c->host->project(c->call, "version"), job->os,
                        job->arch};
  if (s->wrap_template && expand_name(s->wrap_template, &values, top,
                                      sizeof top, why, sizeof why) != 0) {
    c->host->set_error(c->call, "wrap_in_directory: %s", why);
    return MB_ERROR;
  }
  add_folders(job, s->wrap_template ? top : NULL);
  return sort_entries(c, job);
}

int jobs_add_entries(const tarball_call *c, const tarball_settings *s,
                     job_list *list) {
  extra_files extra = {0};
  int rc = glob_extra_files(c, s, &extra);
  for (size_t i = 0; i < list->count && rc == MB_OK; i++)
    rc = complete_job(c, s, &extra, &list->jobs[i]);
  free_extra_files(&extra);
  return rc;
}

void jobs_free(job_list *list) {
  for (size_t i = 0; i < list->count; i++) {
    archive_job *job = &list->jobs[i];
    for (size_t e = 0; e < job->entry_count; e++) {
      free(job->entries[e].name);
      free(job->entries[e].path);
    }
    free(job->entries);
    free(job->target);
    free(job->os);
    free(job->name);
    free(job->path);
    free(job->temp);
  }
  free(list->jobs);
  free(list->passthrough);
  *list = (job_list){0};
}
