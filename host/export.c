#include "export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "journal.h"
#include "log.h"
#include "progress.h"
#include "services.h"

static char *section_of(const plugin *p) {
  return xasprintf("export.%s", p->desc->name);
}

bool export_finish(journal *j, bool ok) {
  if (ok && journal_commit(j) != 0) {
    log_line(MB_LOG_ERROR, NULL, "cannot commit the export journal: %s",
             strerror(errno));
    ok = false;
  }
  if (journal_end(j) == 0 && !ok)
    log_line(MB_LOG_ERROR, NULL,
             "export %s: every file it wrote was put back as it was",
             interrupt_requested() ? "interrupted" : "failed");
  return ok;
}

bool export_run(const export_chain *chain, journal *j,
                const artifact_list *build_outputs, artifact_list *reported) {
  artifact_list previous = {0};
  const artifact_list *in = build_outputs;
  bool ok = true;
  for (size_t i = 0; i < chain->len && ok; i++) {
    plugin *p = chain->exporters[i];
    export_io io = {
        .in = in, .journal = j, .output_dir = chain->project->output};
    mb_call call;
    char *section = section_of(p);
    call_begin(&call, chain->cfg, chain->project, p, section);
    call.io = &io;
    progress_export_started(p->desc->name, in->len);
    double exporter_started = now_seconds();
    int rc = p->exporter->export_artifacts(p->self, &call, &export_services);
    char *error = call_end(&call);
    free(section);
    if (rc != MB_OK) {
      log_line(MB_LOG_ERROR, p->desc->name, "export failed: %s",
               error                ? error
               : rc == MB_CANCELLED ? "interrupted"
                                    : "the exporter gave no reason");
      ok = false;
    }
    progress_export_finished(p->desc->name, rc == MB_OK,
                             now_seconds() - exporter_started);
    free(error);
    for (size_t a = 0; a < io.out.len; a++)
      artifact_list_add(reported, &io.out.items[a]);
    artifact_list_free(&previous);
    previous = io.out;
    in = &previous;
  }
  artifact_list_free(&previous);
  return ok && !interrupt_requested();
}

void export_describe(const export_chain *chain, FILE *out) {
  for (size_t i = 0; i < chain->len; i++) {
    plugin *p = chain->exporters[i];
    fprintf(out, "export %zu: %s\n", i + 1, p->desc->name);
    fflush(out);
    if (!p->exporter->describe) continue;
    artifact_list none = {0};
    export_io io = {.in = &none, .output_dir = chain->project->output};
    mb_call call;
    char *section = section_of(p);
    call_begin(&call, chain->cfg, chain->project, p, section);
    call.io = &io;
    call.describe_out = out;
    p->exporter->describe(p->self, &call, &export_services);
    free(call_end(&call));
    free(section);
    artifact_list_free(&io.out);
  }
}
