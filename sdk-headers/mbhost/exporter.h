/*
 * mbhost exporter interface "mb.exporter/1" (frozen once released).
 *
 * Exporters form a chain ([export] use = tarball, s3): each receives the
 * artifacts the previous one emitted (the build outputs for the first) and
 * emits what it made or published. See mbhost/plugin.h for ownership,
 * threading and compatibility rules.
 */
#ifndef MBHOST_EXPORTER_H
#define MBHOST_EXPORTER_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_EXPORTER_INTERFACE "mb.exporter/1"

typedef struct mb_exporter {
  /* The keys accepted in [export.NAME]; ends with a NULL key. Static. */
  const mb_option *options;

  /* Describes, without doing anything, where the artifacts would go: one
     host->log(call, MB_LOG_INFO, ...) line per destination. Used by
     --dry-run. May be NULL. Main thread. */
  int (*describe)(void *self, mb_call *call);

  /* Exports the received artifacts (artifact_count/artifact_get) and emits
     what it made or published (emit_artifact). An exporter that only
     publishes emits each received artifact again with `url` set, so the
     next exporter and artifacts.json see it. Main thread; the plugin may
     use threads inside the call. MB_OK, MB_ERROR with set_error, or
     MB_CANCELLED after host->cancelled() became true. On failure the
     exporter removes what it wrote in this call. */
  int (*export_artifacts)(void *self, mb_call *call);
} mb_exporter;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_EXPORTER_H */
