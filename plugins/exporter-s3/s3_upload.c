/* s3_upload: PutObject and streamed multipart uploads (see s3_upload.h). */
#include "s3_upload.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HASH_CHUNK (1u << 20)

/* --- hashing ------------------------------------------------------------ */

/* SHA-256 (hex, for signing) and MD5 (raw, for ETags) of a file range, read
   in chunks, also fed to `whole` (the whole file's MD5) when not NULL. 0, or
   -1 when the file cannot be read in full. */
static int hash_range(int fd, uint64_t offset, uint64_t length,
                      char sha256_hex[65], unsigned char md5[16],
                      EVP_MD_CTX *whole) {
  unsigned char *chunk = malloc(HASH_CHUNK);
  EVP_MD_CTX *sha = EVP_MD_CTX_new(), *mdc = EVP_MD_CTX_new();
  int rc = -1;
  if (chunk && sha && mdc && EVP_DigestInit_ex(sha, EVP_sha256(), NULL) &&
      EVP_DigestInit_ex(mdc, EVP_md5(), NULL)) {
    uint64_t done = 0;
    while (done < length) {
      size_t want =
          length - done < HASH_CHUNK ? (size_t)(length - done) : HASH_CHUNK;
      ssize_t n = pread(fd, chunk, want, (off_t)(offset + done));
      if (n <= 0) break;
      EVP_DigestUpdate(sha, chunk, (size_t)n);
      EVP_DigestUpdate(mdc, chunk, (size_t)n);
      if (whole) EVP_DigestUpdate(whole, chunk, (size_t)n);
      done += (uint64_t)n;
    }
    unsigned char digest[32];
    if (done == length && EVP_DigestFinal_ex(sha, digest, NULL) &&
        EVP_DigestFinal_ex(mdc, md5, NULL)) {
      hex_encode(digest, 32, sha256_hex);
      rc = 0;
    }
  }
  EVP_MD_CTX_free(sha);
  EVP_MD_CTX_free(mdc);
  free(chunk);
  return rc;
}

/* Copies an ETag without its quotes. */
static void strip_quotes(const char *etag, char *out, size_t cap) {
  size_t n = strlen(etag);
  if (n >= 2 && etag[0] == '"' && etag[n - 1] == '"') {
    etag++;
    n -= 2;
  }
  if (n >= cap) n = cap - 1;
  memcpy(out, etag, n);
  out[n] = '\0';
}

/* Compares the server's ETag with the one expected (or, when not NULL, the
   alternative); 0 when it matches. */
static int check_etag(const s3_settings *s, const char *key, const char *op,
                      const char *got, const char *want,
                      const char *alternative, char *err, size_t cap) {
  char bare[128];
  strip_quotes(got, bare, sizeof bare);
  if (strcasecmp(bare, want) == 0) return 0;
  if (alternative && strcasecmp(bare, alternative) == 0) return 0;
  char where[1200];
  s3_object_url(s, key, where, sizeof where);
  snprintf(err, cap,
           "%s %s: the server's ETag \"%s\" does not match the MD5 of the "
           "local data (%s): the upload was corrupted (or the bucket's "
           "encryption, such as SSE-KMS, makes ETags that are not MD5s)",
           op, where, bare, want);
  return -1;
}

static int open_object(s3_object *o, char *err, size_t cap) {
  o->fd = open(o->path, O_RDONLY | O_CLOEXEC);
  if (o->fd < 0) snprintf(err, cap, "cannot open %s: %m", o->path);
  return o->fd < 0 ? -1 : 0;
}

static void close_object(s3_object *o) {
  if (o->fd >= 0) close(o->fd);
  o->fd = -1;
}

/* --- single PutObjects -------------------------------------------------- */

typedef struct put_jobs {
  s3_client *c;
  const s3_settings *settings;
  s3_object *objects;
  size_t count;
  size_t next;
  uint64_t threshold;
} put_jobs;

static int next_put(void *ctx, s3_request *req, char *err, size_t cap) {
  put_jobs *j = ctx;
  while (j->next < j->count && j->objects[j->next].size > j->threshold) {
    j->next++;
  }
  if (j->next == j->count) return 0;
  size_t i = j->next++;
  s3_object *o = &j->objects[i];
  char sha256[65];
  unsigned char md5[16];
  if (open_object(o, err, cap) != 0) return -1;
  if (hash_range(o->fd, 0, o->size, sha256, md5, NULL) != 0) {
    snprintf(err, cap, "cannot read %s (did it change during the upload?)",
             o->path);
    return -1;
  }
  hex_encode(md5, 16, o->md5);
  if (s3_request_set(req, "PutObject", "PUT", o->key, NULL, NULL, NULL, NULL) !=
      0) {
    snprintf(err, cap, "out of memory");
    return -1;
  }
  req->object_headers = 1;
  req->content_type = o->content_type;
  req->tag = (int)i;
  s3_request_body_file(req, o->fd, 0, o->size, sha256);
  return 1;
}

static int finished_put(void *ctx, s3_request *req, char *err, size_t cap) {
  put_jobs *j = ctx;
  s3_object *o = &j->objects[req->tag];
  close_object(o);
  o->uploaded = 1; /* even when its ETag is wrong: then the caller deletes it */
  if (check_etag(j->settings, o->key, req->op, req->etag, o->md5, NULL, err,
                 cap) != 0) {
    return -1;
  }
  char where[1200];
  s3_object_url(j->settings, o->key, where, sizeof where);
  s3_client_log(j->c, S3_LOG_INFO, "uploaded %s (%llu bytes)", where,
                (unsigned long long)o->size);
  return 0;
}

static int put_small_objects(s3_client *c, const s3_settings *settings,
                             s3_object *objects, size_t count,
                             const s3_upload_options *opts, char *err,
                             size_t cap) {
  put_jobs j = {c, settings, objects, count, 0, opts->multipart_threshold};
  const s3_jobs jobs = {&j, next_put, finished_put};
  int rc = s3_run(c, &jobs, opts->concurrency, 0, err, cap);
  for (size_t i = 0; i < count; i++)
    close_object(&objects[i]);
  return rc;
}

/* --- multipart uploads -------------------------------------------------- */

uint64_t s3_part_size_for(uint64_t file_size, uint64_t configured) {
  uint64_t part = configured;
  uint64_t needed = (file_size + S3_MAX_PARTS - 1) / S3_MAX_PARTS;
  if (part < needed) {
    const uint64_t mib = 1ull << 20;
    part = (needed + mib - 1) / mib * mib;
  }
  return part;
}

/* One multipart upload. Parts are hashed (SHA-256 to sign them, MD5 for
   their ETags and the whole file's MD5) by a thread that runs at most
   `ahead` parts in front of the uploads, so hashing overlaps the network. */
typedef struct multipart {
  s3_client *c;
  const s3_settings *settings;
  s3_object *object;
  int fd;
  char upload_id[1024];
  uint64_t part_size;
  unsigned count;           /* parts in all */
  unsigned char (*md5)[16]; /* per part */
  char (*sha256)[65];       /* per part */
  EVP_MD_CTX *whole;        /* the file's MD5, fed part after part */

  pthread_mutex_t lock; /* guards the fields below */
  pthread_cond_t changed;
  unsigned next;   /* next part to upload, from 0 */
  unsigned hashed; /* parts hashed so far, in order */
  unsigned ahead;
  int hash_failed;
  int stop;
  pthread_t hasher;
  int hasher_running;
} multipart;

static void part_range(const multipart *m, unsigned i, uint64_t *offset,
                       uint64_t *length) {
  *offset = (uint64_t)i * m->part_size;
  *length = m->object->size - *offset;
  if (*length > m->part_size) *length = m->part_size;
}

static void *hash_parts(void *arg) {
  multipart *m = arg;
  for (unsigned i = 0; i < m->count; i++) {
    pthread_mutex_lock(&m->lock);
    while (!m->stop && i >= m->next + m->ahead) {
      pthread_cond_wait(&m->changed, &m->lock);
    }
    int stop = m->stop;
    pthread_mutex_unlock(&m->lock);
    if (stop) break;
    uint64_t offset, length;
    part_range(m, i, &offset, &length);
    int rc =
        hash_range(m->fd, offset, length, m->sha256[i], m->md5[i], m->whole);
    pthread_mutex_lock(&m->lock);
    if (rc == 0) m->hashed = i + 1;
    m->hash_failed = rc != 0;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    if (rc != 0) break;
  }
  return NULL;
}

static int start_hasher(multipart *m) {
  m->hasher_running = pthread_create(&m->hasher, NULL, hash_parts, m) == 0;
  return m->hasher_running ? 0 : -1;
}

static void stop_hasher(multipart *m) {
  if (!m->hasher_running) return;
  pthread_mutex_lock(&m->lock);
  m->stop = 1;
  pthread_cond_broadcast(&m->changed);
  pthread_mutex_unlock(&m->lock);
  pthread_join(m->hasher, NULL);
  m->hasher_running = 0;
}

static int next_part(void *ctx, s3_request *req, char *err, size_t cap) {
  multipart *m = ctx;
  pthread_mutex_lock(&m->lock);
  unsigned i = m->next;
  while (i < m->count && m->hashed <= i && !m->hash_failed) {
    pthread_cond_wait(&m->changed, &m->lock);
  }
  int ready = i < m->count && m->hashed > i;
  if (ready) m->next++;
  pthread_cond_broadcast(&m->changed);
  pthread_mutex_unlock(&m->lock);
  if (i == m->count) return 0;
  if (!ready) {
    snprintf(err, cap, "cannot read %s (did it change during the upload?)",
             m->object->path);
    return -1;
  }
  uint64_t offset, length;
  part_range(m, i, &offset, &length);
  char number[16];
  snprintf(number, sizeof number, "%u", i + 1);
  if (s3_request_set(req, "UploadPart", "PUT", m->object->key, "partNumber",
                     number, "uploadId", m->upload_id) != 0) {
    snprintf(err, cap, "out of memory");
    return -1;
  }
  req->tag = (int)i;
  s3_request_body_file(req, m->fd, offset, length, m->sha256[i]);
  return 1;
}

static int finished_part(void *ctx, s3_request *req, char *err, size_t cap) {
  multipart *m = ctx;
  char want[33];
  hex_encode(m->md5[req->tag], 16, want);
  s3_client_log(m->c, S3_LOG_DEBUG, "part %d/%u of %s uploaded", req->tag + 1,
                m->count, m->object->key);
  return check_etag(m->settings, m->object->key, "UploadPart", req->etag, want,
                    NULL, err, cap);
}

static int create_upload(multipart *m, char *err, size_t cap) {
  s3_request req = {.fd = -1};
  int rc = S3_RUN_FAILED;
  if (s3_request_set(&req, "CreateMultipartUpload", "POST", m->object->key,
                     "uploads", NULL, NULL, NULL) != 0) {
    snprintf(err, cap, "out of memory");
  } else {
    req.object_headers = 1;
    req.content_type = m->object->content_type;
    rc = s3_perform(m->c, &req, 0, err, cap);
    if (rc == S3_RUN_OK && !req.xml.upload_id[0]) {
      snprintf(err, cap,
               "CreateMultipartUpload s3://%s/%s: no UploadId in "
               "the answer",
               m->settings->bucket, m->object->key);
      rc = S3_RUN_FAILED;
    }
    if (rc == S3_RUN_OK) {
      snprintf(m->upload_id, sizeof m->upload_id, "%s", req.xml.upload_id);
    }
  }
  s3_request_clear(&req);
  return rc;
}

/* The CompleteMultipartUpload body: every part, in order, with its ETag. */
static char *complete_body(const multipart *m) {
  buf b = {0};
  buf_puts(&b, "<CompleteMultipartUpload>");
  for (unsigned i = 0; i < m->count; i++) {
    buf_printf(&b, "<Part><PartNumber>%u</PartNumber><ETag>\"", i + 1);
    buf_hex(&b, m->md5[i], 16);
    buf_puts(&b, "\"</ETag></Part>");
  }
  buf_puts(&b, "</CompleteMultipartUpload>");
  return buf_take(&b);
}

/* The ETags a completed upload may have: S3's "md5(md5(part 1) ...
   md5(part N))-N", or (some S3-compatible servers, s3rver) the MD5 of the
   whole object: either proves the server has what was read. */
static void multipart_etags(multipart *m, char s3_form[64], char whole[33]) {
  unsigned char digest[16];
  EVP_Digest(m->md5, (size_t)m->count * 16, digest, NULL, EVP_md5(), NULL);
  char hex[33];
  hex_encode(digest, 16, hex);
  snprintf(s3_form, 64, "%s-%u", hex, m->count);
  EVP_DigestFinal_ex(m->whole, digest, NULL);
  hex_encode(digest, 16, whole);
}

/* A retried Complete whose first try went through is answered
   NoSuchUpload: the object then exists, with the expected ETag. */
static int completed_already(multipart *m, const char *want,
                             const char *whole) {
  s3_request head = {.fd = -1};
  char err[1024];
  int done = s3_request_set(&head, "HeadObject", "HEAD", m->object->key, NULL,
                            NULL, NULL, NULL) == 0 &&
             s3_perform(m->c, &head, 0, err, sizeof err) == S3_RUN_OK &&
             check_etag(m->settings, m->object->key, "HeadObject", head.etag,
                        want, whole, err, sizeof err) == 0;
  s3_request_clear(&head);
  return done;
}

static int complete_upload(multipart *m, char *err, size_t cap) {
  char *body = complete_body(m);
  if (!body) {
    snprintf(err, cap, "out of memory");
    return S3_RUN_FAILED;
  }
  char want[64], whole[33];
  multipart_etags(m, want, whole);
  s3_request req = {.fd = -1};
  int rc = S3_RUN_FAILED;
  if (s3_request_set(&req, "CompleteMultipartUpload", "POST", m->object->key,
                     "uploadId", m->upload_id, NULL, NULL) != 0) {
    snprintf(err, cap, "out of memory");
  } else {
    s3_request_body_mem(&req, body, strlen(body));
    rc = s3_perform(m->c, &req, 0, err, cap);
    if (rc == S3_RUN_OK) {
      m->object->uploaded = 1;
      if (check_etag(m->settings, m->object->key, req.op, req.xml.etag, want,
                     whole, err, cap) != 0) {
        rc = S3_RUN_FAILED;
      }
    } else if (rc == S3_RUN_FAILED && req.attempt > 1 &&
               strcmp(req.xml.code, "NoSuchUpload") == 0 &&
               completed_already(m, want, whole)) {
      m->object->uploaded = 1;
      rc = S3_RUN_OK;
    }
  }
  s3_request_clear(&req);
  free(body);
  return rc;
}

static void abort_upload(multipart *m) {
  s3_request req = {.fd = -1};
  char err[1400] = "out of memory", where[1200];
  s3_object_url(m->settings, m->object->key, where, sizeof where);
  if (s3_request_set(&req, "AbortMultipartUpload", "DELETE", m->object->key,
                     "uploadId", m->upload_id, NULL, NULL) == 0 &&
      s3_perform(m->c, &req, S3_RUN_IGNORE_CANCEL, err, sizeof err) ==
          S3_RUN_OK) {
    s3_client_log(m->c, S3_LOG_INFO, "aborted the multipart upload of %s",
                  where);
  } else {
    s3_client_log(m->c, S3_LOG_ERROR,
                  "could not abort the multipart upload of %s (upload id %s): "
                  "%s; its parts stay in the bucket until a lifecycle rule "
                  "or `aws s3api abort-multipart-upload` removes them",
                  where, m->upload_id, err);
  }
  s3_request_clear(&req);
}

static int put_large_object(s3_client *c, const s3_settings *settings,
                            s3_object *o, const s3_upload_options *opts,
                            char *err, size_t cap) {
  multipart m = {.c = c, .settings = settings, .object = o, .fd = -1};
  m.part_size = s3_part_size_for(o->size, opts->part_size);
  m.count = (unsigned)((o->size + m.part_size - 1) / m.part_size);
  m.ahead = (unsigned)opts->concurrency;
  m.md5 = calloc(m.count, sizeof *m.md5);
  m.sha256 = calloc(m.count, sizeof *m.sha256);
  m.whole = EVP_MD_CTX_new();
  pthread_mutex_init(&m.lock, NULL);
  pthread_cond_init(&m.changed, NULL);
  int rc = S3_RUN_FAILED;
  if (!m.md5 || !m.sha256 || !m.whole ||
      !EVP_DigestInit_ex(m.whole, EVP_md5(), NULL)) {
    snprintf(err, cap, "out of memory");
  } else if ((m.fd = open(o->path, O_RDONLY | O_CLOEXEC)) < 0) {
    snprintf(err, cap, "cannot open %s: %m", o->path);
  } else {
    rc = create_upload(&m, err, cap);
  }
  if (rc == S3_RUN_OK && start_hasher(&m) != 0) {
    snprintf(err, cap, "cannot start a thread");
    rc = S3_RUN_FAILED;
    abort_upload(&m);
  } else if (rc == S3_RUN_OK) {
    const s3_jobs parts = {&m, next_part, finished_part};
    rc = s3_run(c, &parts, opts->concurrency, 0, err, cap);
    stop_hasher(&m); /* done with every part, or failed */
    if (rc == S3_RUN_OK) rc = complete_upload(&m, err, cap);
    if (rc != S3_RUN_OK && !o->uploaded) abort_upload(&m);
  }
  if (rc == S3_RUN_OK) {
    char where[1200];
    s3_object_url(settings, o->key, where, sizeof where);
    s3_client_log(c, S3_LOG_INFO, "uploaded %s (%llu bytes, %u parts of %llu)",
                  where, (unsigned long long)o->size, m.count,
                  (unsigned long long)m.part_size);
  }
  if (m.fd >= 0) close(m.fd);
  pthread_cond_destroy(&m.changed);
  pthread_mutex_destroy(&m.lock);
  free(m.md5);
  free(m.sha256);
  EVP_MD_CTX_free(m.whole);
  return rc;
}

/* --- all together ------------------------------------------------------- */

int s3_upload_objects(s3_client *c, s3_object *objects, size_t count,
                      const s3_upload_options *opts, char *err, size_t cap) {
  const s3_settings *settings = s3_client_settings(c);
  for (size_t i = 0; i < count; i++)
    objects[i].fd = -1;
  int rc = put_small_objects(c, settings, objects, count, opts, err, cap);
  for (size_t i = 0; i < count && rc == S3_RUN_OK; i++) {
    if (objects[i].size > opts->multipart_threshold) {
      rc = put_large_object(c, settings, &objects[i], opts, err, cap);
    }
  }
  return rc;
}

int s3_delete_uploaded(s3_client *c, s3_object *objects, size_t count) {
  int failed = 0;
  for (size_t i = 0; i < count; i++) {
    if (!objects[i].uploaded) continue;
    s3_request req = {.fd = -1};
    char err[1400] = "out of memory";
    if (s3_request_set(&req, "DeleteObject", "DELETE", objects[i].key, NULL,
                       NULL, NULL, NULL) != 0 ||
        s3_perform(c, &req, S3_RUN_IGNORE_CANCEL, err, sizeof err) !=
            S3_RUN_OK) {
      s3_client_log(c, S3_LOG_ERROR, "could not remove %s: %s", objects[i].key,
                    err);
      failed++;
    } else {
      objects[i].uploaded = 0;
    }
    s3_request_clear(&req);
  }
  return failed;
}
