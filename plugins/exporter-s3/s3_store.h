/*
 * s3_store: the s3 plugin's cache store ("mb.cache-store/1", [cache] remote
 * = s3): blobs at PREFIX/cas/<sha256>, action entries at PREFIX/ac/<key>
 * in the [cache.s3] bucket, through the exporter's signed client, retries,
 * deadlines and uploads. Downloads stream into the host's file, uploads
 * from it. get, put and has may run on several threads at once: each call
 * takes a client of its own from a locked pool.
 */
#ifndef S3_STORE_H
#define S3_STORE_H

#include <mbhost/cache-store.h>

/* What the store needs of the plugin: the first member of the plugin's
   instance, the `self` handed to open. */
typedef struct s3_host {
  const mb_host *host;
  const mb_options_service *options;
} s3_host;

extern const mb_cache_store s3_cache_store;

#endif
