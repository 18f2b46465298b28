/* The plugin scanner. Before the host dlopens a plugin candidate, a
   short-lived child (this executable, run with the hidden subcommand
   SCANNER_COMMAND) loads it and reports whether it is usable, as GStreamer's
   plugin scanner does: a plugin that crashes, exits or hangs while loading
   is refused with the reason, and the host survives. Verdicts are cached by
   path, size and modification time in
   ${XDG_CACHE_HOME:-~/.cache}/mbhost/plugin-scan.json, so a plugin is
   scanned again only when its file (or mbhost itself) changes. */
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

/* The child's side: loads `path`, writes "ok" or "refused\tREASON" to
   standard output, and returns the exit code. */
int scanner_child_main(const char *path);

typedef struct scanner scanner;
/* Reads the verdict cache (a missing or stale cache is empty). */
scanner *scanner_open(void);
/* NULL when the candidate loaded cleanly in a child, else why it is refused
   (owned by the caller). `st` is the candidate's stat. */
char *scanner_check(scanner *s, const char *path, const struct stat *st);
/* Saves new verdicts (atomically; failures only lose the cache) and frees. */
void scanner_close(scanner *s);

#endif
