/* Stage 6: the exporter chain. Each exporter receives what the previous
   one emitted (the build outputs for the first). Every file the chain
   writes goes through the export journal (journal.h), and so does the
   report: the export and artifacts.json are one transaction, which
   export_finish commits or rolls back. */
#ifndef MBHOST_EXPORT_H
#define MBHOST_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "artifact.h"
#include "config.h"
#include "journal.h"
#include "loader.h"
#include "project.h"

typedef struct export_chain {
  plugin *const *exporters; /* in order, initialised */
  size_t len;
  config *cfg; /* for the exporters' options (and their option errors) */
  const project *project;
} export_chain;

/* Runs the chain over `build_outputs`, writing through `j` (from
   journal_begin); everything emitted is appended to `reported`. Returns
   false (after printing why) when an exporter failed or the run was
   interrupted. */
bool export_run(const export_chain *chain, journal *j,
                const artifact_list *build_outputs, artifact_list *reported);
/* Ends the transaction: commits it when `ok` (true when that worked), or
   puts the output folder back as it was (false). Frees j. */
bool export_finish(journal *j, bool ok);

/* Asks each exporter to describe its destinations on `out` (dry run). */
void export_describe(const export_chain *chain, FILE *out);

#endif
