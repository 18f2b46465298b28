/* What a person sees while the matrix builds, following cargo's and
   ninja's conventions. On a terminal (stderr is a tty and CI is not
   "true"): one live line per running target (state, elapsed time, the
   latest line of its log) under an overall counter, redrawn at most ten
   times a second; finished targets scroll up as one line each. Elsewhere
   (CI, pipes): one plain line per event, no escape codes. -v streams every
   output line instead (the executor does that); -q keeps only failures.
   The executor and the exporter chain report events here; the summary
   table at the end of a run is printed here too. Not thread-safe: every
   event comes from the main thread. */
#ifndef MBHOST_PROGRESS_H
#define MBHOST_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "target_set.h"

typedef enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_when;

/* Set from --color; COLOR_AUTO honours NO_COLOR and whether stderr is a
   terminal. */
extern color_when progress_color;

/* Parses "auto", "always" or "never"; false for anything else. */
bool progress_parse_color(const char *text, color_when *out);

/* Starts showing the build of every TARGET_PENDING target of ts, which
   stays valid until progress_end. */
void progress_begin(const target_set *ts);
void progress_target_started(size_t t);
void progress_step_started(size_t t, size_t step, size_t nsteps,
                           const char *command);
/* A chunk of a target's output, as read from its pipe. */
void progress_output(size_t t, const char *data, size_t n);
/* The target's status and seconds are already in ts->items[t]. */
void progress_target_finished(size_t t);
/* Milliseconds the executor may wait for output before progress_tick()
   is due again, or -1 when nothing is animated. */
int progress_poll_timeout(void);
/* Redraws the live lines when they changed and the last redraw is old
   enough. */
void progress_tick(void);
/* Clears the live lines; later output is plain again. */
void progress_end(void);

void progress_export_started(const char *exporter, size_t nartifacts);
void progress_export_finished(const char *exporter, bool ok, double seconds);

/* A size for people: "512 B", "1.2 KiB", "3.4 MiB", "2.0 GiB". */
char *progress_size(uint64_t bytes);

/* The table at the end of a run (target, status, time, cache, outputs and
   their sizes, or why a target cannot be built), then where each failed
   target's log is, with its first error lines and its last lines. `outputs` are
   the build outputs (sizes per target). */
void progress_summary(const target_set *ts, const artifact_list *outputs);

#endif
