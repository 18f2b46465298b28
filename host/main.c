/* mbhost: builds one application for a matrix of OS x CPU targets through
   a toolchain plugin and publishes the results through exporter plugins.
   The stages, in order: config.c, matrix.c, plugin.c, plan.c (via
   services.c), executor.c, export.c, report.c; run.c strings them together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cache_cmd.h"
#include "cli.h"
#include "init.h"
#include "interrupt.h"
#include "log.h"
#include "run.h"
#include "scanner.h"
#include "schema.h"
#include "supervise.h"

static void print_plugin_row(const plugin *p, const char *note) {
  printf("%-10s %-10s %-28s %-8s %u.%u  %s%s\n", p->desc->name,
         plugin_kind_name(p->desc->kind), p->desc->id, p->desc->version,
         p->desc->abi_major, p->desc->abi_minor, p->path, note);
}

/* The limits the host checks: choices, range, a suffix that is an OS. */
static void print_constraints(const mb_option *o) {
  strbuf b = {0};
  for (const char *const *c = o->choices; o->type == MB_OPT_CHOICE && c && *c;
       c++)
    strbuf_printf(&b, "%s%s", c == o->choices ? "one of: " : ", ", *c);
  if (o->min) strbuf_printf(&b, "%smin %s", b.len ? "; " : "", o->min);
  if (o->max)
    strbuf_printf(&b, "%smax %s", o->min ? ", " : b.len ? "; " : "", o->max);
  if (o->flags & MB_OPT_SUFFIX_OS)
    strbuf_printf(&b, "%sNAME: an OS (linux, darwin, windows, ...)",
                  b.len ? "; " : "");
  if (b.len) printf("  %-22s %s\n", "", b.data);
  strbuf_free(&b);
}

static void print_options(const mb_option *options) {
  for (const mb_option *o = options; o && o->key; o++) {
    char key[64];
    snprintf(key, sizeof key, "%s%s", o->key,
             (o->flags & MB_OPT_PREFIX) ? "NAME" : "");
    printf("  %-22s %-9s %-12s %s%s%s%s\n", key, option_type_name(o->type),
           o->default_value ? o->default_value : "-", o->help ? o->help : "",
           (o->flags & MB_OPT_REQUIRED) ? " (required)" : "",
           (o->flags & MB_OPT_PER_TARGET) ? " (per target)" : "",
           (o->flags & MB_OPT_MUST_EXIST) ? " (must exist)" : "");
    print_constraints(o);
  }
}

static void describe_plugin(const plugin *p) {
  printf("name:        %s\nkind:        %s\nid:          %s\nversion:     %s\n"
         "ABI:         %u.%u\npath:        %s\ndescription: %s\n",
         p->desc->name, plugin_kind_name(p->desc->kind), p->desc->id,
         p->desc->version, p->desc->abi_major, p->desc->abi_minor, p->path,
         p->desc->description ? p->desc->description : "");
  printf("section:     [%s%s]\noptions:\n",
         p->desc->kind == MB_KIND_TOOLCHAIN     ? "toolchain"
         : p->desc->kind == MB_KIND_EXECUTOR    ? "executor."
         : p->desc->kind == MB_KIND_CACHE_STORE ? "cache."
                                                : "export.",
         p->desc->kind == MB_KIND_TOOLCHAIN ? "" : p->desc->name);
  print_options(p->options);
  /* A plugin of another kind that is also a cache store ([cache] remote). */
  if (p->store && p->store->options != p->options) {
    printf("section:     [cache.%s] (as [cache] remote)\noptions:\n",
           p->desc->name);
    print_options(p->store->options);
  }
}

static int list_plugins(const cli *c) {
  plugin_registry reg = {0};
  strvec dirs = {0};
  plugin_search_path(&dirs, &c->run.plugin_dirs, NULL);
  char *root = cache_dir(NULL);
  plugin_registry_load(&reg, &dirs, NULL, root, true);
  free(root);
  if (interrupt_requested()) {
    plugin_registry_free(&reg);
    strvec_free(&dirs);
    return interrupt_exit_code();
  }
  int code = EXIT_OK;
  if (c->describe) {
    const plugin *p = NULL;
    for (size_t i = 0; i < reg.len && !p; i++)
      if (strcmp(reg.plugins[i].desc->name, c->describe) == 0)
        p = &reg.plugins[i];
    if (p)
      describe_plugin(p);
    else {
      fprintf(stderr,
              "mbhost: error: no plugin named '%s' (run mbhost plugins)\n",
              c->describe);
      code = EXIT_USAGE;
    }
  } else {
    printf("%-10s %-10s %-28s %-8s %-4s  %s\n", "NAME", "KIND", "ID", "VERSION",
           "ABI", "PATH");
    for (size_t i = 0; i < reg.len; i++)
      print_plugin_row(&reg.plugins[i], "");
    for (size_t i = 0; i < reg.nshadowed; i++)
      print_plugin_row(&reg.shadowed[i], "  (shadowed)");
    for (size_t i = 0; i < reg.refused.len; i++)
      printf("refused: %s\n", reg.refused.items[i]);
    printf("search path:\n");
    for (size_t i = 0; i < dirs.len; i++)
      printf("  %s\n", dirs.items[i]);
  }
  plugin_registry_free(&reg);
  strvec_free(&dirs);
  return code;
}

int main(int argc, char **argv) {
  /* Hidden: the supervisor of one build step (supervise.h). */
  if (argc > 1 && strcmp(argv[1], SUPERVISE_COMMAND) == 0)
    return supervise_main(argc, argv);
  /* Hidden: the plugin scanner's child loading one candidate. */
  if (argc == 3 && strcmp(argv[1], SCANNER_COMMAND) == 0)
    return scanner_child_main(argv[2]);
  scanner_enable();
  interrupt_install();
  cli c;
  cli_parse(&c, argc, argv);
  int code;
  if (c.command == COMMAND_PLUGINS) {
    code = list_plugins(&c);
  } else if (c.command == COMMAND_INIT) {
    code = init_main(&c.run, c.force);
  } else if (c.command == COMMAND_CACHE) {
    code = cache_command(&c);
  } else {
    run r = {0};
    if (c.command == COMMAND_VALIDATE) c.run.dry_run = true;
    code = run_prepare(&r, &c.run);
    if (code == EXIT_OK)
      code = c.command == COMMAND_VALIDATE ? run_validate(&r) : run_main(&r);
    run_free(&r);
  }
  cli_free(&c);
  return code;
}
