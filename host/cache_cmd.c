#include "cache_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "schema.h"

static bool load_cache_section(config *cfg, const char *path) {
  if (!config_load(cfg, path)) return false;
  schema_check_section(cfg, "cache", schema_cache, NULL, false);
  return config_report_errors(cfg) == 0;
}

static void print_usage(const char *root, const cache_usage *u, uint64_t max) {
  printf("cache folder: %s\nentries:      %llu\nsize:         %llu bytes "
         "(max_size %llu)\n",
         root, (unsigned long long)u->entries, (unsigned long long)u->bytes,
         (unsigned long long)max);
  if (u->removed_entries)
    printf("removed:      %llu entries, %llu bytes\n",
           (unsigned long long)u->removed_entries,
           (unsigned long long)u->removed_bytes);
}

/* The digest a build would key on, with the same stat cache. */
static int print_digest(const char *root, const char *dir) {
  char cwd[4096];
  char *abs = path_absolute(getcwd(cwd, sizeof cwd) ? cwd : "/", dir);
  char id[65];
  sha256_hex(abs, strlen(abs), id);
  char *stat_cache = xasprintf("%s/sources/%.32s", root, id);
  digest_request req = {.root = abs, .stat_cache = stat_cache};
  digest_result res;
  char *problem = NULL;
  bool ok = source_digest(&req, &res, &problem);
  if (ok)
    printf("%s  %zu files, %zu read\n", res.hex, res.files, res.hashed);
  else
    fprintf(stderr, "mbhost: error: %s\n", problem);
  free(problem), free(stat_cache), free(abs);
  return ok ? EXIT_OK : EXIT_BUILD;
}

int cache_command(const cli *c) {
  config cfg = {0};
  if (c->run.config_path && !load_cache_section(&cfg, c->run.config_path)) {
    config_free(&cfg);
    return EXIT_USAGE;
  }
  char *root = cache_dir(c->run.config_path ? &cfg : NULL);
  uint64_t max = c->run.config_path ? cache_max_size(&cfg) : (uint64_t)2 << 30;
  int code = EXIT_OK;
  cache_usage u;
  if (strcmp(c->cache_action, "digest") == 0)
    code = print_digest(root, c->cache_path);
  else {
    /* stats never removes anything: prune to "no limit". */
    bool prune = strcmp(c->cache_action, "prune") == 0;
    cache_prune(root, prune ? max : UINT64_MAX, &u);
    print_usage(root, &u, max);
  }
  free(root);
  config_free(&cfg);
  return code;
}
