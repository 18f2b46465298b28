/* s3_creds: AWS credentials from the environment or shared files (see
   s3_creds.h). The files are read with a small parser of our own because
   inih's line limit (200 bytes) would cut session tokens short. */
#include "s3_creds.h"

#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

static const char *env_nonempty(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

static const char *profile_name(void) {
  const char *p = env_nonempty("AWS_PROFILE");
  if (!p) p = env_nonempty("AWS_DEFAULT_PROFILE");
  return p ? p : "default";
}

/* $VAR, or ~/.aws/NAME. */
static char *aws_file(const char *env, const char *name) {
  const char *set = env_nonempty(env);
  buf b = {0};
  if (set) {
    buf_puts(&b, set);
  } else {
    const char *home = env_nonempty("HOME");
    if (!home) {
      struct passwd *pw = getpwuid(getuid());
      home = pw ? pw->pw_dir : "/";
    }
    buf_printf(&b, "%s/.aws/%s", home, name);
  }
  return buf_take(&b);
}

static char *strip(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && strchr(" \t\r\n", s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* The keys of one section of an AWS INI file that matter here. */
typedef struct profile_keys {
  char *access_key;
  char *secret_key;
  char *session_token;
  int section_found;
} profile_keys;

static void keep(char **slot, const char *value) {
  if (*slot) return; /* the first file (and line) read wins */
  *slot = strdup(value);
}

/* Reads `key = value` lines of section `section` of `path`. A missing file
   is not an error: it just has no profiles. */
static void read_profile(const char *path, const char *section,
                         profile_keys *keys) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  int in_section = 0;
  while (getline(&line, &cap, f) >= 0) {
    char *s = strip(line);
    if (*s == '#' || *s == ';' || *s == '\0') continue;
    if (*s == '[') {
      char *close = strchr(s, ']');
      if (close) *close = '\0';
      in_section = strcmp(strip(s + 1), section) == 0;
      keys->section_found |= in_section;
      continue;
    }
    char *eq = strchr(s, '=');
    if (!in_section || !eq || line[0] == ' ' || line[0] == '\t') continue;
    *eq = '\0';
    const char *key = strip(s), *value = strip(eq + 1);
    if (strcmp(key, "aws_access_key_id") == 0) {
      keep(&keys->access_key, value);
    } else if (strcmp(key, "aws_secret_access_key") == 0) {
      keep(&keys->secret_key, value);
    } else if (strcmp(key, "aws_session_token") == 0) {
      keep(&keys->session_token, value);
    }
  }
  if (line) OPENSSL_cleanse(line, cap);
  free(line);
  fclose(f);
}

static char *dup_or_null(const char *s) {
  return s ? strdup(s) : NULL;
}

static int load_from_environment(s3_credentials *out) {
  const char *id = env_nonempty("AWS_ACCESS_KEY_ID");
  const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
  if (!id || !secret) return 0;
  out->access_key = strdup(id);
  out->secret_key = strdup(secret);
  out->session_token = dup_or_null(env_nonempty("AWS_SESSION_TOKEN"));
  out->source = strdup("environment");
  return 1;
}

static int load_from_profile(s3_credentials *out, char *err, size_t cap) {
  const char *name = profile_name();
  char *cred_path = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  char *config_path = aws_file("AWS_CONFIG_FILE", "config");
  buf config_section = {0};
  if (strcmp(name, "default") == 0) {
    buf_puts(&config_section, "default");
  } else {
    buf_printf(&config_section, "profile %s", name);
  }
  profile_keys keys = {0};
  int rc = -1;
  if (cred_path && config_path && buf_str(&config_section)) {
    read_profile(cred_path, name, &keys);
    read_profile(config_path, buf_str(&config_section), &keys);
    if (keys.access_key && keys.secret_key) {
      buf source = {0};
      buf_printf(&source, "profile '%s' (%s)", name, cred_path);
      *out = (s3_credentials){keys.access_key, keys.secret_key,
                              keys.session_token, buf_take(&source)};
      keys = (profile_keys){0};
      rc = 0;
    } else if (keys.section_found) {
      snprintf(err, cap,
               "AWS profile '%s' has no aws_access_key_id and "
               "aws_secret_access_key (roles, SSO and credential_process "
               "are not supported)",
               name);
    } else if (env_nonempty("AWS_PROFILE")) {
      snprintf(err, cap, "AWS profile '%s' is not in %s nor in %s", name,
               cred_path, config_path);
    } else {
      snprintf(err, cap,
               "no AWS credentials: set AWS_ACCESS_KEY_ID and "
               "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in %s",
               cred_path);
    }
  } else {
    snprintf(err, cap, "out of memory");
  }
  s3_credentials leftover = {keys.access_key, keys.secret_key,
                             keys.session_token, NULL};
  s3_credentials_free(&leftover);
  buf_free(&config_section);
  free(cred_path);
  free(config_path);
  return rc;
}

int s3_credentials_load(s3_credentials *out, char *err, size_t cap) {
  *out = (s3_credentials){0};
  if (!load_from_environment(out) && load_from_profile(out, err, cap) != 0) {
    return -1;
  }
  if (!out->access_key || !out->secret_key || !out->source) {
    s3_credentials_free(out);
    snprintf(err, cap, "out of memory");
    return -1;
  }
  return 0;
}

void s3_credentials_describe(char *out, size_t cap) {
  if (env_nonempty("AWS_ACCESS_KEY_ID")) {
    snprintf(out, cap, "credentials from the environment");
  } else {
    char *path = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    snprintf(out, cap, "credentials of AWS profile '%s' (%s)", profile_name(),
             path ? path : "?");
    free(path);
  }
}

static void wipe(char **s) {
  if (*s) OPENSSL_cleanse(*s, strlen(*s));
  free(*s);
  *s = NULL;
}

void s3_credentials_free(s3_credentials *c) {
  wipe(&c->access_key);
  wipe(&c->secret_key);
  wipe(&c->session_token);
  free(c->source);
  c->source = NULL;
}
