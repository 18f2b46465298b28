/* transfer: tars for the archive API (see transfer.h). */
#include "transfer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static la_ssize_t grow(struct archive *a, void *arg, const void *data,
                       size_t len) {
  (void)a;
  tarbuf *b = arg;
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1 << 16;
    while (cap < b->len + len)
      cap *= 2;
    char *bigger = realloc(b->data, cap);
    if (!bigger) return -1;
    b->data = bigger, b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return (la_ssize_t)len;
}

void tarbuf_free(tarbuf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

typedef struct maker {
  struct archive *out, *disk;
  unsigned uid, gid;
  const char *skip;
  char *err;
  size_t cap;
} maker;

static int add_path(maker *m, const char *path) {
  struct archive_entry *e = archive_entry_new();
  struct stat st;
  int rc = -1;
  if (lstat(path, &st) != 0) {
    snprintf(m->err, m->cap, "cannot read %s: %s", path, strerror(errno));
    goto done;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
    rc = 0; /* sockets and devices are no part of a source tree */
    goto done;
  }
  archive_entry_copy_sourcepath(e, path);
  if (archive_read_disk_entry_from_file(m->disk, e, -1, &st) != ARCHIVE_OK) {
    snprintf(m->err, m->cap, "cannot read %s: %s", path,
             archive_error_string(m->disk));
    goto done;
  }
  archive_entry_set_pathname(e, path + 1);
  archive_entry_set_uid(e, m->uid), archive_entry_set_gid(e, m->gid);
  archive_entry_set_uname(e, NULL), archive_entry_set_gname(e, NULL);
  if (archive_write_header(m->out, e) != ARCHIVE_OK) {
    snprintf(m->err, m->cap, "cannot archive %s: %s", path,
             archive_error_string(m->out));
    goto done;
  }
  if (S_ISREG(st.st_mode)) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    char chunk[65536];
    ssize_t n = 0;
    while (fd >= 0 && (n = read(fd, chunk, sizeof chunk)) > 0)
      if (archive_write_data(m->out, chunk, (size_t)n) != n) break;
    if (fd >= 0) close(fd);
    if (fd < 0 || n != 0) {
      snprintf(m->err, m->cap, "cannot read %s: %s", path, strerror(errno));
      goto done;
    }
  }
  rc = 0;
done:
  archive_entry_free(e);
  return rc;
}

static int add_tree(maker *m, const char *dir) {
  if (add_path(m, dir) != 0) return -1;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(m->err, m->cap, "cannot list %s: %s", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  for (struct dirent *ent; rc == 0 && (ent = readdir(d));) {
    if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
        !strcmp(ent->d_name, ".git"))
      continue;
    size_t n = strlen(dir) + strlen(ent->d_name) + 2;
    char *child = malloc(n);
    snprintf(child, n, "%s/%s", dir, ent->d_name);
    struct stat st;
    if (m->skip && strcmp(child, m->skip) == 0)
      rc = 0;
    else if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
      rc = add_tree(m, child);
    else
      rc = add_path(m, child);
    free(child);
  }
  closedir(d);
  return rc;
}

static int add_empty_dir(maker *m, const char *path) {
  struct archive_entry *e = archive_entry_new();
  archive_entry_set_pathname(e, path + 1);
  archive_entry_set_filetype(e, AE_IFDIR);
  archive_entry_set_perm(e, 0755);
  archive_entry_set_uid(e, m->uid), archive_entry_set_gid(e, m->gid);
  int rc = archive_write_header(m->out, e) == ARCHIVE_OK ? 0 : -1;
  if (rc) snprintf(m->err, m->cap, "%s", archive_error_string(m->out));
  archive_entry_free(e);
  return rc;
}

int tar_make(tarbuf *out, const char *const *dirs, const char *tree,
             const char *skip, unsigned uid, unsigned gid, char *err,
             size_t cap) {
  maker m = {.out = archive_write_new(),
             .disk = archive_read_disk_new(),
             .uid = uid,
             .gid = gid,
             .skip = skip,
             .err = err,
             .cap = cap};
  archive_write_set_format_pax_restricted(m.out);
  archive_read_disk_set_standard_lookup(m.disk);
  int rc =
      archive_write_open(m.out, out, NULL, grow, NULL) == ARCHIVE_OK ? 0 : -1;
  for (size_t i = 0; rc == 0 && dirs && dirs[i]; i++)
    rc = add_empty_dir(&m, dirs[i]);
  if (rc == 0 && tree) rc = add_tree(&m, tree);
  if (archive_write_close(m.out) != ARCHIVE_OK && rc == 0) {
    snprintf(err, cap, "%s", archive_error_string(m.out));
    rc = -1;
  }
  archive_write_free(m.out);
  archive_read_free(m.disk);
  return rc;
}

/* Writes one entry's data beside `dst`, then renames it over `dst`. */
static int write_entry(struct archive *a, struct archive_entry *e,
                       const char *dst, char *err, size_t cap) {
  size_t n = strlen(dst) + 32;
  char *tmp = malloc(n);
  snprintf(tmp, n, "%s.mbhost-fetch.XXXXXX", dst);
  int fd = mkostemp(tmp, O_CLOEXEC);
  int rc = fd >= 0 && archive_read_data_into_fd(a, fd) == ARCHIVE_OK ? 0 : -1;
  if (fd >= 0) {
    fchmod(fd, archive_entry_perm(e) & 0777);
    if (close(fd) != 0) rc = -1;
  }
  if (rc == 0 && rename(tmp, dst) != 0) rc = -1;
  if (rc != 0) {
    snprintf(err, cap, "cannot write %s: %s", dst, strerror(errno));
    if (fd >= 0) unlink(tmp);
  }
  free(tmp);
  return rc;
}

int tar_extract(const char *data, size_t len, const char *path, int glob,
                char *err, size_t cap) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dirlen = slash ? (size_t)(slash - path) : 0;
  const char *dirslash = NULL;
  for (const char *p = path; p < slash; p++)
    if (*p == '/') dirslash = p;
  /* A glob's tar is of its folder: entries are "FOLDER/NAME". */
  const char *folder = dirslash ? dirslash + 1 : path;
  size_t folderlen = slash ? (size_t)(slash - folder) : 0;
  struct archive *a = archive_read_new();
  archive_read_support_format_tar(a);
  int written = 0;
  if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
    snprintf(err, cap, "the engine sent no archive for %s: %s", path,
             archive_error_string(a));
    archive_read_free(a);
    return -1;
  }
  struct archive_entry *e;
  int rc;
  while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    const char *name = archive_entry_pathname(e);
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char *leaf = NULL;
    if (!glob && strcmp(name, base) == 0) leaf = base;
    if (glob && strncmp(name, folder, folderlen) == 0 &&
        name[folderlen] == '/' && !strchr(name + folderlen + 1, '/') &&
        fnmatch(base, name + folderlen + 1, FNM_PERIOD) == 0)
      leaf = name + folderlen + 1;
    /* Only names this side chose: the engine cannot write elsewhere. */
    if (!leaf || !*leaf || !strcmp(leaf, ".") || !strcmp(leaf, "..")) continue;
    size_t n = dirlen + strlen(leaf) + 2;
    char *dst = malloc(n);
    snprintf(dst, n, "%.*s/%s", (int)dirlen, path, leaf);
    int bad = write_entry(a, e, dst, err, cap);
    free(dst);
    if (bad) {
      archive_read_free(a);
      return -1;
    }
    written++;
  }
  if (rc != ARCHIVE_EOF) {
    snprintf(err, cap, "a damaged archive for %s: %s", path,
             archive_error_string(a));
    written = -1;
  }
  archive_read_free(a);
  return written;
}
