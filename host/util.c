#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void report_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("mbhost: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("mbhost: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void *check_alloc(void *p) {
  if (!p) {
    fputs("mbhost: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *xmalloc(size_t n) {
  return check_alloc(malloc(n ? n : 1));
}
void *xcalloc(size_t count, size_t n) {
  return check_alloc(calloc(count ? count : 1, n ? n : 1));
}
void *xrealloc(void *p, size_t n) {
  return check_alloc(realloc(p, n ? n : 1));
}
char *xstrdup(const char *s) {
  return check_alloc(strdup(s));
}
char *xstrndup(const char *s, size_t n) {
  return check_alloc(strndup(s, n));
}

char *xvasprintf(const char *fmt, va_list ap) {
  char *out = NULL;
  if (vasprintf(&out, fmt, ap) < 0) check_alloc(NULL);
  return out;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *out = xvasprintf(fmt, ap);
  va_end(ap);
  return out;
}

void strvec_push_owned(strvec *v, char *s) {
  if (v->len + 2 > v->cap) {
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = xrealloc(v->items, v->cap * sizeof *v->items);
  }
  v->items[v->len++] = s;
  v->items[v->len] = NULL;
}

void strvec_push(strvec *v, const char *s) {
  strvec_push_owned(v, xstrdup(s));
}

void strvec_free(strvec *v) {
  for (size_t i = 0; i < v->len; i++)
    free(v->items[i]);
  free(v->items);
  *v = (strvec){0};
}

bool strvec_contains(const strvec *v, const char *s) {
  for (size_t i = 0; i < v->len; i++)
    if (strcmp(v->items[i], s) == 0) return true;
  return false;
}

void strbuf_add(strbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->data = xrealloc(b->data, b->cap);
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) {
  strbuf_add(b, s, strlen(s));
}

void strbuf_printf(strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = xvasprintf(fmt, ap);
  va_end(ap);
  strbuf_puts(b, s);
  free(s);
}

void strbuf_free(strbuf *b) {
  free(b->data);
  *b = (strbuf){0};
}

char *trim(char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
               s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

bool str_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t *row = xmalloc((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t d = row[lb];
  free(row);
  return d;
}

const char *nearest_word(const char *word, const char *const *candidates,
                         size_t n) {
  const char *best = NULL;
  size_t best_distance = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(word, candidates[i]);
    if (d < best_distance) {
      best_distance = d;
      best = candidates[i];
    }
  }
  /* A suggestion is only useful when it is plausibly the same word. */
  size_t len = strlen(word);
  size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
  if (best_distance <= limit) return best;
  /* A longer spelling of the name: golang for go, local-dir for local. */
  best = NULL;
  for (size_t i = 0; i < n; i++)
    if (str_starts_with(word, candidates[i]) &&
        (!best || strlen(candidates[i]) > strlen(best)))
      best = candidates[i];
  return best;
}

char *path_join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (n && dir[n - 1] == '/') return xasprintf("%s%s", dir, name);
  return xasprintf("%s/%s", dir, name);
}

/* Resolves "." and ".." segments lexically, keeping the path absolute. */
static char *clean_absolute(const char *path) {
  char *copy = xstrdup(path);
  strvec parts = {0};
  for (char *save = NULL, *seg = strtok_r(copy, "/", &save); seg;
       seg = strtok_r(NULL, "/", &save)) {
    if (strcmp(seg, ".") == 0) continue;
    if (strcmp(seg, "..") == 0) {
      /* ".." above the root stays at the root. */
      if (parts.len) {
        free(parts.items[--parts.len]);
        parts.items[parts.len] = NULL;
      }
      continue;
    }
    strvec_push(&parts, seg);
  }
  strbuf out = {0};
  for (size_t i = 0; i < parts.len; i++) {
    strbuf_puts(&out, "/");
    strbuf_puts(&out, parts.items[i]);
  }
  if (!out.len) strbuf_puts(&out, "/");
  strvec_free(&parts);
  free(copy);
  return out.data;
}

char *path_absolute(const char *base, const char *path) {
  if (path[0] == '/') return clean_absolute(path);
  char *joined = path_join(base, path);
  char *clean = clean_absolute(joined);
  free(joined);
  return clean;
}

char *path_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return xstrdup(".");
  if (slash == path) return xstrdup("/");
  return xstrndup(path, (size_t)(slash - path));
}

char *path_resolve(const char *path) {
  char *head = clean_absolute(path);
  char *tail = NULL;
  for (;;) {
    char *real = realpath(head, NULL);
    if (real || strcmp(head, "/") == 0) {
      char *out = !real   ? xstrdup(path)
                  : !tail ? xstrdup(real)
                          : path_absolute(real, tail);
      free(real), free(head), free(tail);
      return out;
    }
    const char *slash = strrchr(head, '/');
    char *name = xstrdup(slash + 1);
    char *rest = tail ? path_join(name, tail) : xstrdup(name);
    free(name), free(tail);
    tail = rest;
    char *up = path_dirname(head);
    free(head);
    head = up;
  }
}

bool path_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_is_inside(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return true;
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int mkdir_tree(const char *path, mode_t mode) {
  /* The folder is there on every run but the first: one stat, and the
     parents only when it is missing. */
  struct stat st;
  if (stat(path, &st) == 0)
    return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
  if (errno != ENOENT) return -1;
  char *parent = path_dirname(path);
  int rc = strcmp(parent, path) != 0 ? mkdir_tree(parent, mode) : 0;
  free(parent);
  if (rc != 0) return -1;
  if (mkdir(path, mode) == 0) return 0;
  if (errno != EEXIST) return -1;
  /* Made meanwhile (another run, another thread): fine if a folder. */
  return path_is_dir(path) ? 0 : (errno = ENOTDIR, -1);
}

int mkdir_parents(const char *path) {
  return mkdir_tree(path, 0755);
}

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(path);
}

int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

int copy_fd(int in, int out) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buf + done, (size_t)(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      done += w;
    }
  }
}

int copy_file_atomic(const char *src, const char *dst) {
  char *dir = path_dirname(dst);
  int rc = mkdir_parents(dir);
  free(dir);
  if (rc != 0) return -1;
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return -1;
  struct stat st;
  if (fstat(in, &st) != 0) {
    close(in);
    return -1;
  }
  char *tmp = xasprintf("%s.mbhost-tmp.XXXXXX", dst);
  int out = mkostemp(tmp, O_CLOEXEC);
  if (out < 0) {
    int saved = errno;
    close(in);
    free(tmp);
    errno = saved;
    return -1;
  }
  rc = copy_fd(in, out);
  if (rc == 0) rc = fchmod(out, st.st_mode & 07777);
  if (rc == 0) rc = fsync(out);
  int saved = errno;
  close(in);
  if (close(out) != 0 && rc == 0) rc = -1, saved = errno;
  if (rc == 0 && rename(tmp, dst) != 0) rc = -1, saved = errno;
  if (rc != 0) unlink(tmp);
  free(tmp);
  errno = saved;
  return rc;
}

char *path_search(const char *program, const char *path_list) {
  if (!program || !*program) return NULL;
  if (strchr(program, '/'))
    return access(program, X_OK) == 0 ? xstrdup(program) : NULL;
  char *copy = xstrdup(path_list ? path_list : "/usr/local/bin:/usr/bin:/bin");
  char *found = NULL;
  for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
       dir = strtok_r(NULL, ":", &save)) {
    char *candidate = path_join(*dir ? dir : ".", program);
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate, X_OK) == 0)
      found = candidate;
    else
      free(candidate);
  }
  free(copy);
  return found;
}

double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t wall_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void split_list(const char *text, strvec *out) {
  if (!text) return;
  char *copy = xstrdup(text);
  for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
       item = strtok_r(NULL, ",", &save))
    if (*trim(item)) strvec_push(out, trim(item));
  free(copy);
}

void split_words(const char *text, strvec *out) {
  strbuf word = {0};
  bool in_word = false;
  char quote = 0;
  for (const char *p = text;; p++) {
    if (*p == '\0' || (!quote && (*p == ' ' || *p == '\t'))) {
      if (in_word) strvec_push(out, word.data ? word.data : "");
      strbuf_free(&word);
      in_word = false;
      if (!*p) break;
      continue;
    }
    in_word = true;
    if (quote && *p == quote)
      quote = 0;
    else if (!quote && (*p == '\'' || *p == '"'))
      quote = *p;
    else
      strbuf_add(&word, p, 1);
  }
  strbuf_free(&word);
}
