/* What plugins see of the host: the core table (mb_host), the services
   found by id (mb.options/1, mb.process/1) and the phase services handed to
   one kind of callback (probe, plan, validate, detect, export). Every
   service takes the per-callback handle, mb_call, which says what the call
   is about; the stage that makes the call fills it with what that phase
   may touch, and nothing else. */
#ifndef MBHOST_SERVICES_H
#define MBHOST_SERVICES_H

#include <mbhost/exporter.h>
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "artifact.h"
#include "journal.h"
#include "loader.h"
#include "plan.h"
#include "project.h"

/* An exporter call's artifacts: what it receives and what it emits. */
typedef struct export_io {
  const artifact_list *in;
  artifact_list out;
  journal *journal;       /* NULL in describe calls: nothing may be written */
  const char *output_dir; /* files are written only inside it */
} export_io;

/* A probe that runs in a container image: the process service's programs
   run there, through the executor plugin (executor_plugin.c). */
typedef struct image_probe {
  const plugin *executor;
  const char *image_id;
} image_probe;

/* What a toolchain's detect call proposed. */
typedef struct detect_result {
  int strength; /* 0: not recognised */
  char *evidence, *name;
  strvec keys, values, comments; /* parallel; comments[i] may be "" */
  strvec targets, notes;
} detect_result;

struct mb_call {
  config *cfg;            /* options and option errors; NULL in detect */
  const project *project; /* NULL in detect */
  const plugin *plugin;
  const char *section;         /* the plugin's INI section */
  const mb_option *options;    /* the section's table when it is not the
                                  plugin's main one ([cache.NAME]); NULL:
                                  plugin->options */
  const target *target;        /* plan and validate calls */
  facts *facts;                /* probe calls: written; plan, validate: read */
  plan *plan;                  /* plan calls */
  export_io *io;               /* exporter calls */
  FILE *describe_out;          /* describe calls: where info messages go */
  const char *detect_folder;   /* detect calls */
  detect_result *detected;     /* detect calls */
  const image_probe *in_image; /* probe calls through an executor plugin */
  const atomic_int *stop;      /* run_step calls: set when the step must stop */
  int output_fd;               /* run_step calls: the step's output goes here */
  strvec keep;                 /* strings handed to the plugin for this call */
  char *error;
  pthread_mutex_t lock;
};

extern const mb_host host_core;
extern const mb_probe_services probe_services;
extern const mb_plan_services plan_services;
extern const mb_validate_services validate_services;
extern const mb_detect_services detect_services;
extern const mb_export_services export_services;

void call_begin(mb_call *call, config *cfg, const project *proj,
                const plugin *p, const char *section);
/* Frees what the call kept; the error message is returned (caller frees)
   or NULL when none was set. */
char *call_end(mb_call *call);

void detect_result_free(detect_result *d);

#endif
