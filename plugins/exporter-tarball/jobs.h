/* Planning the archives of one export: received artifacts grouped by
   target, each group's archive name and its sorted entry list. */
#ifndef TARBALL_JOBS_H
#define TARBALL_JOBS_H

#include <stdint.h>

#include "call.h"
#include "settings.h"

typedef struct entry_spec {
  char *name; /* inside the archive; a directory's ends with '/' */
  char *path; /* the file to pack; NULL for a directory */
} entry_spec;

typedef struct archive_job {
  char *target;     /* "os/arch" */
  char *os;         /* a copy of target cut at its slash */
  const char *arch; /* points into os */
  tarball_format format;
  char *name; /* the archive's file name, relative to the output folder */
  char *path; /* <output>/<name> */
  char *temp; /* where it is written until committed; NULL before */
  entry_spec *entries;
  size_t entry_count;
  /* Results of writing it (by a worker thread). */
  char sha256[65];
  int status;
  char error[512];
} archive_job;

typedef struct job_list {
  archive_job *jobs;
  size_t count;
  mb_artifact *passthrough; /* received artifacts without a target */
  size_t passthrough_count;
} job_list;

/* Groups the received artifacts into one job per target, names each
   archive and sorts the jobs by archive name. MB_OK, or MB_ERROR after
   set_error (an unsafe artifact name, two targets given the same archive name).
 */
int jobs_plan(const tarball_call *c, const tarball_settings *s, job_list *list);

/* Completes every job's entries: its artifacts plus the `files` globs,
   under the top folder, with their parent folders, sorted by name.
   MB_OK, or MB_ERROR after set_error. */
int jobs_add_entries(const tarball_call *c, const tarball_settings *s,
                     job_list *list);

void jobs_free(job_list *list);

#endif
