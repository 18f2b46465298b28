/* libFuzzer target: the matrix. The input is the body of a [matrix]
   section (os, arch, exclude, include lines); its first line, when it looks
   like os/arch, also narrows the matrix as --target would. */
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "matrix.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  strbuf text = {0};
  strbuf_puts(&text, "[matrix]\n");
  strbuf_add(&text, (const char *)data, size);
  config cfg = {0};
  cfg.dir = xstrdup("/base");
  if (config_load_text(&cfg, "fuzz.ini", text.data, text.len)) {
    schema_check_section(&cfg, "matrix", schema_matrix, NULL, false);
    matrix m = {0};
    if (cfg.errors.len == 0 && matrix_build(&m, &cfg)) {
      const char *nl = memchr(data, '\n', size);
      strvec only = {0};
      strvec_push_owned(
          &only, xstrndup((const char *)data,
                          nl ? (size_t)(nl - (const char *)data) : size));
      matrix_narrow(&m, &cfg, &only);
      strvec_free(&only);
    }
    matrix_free(&m);
  }
  config_free(&cfg);
  strbuf_free(&text);
  return 0;
}
