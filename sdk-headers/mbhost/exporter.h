/*
 * mbhost exporter interface "mb.exporter/1" (frozen once released).
 *
 * Exporters form a chain ([export] use = tarball, s3): each receives the
 * artifacts the previous one emitted (the build outputs for the first) and
 * emits what it made or published. Every file an exporter writes goes
 * through the export services (copy_file_atomic, or temp_file_for and
 * commit_file), which record it in the host's export journal first: a
 * failed, interrupted or killed export is rolled back to the folder as it
 * was. See mbhost/plugin.h for the tags and compatibility rules.
 */
#ifndef MBHOST_EXPORTER_H
#define MBHOST_EXPORTER_H

#include "options.h"
#include "process.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_EXPORTER_INTERFACE "mb.exporter/1"

/* Services of describe and export calls. */
typedef struct mb_export_services {
  /* Number of artifacts this exporter receives. [any-thread] */
  size_t (*artifact_count)(mb_call *call);

  /* Fills *out (whose struct_size the plugin set) with artifact `index`.
     MB_ERROR when out of range. [any-thread] strings [borrowed] */
  int (*artifact_get)(mb_call *call, size_t index, mb_artifact *out);

  /* Emits an artifact for the next exporter and for artifacts.json. The host
     checks its name (relative, no "..", no NUL), and computes size (and
     sha256 when NULL) from `path`. MB_ERROR when refused (set_error says
     why). Not available in describe. [any-thread] [copied] */
  int (*emit_artifact)(mb_call *call, const mb_artifact *artifact);

  /* Copies `src` to the absolute path `dst`, creating parent folders:
     written beside `dst`, then renamed over it, so a reader sees the old
     file or the new one, never a partial one. The mode of `src` is kept.
     `dst` must be inside the output folder. Not in describe. [any-thread] */
  int (*copy_file_atomic)(mb_call *call, const char *src, const char *dst);

  /* Creates (exclusively) a temporary file beside `dst` and writes its
     path into buf, for a plugin that produces a file itself; finish with
     commit_file. `dst` must be inside the output folder. Not in describe.
     [any-thread] */
  int (*temp_file_for)(mb_call *call, const char *dst, char *buf, size_t cap);

  /* Renames a temporary file from temp_file_for over `dst` (after fsync),
     or removes it when `keep` is 0. [any-thread] */
  int (*commit_file)(mb_call *call, const char *temp, const char *dst,
                     int keep);

  /* The SHA-256 of a file, lowercase hex, into hex[65]. [any-thread] */
  int (*sha256_file)(mb_call *call, const char *path, char hex[65]);
} mb_export_services;

typedef struct mb_exporter {
  /* The keys accepted in [export.NAME]; ends with a NULL key.
     [plugin-owned] */
  const mb_option *options;

  /* Describes, without doing anything, where the artifacts would go: one
     host->log(call, MB_LOG_INFO, ...) line per destination. Used by
     --dry-run; the writing services fail here. May be NULL. [main-thread] */
  int (*describe)(void *self, mb_call *call, const mb_export_services *svc);

  /* Exports the received artifacts and emits what it made or published. An
     exporter that only publishes emits each received artifact again with
     `url` set, so the next exporter and artifacts.json see it. The plugin
     may use threads inside the call. MB_OK, MB_ERROR with set_error, or
     MB_CANCELLED after host->cancelled() became true. On failure the host
     puts back every file written through the services; remote objects are
     the exporter's to remove. [main-thread] */
  int (*export_artifacts)(void *self, mb_call *call,
                          const mb_export_services *svc);
} mb_exporter;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_EXPORTER_H */
