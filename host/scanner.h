/* The plugin scanner. Before the host dlopens a plugin candidate, a
   short-lived child (this executable, run with the hidden subcommand
   SCANNER_COMMAND) loads it and reports whether it is usable, as GStreamer's
   plugin scanner does: a plugin that crashes, exits or hangs while loading
   is refused with the reason, and the host survives. Verdicts are cached by
   path, size and modification time in plugin-scan.json in the cache folder,
   with the plugin's name, so a plugin is scanned again only when its file
   (or mbhost itself) changes, and a run loads only the plugins it names. */
#ifndef MBHOST_SCANNER_H
#define MBHOST_SCANNER_H

#include <stdbool.h>
#include <sys/stat.h>

#define SCANNER_COMMAND "__scan-plugin"
/* Seconds a candidate may take to load before it is refused (default 10). */
#define SCANNER_TIMEOUT_ENV "MBHOST_PLUGIN_SCAN_TIMEOUT"

/* Lets the loader scan candidates in children: called by mbhost's main, whose
   executable understands SCANNER_COMMAND. Other programs linking the host
   (unit tests) load candidates in process. */
void scanner_enable(void);
bool scanner_enabled(void);

/* The child's side: loads `path`, writes "ok\tNAME" or "refused\tREASON"
   to standard output, and returns the exit code. */
int scanner_child_main(const char *path);

typedef struct scanner scanner;
/* Reads the verdict cache, CACHE_ROOT/plugin-scan.json (a missing or stale
   cache is empty; cache_root NULL: none). New verdicts are written back by
   scanner_close only when `save`. */
scanner *scanner_open(const char *cache_root, bool save);
/* NULL when the candidate loaded cleanly in a child (*name: its plugin
   name, owned by the caller), else why it is refused (owned by the
   caller). `st` is the candidate's stat. */
char *scanner_check(scanner *s, const char *path, const struct stat *st,
                    char **name);
/* Saves new verdicts (atomically; failures only lose the cache) and frees. */
void scanner_close(scanner *s);

#endif
