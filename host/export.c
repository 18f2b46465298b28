#include "export.h"

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

/* Keeps what the chain wrote when it succeeded; otherwise puts the output
   folder back as it was before the export. */
static void finish_journal(journal *j, bool ok) {
  if (ok) {
    journal_commit(j);
  } else if (journal_rollback(j) == 0) {
    log_line(MB_LOG_ERROR, NULL,
             "export %s: every file it wrote was put back as it was",
             interrupt_requested() ? "interrupted" : "failed");
  }
  journal_free(j);
}

bool export_run(run *r, const artifact_list *build_outputs) {
  double started = now_seconds();
  journal *j = journal_open();
  artifact_list previous = {0};
  const artifact_list *in = build_outputs;
  bool ok = true;
  for (size_t i = 0; i < r->nexporters && ok; i++) {
    plugin *p = r->exporters[i];
    export_io io = {.in = in, .journal = j, .output_dir = r->project.output};
    mb_call call;
    char *section = section_of(p);
    call_begin(&call, &r->cfg, &r->project, p, section);
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
      artifact_list_add(&r->reported, &io.out.items[a]);
    artifact_list_free(&previous);
    previous = io.out;
    in = &previous;
  }
  artifact_list_free(&previous);
  ok = ok && !interrupt_requested();
  finish_journal(j, ok);
  r->export_seconds = now_seconds() - started;
  return ok;
}

void export_describe(run *r) {
  for (size_t i = 0; i < r->nexporters; i++) {
    plugin *p = r->exporters[i];
    printf("export %zu: %s\n", i + 1, p->desc->name);
    fflush(stdout);
    if (!p->exporter->describe) continue;
    artifact_list none = {0};
    export_io io = {.in = &none, .output_dir = r->project.output};
    mb_call call;
    char *section = section_of(p);
    call_begin(&call, &r->cfg, &r->project, p, section);
    call.io = &io;
    call.describe_out = stdout;
    p->exporter->describe(p->self, &call, &export_services);
    free(call_end(&call));
    free(section);
    artifact_list_free(&io.out);
  }
}
