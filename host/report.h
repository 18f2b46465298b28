/* Stage 7: <output>/artifacts.json, written with jansson. */
#ifndef MBHOST_REPORT_H
#define MBHOST_REPORT_H

#include "run.h"

/* Writes the report atomically; false (after a message) on failure. */
bool report_write(const run *r, int exit_code, double seconds);

#endif
