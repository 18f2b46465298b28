/*
 * s3_config: the settings the exporter ([export.s3]) and the cache store
 * ([cache.s3]) share: the option entries both tables hold (one definition
 * each, so a default or a range cannot drift apart), and the one reader
 * and checker of a section into s3_settings. A key a table lacks reads as
 * unset, so the store's smaller table gets no ACL, storage class or content
 * type.
 */
#ifndef S3_CONFIG_H
#define S3_CONFIG_H

#include <mbhost/options.h>

#include "s3_client.h"
#include "s3_upload.h"

/* The option entries of both tables. The bounds are S3's (a part is 5MiB to
   5GiB, and so is a single PutObject at most) or keep a mistyped value from
   hanging or flooding a run; the host enforces them with file:line errors. */
#define S3_OPTION_BUCKET(what)                                                 \
  {                                                                            \
    .key = "bucket", .type = MB_OPT_STRING, .help = what,                      \
    .flags = MB_OPT_REQUIRED                                                   \
  }
#define S3_OPTION_PREFIX(example)                                              \
  {                                                                            \
    .key = "prefix", .type = MB_OPT_STRING,                                    \
    .help = "key prefix, e.g. " example                                        \
  }
#define S3_OPTION_REGION                                                       \
  {                                                                            \
    .key = "region", .type = MB_OPT_STRING, .default_value = "us-east-1",      \
    .help = "region requests are signed for"                                   \
  }
#define S3_OPTION_ENDPOINT                                                     \
  {                                                                            \
    .key = "endpoint", .type = MB_OPT_STRING,                                  \
    .help = "S3-compatible server URL, e.g. http://127.0.0.1:9000 (default: "  \
            "AWS)"                                                             \
  }
#define S3_OPTION_PATH_STYLE                                                   \
  {                                                                            \
    .key = "path_style", .type = MB_OPT_BOOL,                                  \
    .help = "ENDPOINT/BUCKET/KEY URLs (default: true when endpoint is set)"    \
  }
#define S3_OPTION_MULTIPART_THRESHOLD                                          \
  {                                                                            \
    .key = "multipart_threshold", .type = MB_OPT_SIZE,                         \
    .default_value = "64MiB",                                                  \
    .help = "files larger than this upload in parts", .max = "5GiB"            \
  }
#define S3_OPTION_PART_SIZE                                                    \
  {                                                                            \
    .key = "part_size", .type = MB_OPT_SIZE, .default_value = "16MiB",         \
    .help = "multipart part size (raised to stay within 10,000 parts)",        \
    .min = "5MiB", .max = "5GiB"                                               \
  }
#define S3_OPTION_CONCURRENCY                                                  \
  {                                                                            \
    .key = "concurrency", .type = MB_OPT_INT, .default_value = "4",            \
    .help = "requests in flight at once", .min = "1", .max = "64"              \
  }
#define S3_OPTION_RETRIES                                                      \
  {                                                                            \
    .key = "retries", .type = MB_OPT_INT, .default_value = "5",                \
    .help = "attempts per request, the first included, on transient errors",   \
    .min = "1", .max = "100"                                                   \
  }
#define S3_OPTION_CA_BUNDLE                                                    \
  {                                                                            \
    .key = "ca_bundle", .type = MB_OPT_PATH,                                   \
    .help = "CA certificates for https endpoints (default: the system's)",     \
    .flags = MB_OPT_MUST_EXIST                                                 \
  }
#define S3_OPTION_TIMEOUT                                                      \
  {                                                                            \
    .key = "timeout", .type = MB_OPT_DURATION, .default_value = "60s",         \
    .help = "connect timeout, longest stall, and longest wait for a "          \
            "request's answer",                                                \
    .min = "1s", .max = "1h"                                                   \
  }

/* One section's settings, read and checked. */
typedef struct s3_config {
  /* Owned copies of the text options (settings point into them). */
  char *bucket, *region, *endpoint, *acl, *cache_control, *storage_class,
      *ca_bundle, *content_type, *prefix_text;
  const char *prefix; /* prefix_text without leading/trailing '/'; "" */
  s3_settings settings;
  s3_upload_options upload;
} s3_config;

/* Reads the call's section into *cfg and checks what the options table
   cannot say (bucket name, prefix segments, control characters, the
   endpoint URL), then warns about plain http to another machine. MB_OK, or
   MB_ERROR after o->error (a file:line configuration error); free *cfg
   either way. */
int s3_config_read(s3_config *cfg, const mb_host *host,
                   const mb_options_service *o, mb_call *call);
void s3_config_free(s3_config *cfg);

#endif
