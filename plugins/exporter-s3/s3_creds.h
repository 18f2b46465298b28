/*
 * s3_creds: AWS credentials, found the way the AWS CLI finds them (the
 * static-key subset): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN first; otherwise the profile named by AWS_PROFILE (or
 * AWS_DEFAULT_PROFILE, or "default") in the shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) and then the
 * config file (AWS_CONFIG_FILE, default ~/.aws/config, where the section is
 * [profile NAME]). Never from the INI file. Secrets are wiped on free and
 * never appear in the messages this module writes.
 */
#ifndef S3_CREDS_H
#define S3_CREDS_H

#include <stddef.h>

typedef struct s3_credentials {
  char *access_key;
  char *secret_key;
  char *session_token; /* NULL without one */
  char *source;        /* for people: "environment", "profile 'ci' (FILE)" */
} s3_credentials;

/* 0, or -1 with a message (what to set) in err. */
int s3_credentials_load(s3_credentials *out, char *err, size_t cap);

/* Where credentials would come from, without reading secrets (dry runs). */
void s3_credentials_describe(char *out, size_t cap);

void s3_credentials_free(s3_credentials *c);

#endif
