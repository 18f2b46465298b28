/* mbhost exporter "manifest": writes a release manifest (Markdown) listing
   every artifact it receives with its target, size and SHA-256, into the
   output folder, and passes the artifacts on followed by the manifest
   itself. An example of a third-party plugin: it needs only the installed
   SDK headers, and the tutorial (share/doc/mbhost/writing-plugins.md) walks
   through it.

   [export]
   use = tarball, manifest

   [export.manifest]
   file  = RELEASE.md        ; relative to the output folder
   title = hello 1.2.0       ; default: the project name and version
   notes = CHANGES.md        ; optional text put under the title
   digest_length = 12        ; hex digits of each SHA-256 shown (12..64) */
#include <mbhost/exporter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Looked up once in init; valid until deinit. */
static const mb_host *host;
static const mb_options_service *opt;

/* The host checks types, ranges and that `notes` exists, with file:line,
   before init: the plugin reads only well-formed values. */
static const mb_option manifest_options[] = {
    {.key = "file",
     .type = MB_OPT_STRING,
     .default_value = "MANIFEST.md",
     .help = "the manifest's name, relative to the output folder"},
    {.key = "title",
     .type = MB_OPT_STRING,
     .help = "the heading (default: the project name and version)"},
    {.key = "notes",
     .type = MB_OPT_PATH,
     .help = "a text file copied under the heading",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "digest_length",
     .type = MB_OPT_INT,
     .default_value = "64",
     .min = "12",
     .max = "64",
     .help = "hex digits of each SHA-256 shown"},
    {0}};

/* The artifact name rules (relative, no "..") are what the table cannot
   say: checked here, once, so a bad value is a configuration error at its
   line before anything is built. */
static int manifest_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  *self = NULL;
  opt = host->get_service(host, MB_OPTIONS_SERVICE);
  if (!opt) {
    host->set_error(call, "this plugin needs an mbhost with %s",
                    MB_OPTIONS_SERVICE);
    return MB_ERROR;
  }
  const char *file = opt->get(call, "file");
  if (file[0] == '/' || strstr(file, "..") || !file[0]) {
    opt->error(call, "file", "'%s' must be a name inside the output folder",
               file);
    return MB_ERROR;
  }
  return MB_OK;
}

static void destination(mb_call *call, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", host->project(call, "output"),
           opt->get(call, "file"));
}

static int manifest_describe(void *self, mb_call *call,
                             const mb_export_services *svc) {
  (void)self, (void)svc;
  char dst[4096];
  destination(call, dst, sizeof dst);
  host->log(call, MB_LOG_INFO, "manifest of every artifact -> %s", dst);
  return MB_OK;
}

static int copy_notes(mb_call *call, FILE *out) {
  const char *notes = opt->get(call, "notes");
  if (!notes) return MB_OK;
  FILE *in = fopen(notes, "r");
  if (!in) {
    host->set_error(call, "cannot read the notes file %s", notes);
    return MB_ERROR;
  }
  char buf[8192];
  for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
    fwrite(buf, 1, n, out);
  fclose(in);
  fputs("\n", out);
  return MB_OK;
}

static void write_heading(mb_call *call, FILE *out) {
  const char *title = opt->get(call, "title");
  const char *version = host->project(call, "version");
  if (title)
    fprintf(out, "# %s\n\n", title);
  else
    fprintf(out, "# %s%s%s\n\n", host->project(call, "name"),
            *version ? " " : "", version);
}

/* One table row per received artifact. Strings from artifact_get are the
   host's, valid until this callback returns. */
static int write_table(mb_call *call, const mb_export_services *svc,
                       FILE *out) {
  int digits = atoi(opt->get(call, "digest_length"));
  fputs("| file | target | bytes | sha256 |\n|---|---|---:|---|\n", out);
  size_t n = svc->artifact_count(call);
  for (size_t i = 0; i < n; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (svc->artifact_get(call, i, &a) != MB_OK) return MB_ERROR;
    char digest[65];
    if (!a.sha256 && svc->sha256_file(call, a.path, digest) != MB_OK)
      return MB_ERROR;
    fprintf(out, "| %s | %s | %llu | %.*s |\n", a.url ? a.url : a.name,
            a.target ? a.target : "-", (unsigned long long)a.size, digits,
            a.sha256 ? a.sha256 : digest);
  }
  return MB_OK;
}

/* Writes the manifest beside `dst` and renames it into place, so a reader
   sees the previous manifest or the new one, never half of one. */
static int write_manifest(mb_call *call, const mb_export_services *svc,
                          const char *dst) {
  char tmp[4096];
  if (svc->temp_file_for(call, dst, tmp, sizeof tmp) != MB_OK) return MB_ERROR;
  FILE *out = fopen(tmp, "w");
  int rc = out ? MB_OK : MB_ERROR;
  if (rc == MB_OK) {
    write_heading(call, out);
    rc = copy_notes(call, out);
  }
  if (rc == MB_OK) rc = write_table(call, svc, out);
  if (out && fclose(out) != 0 && rc == MB_OK) {
    host->set_error(call, "cannot write %s", tmp);
    rc = MB_ERROR;
  }
  if (!out) host->set_error(call, "cannot open %s", tmp);
  if (svc->commit_file(call, tmp, dst, rc == MB_OK) != MB_OK) return MB_ERROR;
  return rc;
}

/* The artifacts go on unchanged, so `use = manifest, s3` uploads both the
   files and their manifest. */
static int pass_on(mb_call *call, const mb_export_services *svc) {
  size_t n = svc->artifact_count(call);
  for (size_t i = 0; i < n; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (svc->artifact_get(call, i, &a) != MB_OK ||
        svc->emit_artifact(call, &a) != MB_OK)
      return MB_ERROR;
  }
  return MB_OK;
}

static int manifest_export(void *self, mb_call *call,
                           const mb_export_services *svc) {
  (void)self;
  if (host->cancelled(call)) return MB_CANCELLED;
  char dst[4096];
  destination(call, dst, sizeof dst);
  if (write_manifest(call, svc, dst) != MB_OK || pass_on(call, svc) != MB_OK)
    return MB_ERROR;
  mb_artifact manifest = {.struct_size = sizeof manifest,
                          .kind = "manifest",
                          .name = opt->get(call, "file"),
                          .path = dst};
  return svc->emit_artifact(call, &manifest);
}

static const mb_exporter manifest_exporter = {
    .options = manifest_options,
    .describe = manifest_describe,
    .export_artifacts = manifest_export,
};

static const void *manifest_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &manifest_exporter : NULL;
}

static const mb_plugin manifest_descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.example.exporter.manifest",
    .name = "manifest",
    .version = "2.0.0",
    .description = "writes a manifest of the artifacts with sizes and sha256",
    .init = manifest_init,
    .get_interface = manifest_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &manifest_descriptor : NULL;
}
