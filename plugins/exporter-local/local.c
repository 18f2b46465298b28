/* The local exporter: copies artifacts into the output folder, each file
   written aside and renamed into place, and passes its copies on. */

#include <mbhost/exporter.h>
#include <stdio.h>
#include <string.h>

static const mb_host *host;
static const mb_options_service *options;

static const mb_option local_options[] = {
    {.key = "layout",
     .type = MB_OPT_STRING,
     .default_value = "{os}/{arch}",
     .help = "folder of a target's files under the output folder"},
    {0}};

/* Expands {os} and {arch} of the layout for one target into buf. */
static void target_folder(mb_call *call, const char *target, char *buf,
                          size_t cap) {
  const char *layout = options->get(call, "layout");
  const char *slash = strchr(target, '/');
  size_t os_len = slash ? (size_t)(slash - target) : strlen(target);
  const char *arch = slash ? slash + 1 : "";
  size_t len = 0;
  buf[0] = '\0';
  for (const char *p = layout; *p && len + 1 < cap;) {
    int n = 0;
    if (strncmp(p, "{os}", 4) == 0)
      n = snprintf(buf + len, cap - len, "%.*s", (int)os_len, target), p += 4;
    else if (strncmp(p, "{arch}", 6) == 0)
      n = snprintf(buf + len, cap - len, "%s", arch), p += 6;
    else
      buf[len] = *p++, buf[len + 1] = '\0', n = 1;
    len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
  }
}

static void destination(mb_call *call, const mb_artifact *a, char *buf,
                        size_t cap) {
  const char *output = host->project(call, "output");
  if (a->target) {
    char folder[1024];
    target_folder(call, a->target, folder, sizeof folder);
    snprintf(buf, cap, "%s/%s/%s", output, folder, a->name);
  } else {
    snprintf(buf, cap, "%s/%s", output, a->name);
  }
}

static int local_export(void *self, mb_call *call,
                        const mb_export_services *svc) {
  (void)self;
  size_t n = svc->artifact_count(call);
  for (size_t i = 0; i < n; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    char dst[4096];
    if (svc->artifact_get(call, i, &a) != MB_OK) return MB_ERROR;
    if (host->cancelled(call)) return MB_CANCELLED;
    destination(call, &a, dst, sizeof dst);
    if (svc->copy_file_atomic(call, a.path, dst) != MB_OK) return MB_ERROR;
    mb_artifact copy = a;
    copy.path = dst;
    if (svc->emit_artifact(call, &copy) != MB_OK) return MB_ERROR;
  }
  return MB_OK;
}

static int local_describe(void *self, mb_call *call,
                          const mb_export_services *svc) {
  (void)self, (void)svc;
  host->log(call, MB_LOG_INFO, "copy each target's files to %s/%s/",
            host->project(call, "output"), options->get(call, "layout"));
  return MB_OK;
}

static const mb_exporter local_exporter = {.options = local_options,
                                           .describe = local_describe,
                                           .export_artifacts = local_export};

/* Why `layout` could place files outside the output folder, or NULL: it
   must be a relative path of plain segments and known placeholders, as
   tarball's names are. */
static const char *layout_problem(const char *layout) {
  if (!*layout) return "is empty (e.g. {os}/{arch})";
  if (layout[0] == '/')
    return "is an absolute path; give a folder under the "
           "output folder, e.g. {os}/{arch}";
  for (const char *seg = layout; *seg;) {
    size_t n = strcspn(seg, "/");
    if (n == 0) return "has an empty segment ('//' or a trailing '/')";
    if ((n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)))
      return "has a '.' or '..' segment; it must stay inside the output "
             "folder";
    if (memchr(seg, '\\', n)) return "contains a backslash";
    for (const char *b = memchr(seg, '{', n); b && b < seg + n;
         b = memchr(b + 1, '{', (size_t)(seg + n - b - 1)))
      if (strncmp(b, "{os}", 4) && strncmp(b, "{arch}", 6))
        return "has an unknown placeholder (known: {os}, {arch})";
    seg += n;
    if (*seg == '/' && !*++seg) return "ends with '/'";
  }
  return NULL;
}

static int local_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  options = h->get_service(h, MB_OPTIONS_SERVICE);
  *self = NULL;
  const char *layout = options ? options->get(call, "layout") : NULL;
  const char *problem = layout ? layout_problem(layout) : NULL;
  if (problem) {
    options->error(call, "layout", "\"%s\" %s", layout, problem);
    return MB_ERROR;
  }
  if (options) return MB_OK;
  h->set_error(call,
               "needs an mbhost with the " MB_OPTIONS_SERVICE
               " service; this one is %s",
               h->host_version);
  return MB_ERROR;
}

static const void *local_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &local_exporter : NULL;
}

static const mb_plugin local_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.mbhost.exporter.local",
    .name = "local",
    .version = "1.0.0",
    .description = "copies artifacts into <output>/<os>/<arch>/, atomically",
    .init = local_init,
    .get_interface = local_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &local_plugin : NULL;
}
