/*
 * mbhost cache-store interface "mb.cache-store/1" (ABI 1.2; frozen once
 * released).
 *
 * A cache store keeps build results where other machines find them: an S3
 * bucket, a Bazel remote cache server. The local cache folder stays the
 * first level: the host asks the store only after a local miss, and hands
 * it what it built. [cache] remote = NAME selects a plugin that hands out
 * this interface (a plugin of kind MB_KIND_CACHE_STORE, or one of another
 * kind that implements it too, as the s3 exporter does); its keys are read
 * from [cache.NAME].
 *
 * THE HOST OWNS THE FORMATS
 *   A store moves opaque bytes under two namespaces, those of the Bazel
 *   HTTP cache protocol:
 *   MB_STORE_CAS  blobs named by the SHA-256 (lowercase hex) of their bytes:
 *                 the outputs;
 *   MB_STORE_AC   action entries named by the mbhost action key (64 hex
 *                 digits): a JSON ActionResult the host writes and reads
 *                 ({"outputFiles": [{"path", "digest": {"hash",
 *                 "sizeBytes"}, "isExecutable"}]}), sent as
 *                 application/json where the protocol has content types.
 *   The host uploads every blob of an action before its action entry, and
 *   verifies every blob it downloads against its name.
 *
 * FAILURE IS A MISS
 *   The host treats MB_NOT_FOUND, MB_ERROR and a digest mismatch as a miss:
 *   the target builds locally, one warning is printed, and the run never
 *   fails because of the store. After the first MB_ERROR the host stops
 *   asking the store for the rest of the run, so a server that is down
 *   costs one connect timeout, not one per target: return MB_ERROR for what
 *   makes the store unusable (cannot connect, authentication refused, a
 *   server error), MB_NOT_FOUND for an object that is not there.
 *
 * SECRETS
 *   Credentials come from the environment or files the plugin documents,
 *   never from the INI, and never reach a log, set_error, describe or an
 *   object name.
 *
 * THREADS
 *   open, describe and close run on the main thread. get, put and has may be
 *   called from any thread and concurrently (the host downloads on the main
 *   thread and uploads from a background thread while it exports); each
 *   call has its own mb_call. See mbhost/plugin.h for the tags and
 *   compatibility rules.
 */
#ifndef MBHOST_CACHE_STORE_H
#define MBHOST_CACHE_STORE_H

#include "options.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_CACHE_STORE_INTERFACE "mb.cache-store/1"

/* Namespaces of a store. */
enum { MB_STORE_CAS = 0, MB_STORE_AC = 1 };

typedef struct mb_cache_store {
  /* The keys accepted in [cache.NAME]; ends with a NULL key. The host reads
     and checks them (file:line errors) as for any options table, and
     mb.options/1 reads them through the calls below. [plugin-owned] */
  const mb_option *options;

  /* Opens the store for this run: reads [cache.NAME] and the credentials,
     and makes *store, handed to every later call. No network traffic is
     needed here (a store that is down is found by the first get). MB_OK,
     or MB_ERROR with set_error: the host warns and runs without the store.
     [main-thread] */
  int (*open)(void *self, mb_call *call, void **store);

  /* Writes one line per fact a user would want to see in --dry-run and -v
     ("s3://bucket/prefix", "http://host:8080/"), through host->log at
     MB_LOG_INFO, without credentials. May be NULL. [main-thread] */
  void (*describe)(void *store, mb_call *call);

  /* Downloads object `name` of namespace `ns` into the file `path`, which
     the host created empty (mode 0600) in its cache folder: the plugin
     opens it for writing, truncating. MB_OK; MB_NOT_FOUND when the store
     has no such object; MB_ERROR (set_error) when the store could not
     answer. The host removes the file after anything but MB_OK.
     [any-thread] name, path [borrowed] */
  int (*get)(void *store, mb_call *call, int ns, const char *name,
             const char *path);

  /* Uploads the file `path` (`size` bytes) as object `name` of namespace
     `ns`, whole: a reader sees the old object, the new one or none, never
     part of one. Replacing an object with the same name is fine. MB_OK, or
     MB_ERROR with set_error. [any-thread] name, path [borrowed] */
  int (*put)(void *store, mb_call *call, int ns, const char *name,
             const char *path, uint64_t size);

  /* Whether object `name` of `ns` exists: MB_OK, MB_NOT_FOUND or MB_ERROR.
     Lets the host skip uploading a blob the store has. May be NULL (the
     host then uploads every blob). [any-thread] name [borrowed] */
  int (*has)(void *store, mb_call *call, int ns, const char *name);

  /* Ends the run's use of the store; no call on it follows. May be NULL.
     [main-thread] */
  void (*close)(void *store);
} mb_cache_store;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_CACHE_STORE_H */
