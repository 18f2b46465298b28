/* The command line: an option table (names, arguments, help) from which
   both getopt_long's table and --help are made. */
#ifndef MBHOST_CLI_H
#define MBHOST_CLI_H

#include "run.h"

typedef enum command {
  COMMAND_BUILD,    /* mbhost --config FILE */
  COMMAND_VALIDATE, /* mbhost validate --config FILE */
  COMMAND_PLUGINS,  /* mbhost plugins [--describe NAME] */
  COMMAND_INIT,     /* mbhost init [--force] */
  COMMAND_CACHE     /* mbhost cache prune|stats|digest [--config FILE] */
} command;

typedef struct cli {
  command command;
  run_options run;
  const char *describe;     /* plugins --describe NAME */
  bool force;               /* init --force */
  const char *cache_action; /* cache: prune, stats or digest */
  const char *cache_path;   /* cache digest DIR */
} cli;

/* Parses argv; prints help or version and exits, or exits with EXIT_USAGE
   on a usage error. */
void cli_parse(cli *c, int argc, char **argv);
void cli_free(cli *c);

#endif
