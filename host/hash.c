#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

static void to_hex(const unsigned char *digest, unsigned n, char *hex) {
  static const char digits[] = "0123456789abcdef";
  for (unsigned i = 0; i < n; i++) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 15];
  }
  hex[2 * n] = '\0';
}

int sha256_file_hex(const char *path, char hex[65], uint64_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  unsigned char buf[1 << 16];
  uint64_t total = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      EVP_MD_CTX_free(ctx);
      close(fd);
      errno = saved;
      return -1;
    }
    EVP_DigestUpdate(ctx, buf, (size_t)n);
    total += (uint64_t)n;
  }
  close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  to_hex(digest, len, hex);
  if (size) *size = total;
  return 0;
}

void sha256_hex(const void *data, size_t len, char hex[65]) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL);
  to_hex(digest, n, hex);
}
