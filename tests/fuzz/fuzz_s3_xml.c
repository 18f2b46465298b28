/* libFuzzer target: the S3 XML response reader. Whatever a server or a
   proxy sends, it stays in bounds and leaves NUL-terminated fields. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "s3_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  s3_xml_info info;
  memset(&info, 'x', sizeof info);
  s3_xml_parse((const char *)data, size, &info);
  assert(memchr(info.root, 0, sizeof info.root));
  assert(memchr(info.code, 0, sizeof info.code));
  assert(memchr(info.message, 0, sizeof info.message));
  assert(memchr(info.upload_id, 0, sizeof info.upload_id));
  assert(memchr(info.etag, 0, sizeof info.etag));
  return 0;
}
