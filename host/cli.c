#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "progress.h"
#include <mbhost/plugin.h>

/* Command-line mistakes end the process here, before anything started. */
static _Noreturn void usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("mbhost: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_USAGE);
}

enum {
  OPT_PLUGIN_DIR = 256,
  OPT_NO_CACHE,
  OPT_DRY_RUN,
  OPT_DESCRIBE,
  OPT_SET,
  OPT_OUTPUT,
  OPT_COLOR,
  OPT_FORCE,
  OPT_SHARD
};

typedef struct cli_option {
  const char *name;
  int key;         /* short option character, or OPT_* */
  const char *arg; /* argument name, or NULL */
  const char *help;
} cli_option;

static const cli_option options[] = {
    {"config", 'c', "FILE", "the build.ini to run (required to build)"},
    {"jobs", 'j', "N", "run at most N processes at once (default: CPUs)"},
    {"target", 't', "OS/ARCH", "build only this target (repeatable)"},
    {"keep-going", 'k', NULL, "build the other targets when one fails"},
    {"output", OPT_OUTPUT, "DIR",
     "write results to DIR instead of [project] output"},
    {"set", OPT_SET, "SECTION.KEY=VALUE",
     "override a config value (repeatable)"},
    {"dry-run", OPT_DRY_RUN, NULL, "print each target's plan; build nothing"},
    {"no-cache", OPT_NO_CACHE, NULL,
     "build every target even when cached (new results are stored)"},
    {"shard", OPT_SHARD, "K/N",
     "build only shard K of N into the remote cache; export nothing"},
    {"plugin-dir", OPT_PLUGIN_DIR, "DIR",
     "look for plugins in DIR first (repeatable)"},
    {"describe", OPT_DESCRIBE, "NAME",
     "with `plugins`: show a plugin's options"},
    {"force", OPT_FORCE, NULL, "with `init`: replace an existing build.ini"},
    {"color", OPT_COLOR, "WHEN",
     "auto (default; off with NO_COLOR), always or never"},
    {"verbose", 'v', NULL, "stream every target's full output"},
    {"quiet", 'q', NULL, "print only errors"},
    {"help", 'h', NULL, "show this help"},
    {"version", 'V', NULL, "show the version"},
};
#define NOPTIONS (sizeof options / sizeof *options)

static void print_help(FILE *out) {
  fprintf(
      out,
      "usage: mbhost --config FILE [options]     build and export the matrix\n"
      "       mbhost validate --config FILE      check the config; build "
      "nothing\n"
      "       mbhost plugins [--describe NAME]   list plugins, or one's "
      "options\n"
      "       mbhost init [--force]              write a build.ini for the "
      "project here\n"
      "       mbhost cache stats|prune [--config FILE]\n"
      "                                          show or prune the cache\n"
      "       mbhost cache digest [DIR] [--config FILE]\n"
      "                                          print the source digest a "
      "build keys on\n"
      "\noptions:\n");
  for (size_t i = 0; i < NOPTIONS; i++) {
    char left[64];
    const cli_option *o = &options[i];
    if (o->key < 256)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name,
               o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    fprintf(out, "  %-32s %s\n", left, o->help);
  }
  fprintf(out,
          "\nexit codes: 0 ok, 1 a build or export failed, 2 usage or config "
          "error, 130/143 interrupted\n");
}

static int parse_jobs(const char *text) {
  char *end;
  long n = strtol(text, &end, 10);
  if (*text == '\0' || *end || n < 1 || n > 1024)
    usage_error("-j %s: expected a number of jobs from 1 to 1024", text);
  return (int)n;
}

static void apply_option(cli *c, int key, const char *arg) {
  run_options *o = &c->run;
  switch (key) {
  case 'c':
    o->config_path = arg;
    break;
  case 'j':
    o->jobs = parse_jobs(arg);
    break;
  case 't':
    strvec_push(&o->targets, arg);
    break;
  case 'k':
    o->keep_going = true;
    break;
  case 'v':
    log_verbosity = 1;
    break;
  case 'q':
    log_verbosity = -1;
    break;
  case OPT_OUTPUT:
    o->output_override = arg;
    break;
  case OPT_SET:
    strvec_push(&o->sets, arg);
    break;
  case OPT_DRY_RUN:
    o->dry_run = true;
    break;
  case OPT_NO_CACHE:
    o->no_cache = true;
    break;
  case OPT_PLUGIN_DIR:
    strvec_push(&o->plugin_dirs, arg);
    break;
  case OPT_DESCRIBE:
    c->describe = arg;
    break;
  case OPT_FORCE:
    c->force = true;
    break;
  case OPT_SHARD: {
    char *problem;
    if (!shard_parse(arg, &o->shard, &problem)) usage_error("%s", problem);
    break;
  }
  case OPT_COLOR:
    if (!progress_parse_color(arg, &progress_color))
      usage_error("--color %s: expected auto, always or never", arg);
    break;
  case 'h':
    print_help(stdout);
    exit(EXIT_OK);
  case 'V':
    printf("mbhost %s (plugin ABI %d.%d)\n", MBHOST_VERSION, MB_ABI_MAJOR,
           MB_ABI_MINOR);
    exit(EXIT_OK);
  default:
    fprintf(stderr, "run `mbhost --help` for the options\n");
    exit(EXIT_USAGE);
  }
}

/* cache stats | cache prune | cache digest DIR */
static void parse_cache_words(cli *c, int argc, char **argv) {
  c->command = COMMAND_CACHE;
  const char *action = optind < argc ? argv[optind++] : "";
  if (strcmp(action, "stats") != 0 && strcmp(action, "prune") != 0 &&
      strcmp(action, "digest") != 0)
    usage_error("cache: expected stats, prune or digest DIR, not '%s'", action);
  c->cache_action = action;
  if (strcmp(action, "digest") == 0) {
    if (optind < argc && argv[optind][0] != '-') c->cache_path = argv[optind++];
  }
}

void cli_parse(cli *c, int argc, char **argv) {
  *c = (cli){.command = COMMAND_BUILD};
  struct option longopts[NOPTIONS + 1];
  strbuf shorts = {0};
  strbuf_puts(&shorts, "+");
  for (size_t i = 0; i < NOPTIONS; i++) {
    longopts[i] = (struct option){
        options[i].name, options[i].arg ? required_argument : no_argument, NULL,
        options[i].key};
    if (options[i].key < 256) {
      char s[3] = {(char)options[i].key, options[i].arg ? ':' : '\0', '\0'};
      strbuf_puts(&shorts, s);
    }
  }
  longopts[NOPTIONS] = (struct option){0};
  opterr = 0;
  for (int pass = 0; pass < 2; pass++) {
    int key;
    while ((key = getopt_long(argc, argv, shorts.data, longopts, NULL)) != -1) {
      if (key == '?') {
        strbuf_free(&shorts);
        /* argv[optind - 1] is the word at fault, long or short. */
        usage_error("unknown or incomplete option %s (see mbhost --help)",
                    argv[optind - 1]);
      }
      apply_option(c, key, optarg);
    }
    if (pass == 1 || optind >= argc) break;
    const char *word = argv[optind++];
    if (strcmp(word, "plugins") == 0)
      c->command = COMMAND_PLUGINS;
    else if (strcmp(word, "validate") == 0)
      c->command = COMMAND_VALIDATE;
    else if (strcmp(word, "build") == 0)
      c->command = COMMAND_BUILD;
    else if (strcmp(word, "init") == 0)
      c->command = COMMAND_INIT;
    else if (strcmp(word, "cache") == 0)
      parse_cache_words(c, argc, argv);
    else
      usage_error("unknown command '%s' (commands: build, validate, plugins, "
                  "init, cache)",
                  word);
  }
  strbuf_free(&shorts);
  if (optind < argc)
    usage_error("unexpected argument '%s' (see mbhost --help)", argv[optind]);
  if (c->command == COMMAND_CACHE && strcmp(c->cache_action, "digest") == 0 &&
      !c->cache_path && !c->run.config_path)
    usage_error("cache digest: which folder? (DIR, or --config FILE for the "
                "project's source)");
  bool needs_config =
      c->command == COMMAND_BUILD || c->command == COMMAND_VALIDATE;
  if (needs_config && !c->run.config_path)
    usage_error(
        "no config given: run mbhost --config build.ini (see mbhost --help)");
  if (c->describe && c->command != COMMAND_PLUGINS)
    usage_error("--describe goes with `mbhost plugins`");
  if (c->force && c->command != COMMAND_INIT)
    usage_error("--force goes with `mbhost init`");
  if (c->run.shard.n && c->command != COMMAND_BUILD)
    usage_error("--shard goes with a build (mbhost --config FILE --shard "
                "K/N)");
}

void cli_free(cli *c) {
  strvec_free(&c->run.targets);
  strvec_free(&c->run.plugin_dirs);
  strvec_free(&c->run.sets);
}
