/* libFuzzer target: reading and validating a build.ini (config_load_text,
   the host's schema tables, [target] names, --set style overrides). Any
   input must end in errors or a valid config, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "matrix.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  config cfg = {0};
  cfg.dir = xstrdup("/base");
  config_load_text(&cfg, "fuzz.ini", (const char *)data, size);
  schema_check_section(&cfg, "project", schema_project, NULL, false);
  schema_check_section(&cfg, "matrix", schema_matrix, NULL, false);
  schema_check_section(&cfg, "export", schema_export, NULL, false);
  schema_check_section(&cfg, "cache", schema_cache, NULL, false);
  schema_check_section(&cfg, "host", schema_host, NULL, false);
  schema_check_section(&cfg, "toolchain", NULL, schema_toolchain_host, false);
  for (size_t i = 0; i < cfg.nsections; i++) {
    char *os, *arch, *problem;
    if (parse_target_name(cfg.sections[i].name, &os, &arch, &problem))
      free(os), free(arch);
    else
      free(problem);
  }
  config_set(&cfg, "project", "name", "override");
  config_free(&cfg);
  return 0;
}
