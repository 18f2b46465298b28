/* Stage 6: the exporter chain. Each exporter receives what the previous
   one emitted (the build outputs for the first). */
#ifndef MBHOST_EXPORT_H
#define MBHOST_EXPORT_H

#include "run.h"

/* Runs the chain; everything emitted is added to r->reported. Returns false
   (after printing why) when an exporter failed. */
bool export_run(run *r, const artifact_list *build_outputs);

/* Asks each exporter to describe its destinations (dry run). */
void export_describe(run *r);

#endif
