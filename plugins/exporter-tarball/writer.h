/* Writing one archive with libarchive, reproducibly: entries in the given
   order, owned by 0/0 without user or group names, mode 0755 for
   executables and folders and 0644 for other files, one fixed mtime, and
   no timestamp in the gzip header. */
#ifndef TARBALL_WRITER_H
#define TARBALL_WRITER_H

#include <stdint.h>

#include "call.h"
#include "jobs.h"

/* Writes job->entries into job->temp in job->format. Any thread: it calls
   only the host's any-thread services. MB_OK, MB_ERROR with the reason in
   job->error, or MB_CANCELLED. */
int write_archive(const tarball_call *c, archive_job *job, int64_t mtime);

#endif
