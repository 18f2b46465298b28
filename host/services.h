/* The host services table given to plugins (mb_host) and the per-callback
   handle (mb_call) that tells each service what the call is about. */
#ifndef MBHOST_SERVICES_H
#define MBHOST_SERVICES_H

#include <pthread.h>
#include <stdio.h>

#include "run.h"

typedef struct export_io {
  const artifact_list *in;
  artifact_list out;
} export_io;

struct mb_call {
  run *run;
  plugin *plugin;
  const char *section;  /* the plugin's INI section */
  const target *target; /* plan calls */
  plan *plan;           /* plan calls */
  facts *facts;         /* probe calls: written; plan calls: read */
  strvec *probe_deps;   /* probe calls */
  export_io *io;        /* exporter calls */
  FILE *describe_out;   /* describe calls: where log messages go (dry run) */
  strvec keep;          /* strings handed to the plugin for this call */
  char *error;
  pthread_mutex_t lock;
};

extern const mb_host host_services;

void call_begin(mb_call *call, run *r, plugin *p);
/* Frees what the call kept; the error message is returned (caller frees)
   or NULL when none was set. */
char *call_end(mb_call *call);

#endif
