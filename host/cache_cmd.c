#include "cache_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "progress.h"
#include "remote_cache.h"
#include "schema.h"

/* Reads the sections `cache` needs: [cache], and [project] for digest. */
static bool load_config(config *cfg, const char *path) {
  if (!config_load(cfg, path)) return config_report_errors(cfg) == 0;
  schema_check_section(cfg, "cache", schema_cache, NULL, false);
  schema_check_section(cfg, "project", schema_project, NULL, false);
  return config_report_errors(cfg) == 0;
}

static void print_usage(const char *root, const cache_usage *u, uint64_t max) {
  char *size = progress_size(u->bytes), *limit = progress_size(max);
  printf("cache folder: %s\nentries:      %llu\nsize:         %s "
         "(max_size %s)\n",
         root, (unsigned long long)u->entries, size, limit);
  free(size), free(limit);
  if (u->removed_entries) {
    char *removed = progress_size(u->removed_bytes);
    printf("removed:      %llu entries, %s\n",
           (unsigned long long)u->removed_entries, removed);
    free(removed);
  }
}

/* The digest a build of `cfg`'s project keys on (same folders left out,
   same ignore globs, same stat cache); without a config, of `dir` with
   only .git and the cache folder left out. */
static int print_digest(const char *root, const config *cfg, const char *dir) {
  char cwd[4096];
  project p = {0};
  config none = {0};
  if (cfg) {
    project_load(&p, (config *)cfg, NULL, 1);
    if (config_report_errors(cfg)) {
      project_free(&p);
      return EXIT_USAGE;
    }
  } else {
    p.source = path_absolute(getcwd(cwd, sizeof cwd) ? cwd : "/", dir);
    p.output = xstrdup(root);
  }
  char *asked =
      dir ? path_absolute(getcwd(cwd, sizeof cwd) ? cwd : "/", dir) : NULL;
  int code = EXIT_OK;
  if (asked && strcmp(asked, p.source) != 0) {
    fprintf(stderr, "mbhost: error: %s is not the project's source folder %s\n",
            asked, p.source);
    code = EXIT_USAGE;
  }
  digest_result res;
  char *problem = NULL;
  if (code == EXIT_OK &&
      cache_source_digest(&p, cfg ? cfg : &none, root, true, &res, &problem))
    printf("%s  %zu files, %zu read\n", res.hex, res.files, res.hashed);
  else if (code == EXIT_OK) {
    fprintf(stderr, "mbhost: error: %s\n", problem);
    code = EXIT_BUILD;
  }
  free(problem), free(asked);
  project_free(&p);
  return code;
}

int cache_command(const cli *c) {
  config cfg = {0};
  if (c->run.config_path && !load_config(&cfg, c->run.config_path)) {
    config_free(&cfg);
    return EXIT_USAGE;
  }
  char *problem = NULL;
  char *root =
      cache_open_root(c->run.config_path ? &cfg : NULL, false, &problem);
  if (!root) {
    const config_value *dir =
        c->run.config_path ? config_find(&cfg, "cache", "dir") : NULL;
    if (dir)
      fprintf(stderr, "mbhost: error: %s:%d: dir: %s\n", cfg.path, dir->line,
              problem);
    else
      fprintf(stderr, "mbhost: error: %s\n", problem);
    free(problem);
    config_free(&cfg);
    return EXIT_USAGE;
  }
  uint64_t max = cache_max_size(c->run.config_path ? &cfg : NULL);
  int code = EXIT_OK;
  cache_usage u;
  if (strcmp(c->cache_action, "digest") == 0)
    code = print_digest(root, c->run.config_path ? &cfg : NULL, c->cache_path);
  else {
    /* stats never removes anything: prune to "no limit". */
    bool prune = strcmp(c->cache_action, "prune") == 0;
    cache_prune(root, prune ? max : UINT64_MAX, &u);
    print_usage(root, &u, max);
    remote_cache_stats_print(root, stdout);
  }
  free(root);
  config_free(&cfg);
  return code;
}
