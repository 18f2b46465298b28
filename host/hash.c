/* SHA-256 with libcrypto's direct SHA256_* functions rather than EVP: the
   first EVP digest loads the OpenSSL configuration and activates a
   provider, 5.5 M instructions, more than a quarter of a no-op run
   (bench/README.md). The direct functions are deprecated in OpenSSL 3 but
   kept, and the same code underneath. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
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
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  unsigned char buf[1 << 16];
  uint64_t total = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
    SHA256_Update(&ctx, buf, (size_t)n);
    total += (uint64_t)n;
  }
  close(fd);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &ctx);
  to_hex(digest, sizeof digest, hex);
  if (size) *size = total;
  return 0;
}

void sha256_hex(const void *data, size_t len, char hex[65]) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data, len);
  SHA256_Final(digest, &ctx);
  to_hex(digest, sizeof digest, hex);
}
