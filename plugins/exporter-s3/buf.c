/* buf: growable byte buffer with sticky allocation failure (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool buf_reserve(buf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2) {
      b->failed = true;
      return false;
    }
    cap *= 2;
  }
  char *data = realloc(b->data, cap);
  if (!data) {
    b->failed = true;
    return false;
  }
  b->data = data;
  b->cap = cap;
  return true;
}

void buf_add(buf *b, const void *bytes, size_t n) {
  if (!buf_reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s) {
  buf_add(b, s, strlen(s));
}

void buf_putc(buf *b, char c) {
  buf_add(b, &c, 1);
}

void buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = true;
    return;
  }
  if (!buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void hex_encode(const unsigned char *bytes, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * n] = '\0';
}

void buf_hex(buf *b, const unsigned char *bytes, size_t n) {
  if (!buf_reserve(b, 2 * n)) return;
  hex_encode(bytes, n, b->data + b->len);
  b->len += 2 * n;
}

void buf_reset(buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void buf_free(buf *b) {
  free(b->data);
  *b = (buf){0};
}

bool buf_failed(const buf *b) {
  return b->failed;
}

const char *buf_str(const buf *b) {
  if (b->failed) return NULL;
  return b->data ? b->data : "";
}

char *buf_take(buf *b) {
  if (b->failed || !buf_reserve(b, 0)) {
    buf_free(b);
    return NULL;
  }
  b->data[b->len] = '\0';
  char *s = b->data;
  *b = (buf){0};
  return s;
}
