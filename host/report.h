/* Stage 7: <output>/artifacts.json, written with jansson: this run's
   targets and artifacts, and the earlier file's entries of targets this
   run did not build whose files are still there unchanged. */
#ifndef MBHOST_REPORT_H
#define MBHOST_REPORT_H

#include <stdbool.h>

#include "artifact.h"
#include "journal.h"
#include "loader.h"
#include "project.h"
#include "target_set.h"

typedef struct report {
  const project *project;
  const plugin *toolchain;
  const facts *facts;
  const target_set *targets;
  const artifact_list *artifacts; /* what the exporters emitted */
  int exit_code;
  double seconds, export_seconds;
} report;

/* Writes the report through the export journal `j`, so artifacts.json
   changes with the files it lists; an artifacts.json that already says the
   same but for the timings is left as it is. False (after a message) on
   failure. */
bool report_write(const report *rep, journal *j);

#endif
