/* Small helpers every stage uses: allocation that cannot fail, string
   vectors and buffers, paths, and error messages. */
#ifndef MBHOST_UTIL_H
#define MBHOST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit codes (see README): 0 ok, 1 build/export failure, 2 usage/config. */
enum { EXIT_OK = 0, EXIT_BUILD = 1, EXIT_USAGE = 2 };

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Prints "mbhost: error: ..." on stderr. */
void report_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warn(const char *fmt, ...) PRINTF_LIKE(1, 2);

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* A growable, NULL-terminated array of owned strings. */
typedef struct strvec {
  char **items;
  size_t len, cap;
} strvec;
void strvec_push(strvec *v, const char *s);
void strvec_push_owned(strvec *v, char *s);
void strvec_free(strvec *v);
bool strvec_contains(const strvec *v, const char *s);

/* A growable byte buffer, always NUL-terminated. */
typedef struct strbuf {
  char *data;
  size_t len, cap;
} strbuf;
void strbuf_add(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_printf(strbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_free(strbuf *b);

/* Appends the items of a comma-separated list (NULL: none), trimmed, empty
   ones dropped: the one reading of MB_OPT_LIST values. */
void split_list(const char *text, strvec *out);
/* Appends whitespace-separated words; '...' and "..." group words: the one
   reading of MB_OPT_WORDS values. */
void split_words(const char *text, strvec *out);

char *trim(char *s);
bool str_starts_with(const char *s, const char *prefix);
size_t edit_distance(const char *a, const char *b);
/* The candidate closest to `word` if it is close enough to be a typo, else
   the longest candidate `word` starts with (`golang` -> `go`), or NULL. */
const char *nearest_word(const char *word, const char *const *candidates,
                         size_t n);

char *path_join(const char *dir, const char *name);
/* An absolute, lexically clean path: `path` against `base` when relative. */
char *path_absolute(const char *base, const char *path);
char *path_dirname(const char *path);
/* The real path of an absolute `path`: symlinks resolved in the part that
   exists (its nearest existing ancestor), the rest appended as written. */
char *path_resolve(const char *path);
bool path_is_dir(const char *path);
bool path_is_inside(const char *path, const char *dir);
/* Creates `path` and its missing parents with `mode`; 0 or -1 with errno
   (ENOTDIR when something that is not a folder is in the way). */
int mkdir_tree(const char *path, mode_t mode);
/* mkdir_tree with mode 0755. */
int mkdir_parents(const char *path);
/* Removes a file or a folder tree; 0 or -1 with errno. */
int remove_tree(const char *path);
/* Copies src to dst through a temporary file and rename; 0 or -1 + errno. */
int copy_file_atomic(const char *src, const char *dst);
/* `program` as posix_spawnp finds it in the colon-separated `path_list`
   (NULL: the default path): an executable regular file, or NULL. One with
   a slash is taken as it is. Caller frees. */
char *path_search(const char *program, const char *path_list);
/* Copies what is left of `in` to `out`; 0 or -1 + errno. */
int copy_fd(int in, int out);

double now_seconds(void);
/* The wall clock in ns, as file times are kept. */
int64_t wall_clock_ns(void);

#endif
