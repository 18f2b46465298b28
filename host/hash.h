/* SHA-256 with libcrypto. */
#ifndef MBHOST_HASH_H
#define MBHOST_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hashes a file into lowercase hex (65 bytes with the NUL); sets *size when
   not NULL. 0, or -1 with errno. */
int sha256_file_hex(const char *path, char hex[65], uint64_t *size);
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
