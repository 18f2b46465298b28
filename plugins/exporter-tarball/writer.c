#include "writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODE_EXECUTABLE 0755
#define MODE_REGULAR 0644

static int fail(archive_job *job, const char *what, const char *why) {
  snprintf(job->error, sizeof job->error, "%s: %s: %s", job->name, what, why);
  return MB_ERROR;
}

static int fail_archive(archive_job *job, struct archive *a, const char *what) {
  const char *why = archive_error_string(a);
  return fail(job, what, why ? why : "libarchive failed");
}

/* Chooses the container and compression of `format`. */
static int set_format(struct archive *a, tarball_format format) {
  switch (format) {
  case FORMAT_ZIP:
    return archive_write_set_format_zip(a);
  case FORMAT_TAR_GZ:
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a) != ARCHIVE_OK)
      return ARCHIVE_FATAL;
    /* The gzip header would otherwise carry the time of this run. */
    return archive_write_set_options(a, "gzip:!timestamp");
  case FORMAT_TAR_ZST:
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
      return ARCHIVE_FATAL;
    return archive_write_add_filter_zstd(a);
  case FORMAT_TAR_XZ:
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
      return ARCHIVE_FATAL;
    return archive_write_add_filter_xz(a);
  }
  return ARCHIVE_FATAL;
}

/* The header every entry shares; the caller sets type, mode and size. */
static struct archive_entry *new_header(const entry_spec *e, int64_t mtime) {
  struct archive_entry *entry = archive_entry_new();
  archive_entry_set_pathname_utf8(entry, e->name);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_mtime(entry, (time_t)mtime, 0);
  return entry;
}

static int write_folder(struct archive *a, archive_job *job,
                        const entry_spec *e, int64_t mtime) {
  struct archive_entry *entry = new_header(e, mtime);
  archive_entry_set_filetype(entry, AE_IFDIR);
  archive_entry_set_perm(entry, MODE_EXECUTABLE);
  int r = archive_write_header(a, entry);
  archive_entry_free(entry);
  return r == ARCHIVE_OK ? MB_OK : fail_archive(job, a, e->name);
}

static int copy_data(struct archive *a, archive_job *job, const entry_spec *e,
                     int fd, int64_t size) {
  char buf[1 << 16];
  int64_t copied = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(job, e->path, strerror(errno));
    if (n == 0) break;
    if (archive_write_data(a, buf, (size_t)n) != n)
      return fail_archive(job, a, e->name);
    copied += n;
  }
  /* The header promised `size` bytes: a file that changed while being
     packed would make a corrupt archive. */
  if (copied != size) return fail(job, e->path, "changed while being packed");
  return MB_OK;
}

static int write_file(struct archive *a, archive_job *job, const entry_spec *e,
                      int64_t mtime) {
  int fd = open(e->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(job, e->path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return fail(job, e->path, "not a regular file");
  }
  struct archive_entry *entry = new_header(e, mtime);
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry,
                         st.st_mode & 0111 ? MODE_EXECUTABLE : MODE_REGULAR);
  archive_entry_set_size(entry, st.st_size);
  int rc = archive_write_header(a, entry) == ARCHIVE_OK
               ? copy_data(a, job, e, fd, st.st_size)
               : fail_archive(job, a, e->name);
  archive_entry_free(entry);
  close(fd);
  return rc;
}

static int write_entries(const tarball_call *c, struct archive *a,
                         archive_job *job, int64_t mtime) {
  for (size_t i = 0; i < job->entry_count; i++) {
    if (c->host->cancelled(c->call)) return MB_CANCELLED;
    const entry_spec *e = &job->entries[i];
    int rc =
        e->path ? write_file(a, job, e, mtime) : write_folder(a, job, e, mtime);
    if (rc != MB_OK) return rc;
  }
  return MB_OK;
}

int write_archive(const tarball_call *c, archive_job *job, int64_t mtime) {
  struct archive *a = archive_write_new();
  if (!a) return fail(job, "libarchive", "out of memory");
  int rc;
  if (set_format(a, job->format) != ARCHIVE_OK)
    rc = fail_archive(job, a, format_names[job->format]);
  else if (archive_write_open_filename(a, job->temp) != ARCHIVE_OK)
    rc = fail_archive(job, a, job->temp);
  else
    rc = write_entries(c, a, job, mtime);
  /* Closing flushes the compressor and the last blocks. */
  if (archive_write_close(a) != ARCHIVE_OK && rc == MB_OK)
    rc = fail_archive(job, a, "finishing");
  archive_write_free(a);
  /* The temporary file may have been created private; archives are for
     everyone to read. */
  if (rc == MB_OK && chmod(job->temp, MODE_REGULAR) != 0)
    rc = fail(job, job->temp, strerror(errno));
  return rc;
}
