/* mbhost exporter "manifest": writes a release manifest (Markdown) listing
   every artifact it receives with its target, size and SHA-256, into the
   output folder, and passes the artifacts on followed by the manifest
   itself. An example of a third-party plugin: it needs only the installed
   SDK headers (docs/writing-plugins.md).

   [export]
   use = tarball, manifest

   [export.manifest]
   file  = RELEASE.md        ; relative to the output folder
   title = hello 1.2.0       ; default: the project name and version
   notes = CHANGES.md        ; optional text put under the title */
#include <mbhost/exporter.h>
#include <stdio.h>
#include <string.h>

static const mb_host *host;

static const mb_option manifest_options[] = {
    {"file", MB_OPT_STRING, "MANIFEST.md",
     "the manifest's name, relative to the output folder", 0, NULL},
    {"title", MB_OPT_STRING, NULL,
     "the heading (default: the project name and version)", 0, NULL},
    {"notes", MB_OPT_PATH, NULL, "a text file copied under the heading", 0,
     NULL},
    {NULL, 0, NULL, NULL, 0, NULL}};

/* The artifact name rules (relative, no "..") are checked here, once, so a
   bad value is a configuration error before anything is built. */
static int manifest_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  *self = NULL;
  const char *file = host->option(call, "file");
  if (file[0] == '/' || strstr(file, "..") || !file[0]) {
    host->option_error(call, "file",
                       "'%s' must be a name inside the output folder", file);
    return MB_ERROR;
  }
  return MB_OK;
}

static void destination(mb_call *call, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", host->project(call, "output"),
           host->option(call, "file"));
}

static int manifest_describe(void *self, mb_call *call) {
  (void)self;
  char dst[4096];
  destination(call, dst, sizeof dst);
  host->log(call, MB_LOG_INFO, "manifest of every artifact -> %s", dst);
  return MB_OK;
}

static int copy_notes(mb_call *call, FILE *out) {
  const char *notes = host->option(call, "notes");
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
  const char *title = host->option(call, "title");
  const char *version = host->project(call, "version");
  if (title)
    fprintf(out, "# %s\n\n", title);
  else
    fprintf(out, "# %s%s%s\n\n", host->project(call, "name"),
            *version ? " " : "", version);
}

/* One table row per received artifact. Strings from artifact_get are the
   host's, valid until this callback returns. */
static int write_table(mb_call *call, FILE *out) {
  fputs("| file | target | bytes | sha256 |\n|---|---|---:|---|\n", out);
  size_t n = host->artifact_count(call);
  for (size_t i = 0; i < n; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (host->artifact_get(call, i, &a) != MB_OK) return MB_ERROR;
    char digest[65];
    if (!a.sha256 && host->sha256_file(call, a.path, digest) != MB_OK)
      return MB_ERROR;
    fprintf(out, "| %s | %s | %llu | %s |\n", a.url ? a.url : a.name,
            a.target ? a.target : "-", (unsigned long long)a.size,
            a.sha256 ? a.sha256 : digest);
  }
  return MB_OK;
}

/* Writes the manifest beside `dst` and renames it into place, so a reader
   sees the previous manifest or the new one, never half of one. */
static int write_manifest(mb_call *call, const char *dst) {
  char tmp[4096];
  if (host->temp_file_for(call, dst, tmp, sizeof tmp) != MB_OK) return MB_ERROR;
  FILE *out = fopen(tmp, "w");
  int rc = out ? MB_OK : MB_ERROR;
  if (rc == MB_OK) {
    write_heading(call, out);
    rc = copy_notes(call, out);
  }
  if (rc == MB_OK) rc = write_table(call, out);
  if (out && fclose(out) != 0 && rc == MB_OK) {
    host->set_error(call, "cannot write %s", tmp);
    rc = MB_ERROR;
  }
  if (!out) host->set_error(call, "cannot open %s", tmp);
  if (host->commit_file(call, tmp, dst, rc == MB_OK) != MB_OK) return MB_ERROR;
  return rc;
}

/* The artifacts go on unchanged, so `use = manifest, s3` uploads both the
   files and their manifest. */
static int pass_on(mb_call *call) {
  size_t n = host->artifact_count(call);
  for (size_t i = 0; i < n; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (host->artifact_get(call, i, &a) != MB_OK ||
        host->emit_artifact(call, &a) != MB_OK)
      return MB_ERROR;
  }
  return MB_OK;
}

static int manifest_export(void *self, mb_call *call) {
  (void)self;
  if (host->cancelled(call)) return MB_CANCELLED;
  char dst[4096];
  destination(call, dst, sizeof dst);
  if (write_manifest(call, dst) != MB_OK || pass_on(call) != MB_OK)
    return MB_ERROR;
  mb_artifact manifest = {.struct_size = sizeof manifest,
                          .kind = "manifest",
                          .name = host->option(call, "file"),
                          .path = dst};
  return host->emit_artifact(call, &manifest);
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
    .id = "org.example.manifest",
    .name = "manifest",
    .version = "1.0.0",
    .description = "writes a manifest of the artifacts with sizes and sha256",
    .init = manifest_init,
    .get_interface = manifest_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &manifest_descriptor : NULL;
}
