/*
 * buf: a growable, always NUL-terminated byte buffer for building requests,
 * canonical strings and XML bodies. An allocation failure is sticky: later
 * appends do nothing and buf_failed() says so, so callers check once, at
 * the end, instead of after every append.
 */
#ifndef S3_BUF_H
#define S3_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
  char *data; /* NUL-terminated once anything was added; may be NULL */
  size_t len;
  size_t cap;
  bool failed;
} buf;

void buf_add(buf *b, const void *bytes, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends `n` bytes as lowercase hex. */
void buf_hex(buf *b, const unsigned char *bytes, size_t n);
void buf_reset(buf *b);
void buf_free(buf *b);
bool buf_failed(const buf *b);
/* The contents ("" when empty); NULL only after an allocation failure. */
const char *buf_str(const buf *b);
/* Hands the contents to the caller (to free()); NULL on failure. Leaves the
   buffer empty. */
char *buf_take(buf *b);

/* Lowercase hex of `n` bytes into `out` (2n+1 bytes). */
void hex_encode(const unsigned char *bytes, size_t n, char *out);

#endif
