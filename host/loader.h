/* Plugin discovery and loading: the search path, dlopen of each candidate,
   checks of the descriptor, and the registry of usable plugins by name. */
#ifndef MBHOST_LOADER_H
#define MBHOST_LOADER_H

#include <mbhost/cache-store.h>
#include <mbhost/executor.h>
#include <mbhost/exporter.h>
#include <mbhost/plugin.h>
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <mbhost/toolchain.h>
#include <stdbool.h>

#include "config.h"

typedef struct plugin {
  char *path;
  const mb_plugin *desc;
  const mb_toolchain *toolchain; /* set for MB_KIND_TOOLCHAIN */
  const mb_exporter *exporter;   /* set for MB_KIND_EXPORTER */
  const mb_executor *executor;   /* set for MB_KIND_EXECUTOR */
  /* "mb.cache-store/1": set for MB_KIND_CACHE_STORE, and for a plugin of
     another kind that hands it out too (the s3 exporter). Its options
     table, for [cache.NAME], is store->options. */
  const mb_cache_store *store;
  const mb_toolchain_detect *detect; /* optional extensions, or NULL */
  const mb_toolchain_validate *validate;
  const mb_option *options; /* the interface's table (may be empty) */
  void *self;               /* after a successful init */
  bool initialized;
} plugin;

typedef struct plugin_registry {
  plugin *plugins; /* usable, first of each name in search order */
  size_t len;
  plugin *shadowed; /* same name later in the search path */
  size_t nshadowed;
  strvec refused; /* "path: why" */
  strvec dirs;    /* the search path, in order */
} plugin_registry;

/* The search path: --plugin-dir folders, MBHOST_PLUGIN_PATH, [host]
   plugin_path (cfg may be NULL), the user's plugin folder, the bundled one. */
void plugin_search_path(strvec *dirs, const strvec *cli_dirs,
                        const config *cfg);
/* Loads the *.so files in `dirs`; problems go to reg->refused. When the
   scanner is enabled, each candidate is first loaded in a child
   (scanner.h), whose verdict (and the plugin's name) is cached under
   `cache_root` (NULL: not at all; `save_verdicts` false: read only), and
   only candidates whose name is in `wanted` are loaded here (NULL: all). */
void plugin_registry_load(plugin_registry *reg, const strvec *dirs,
                          const strvec *wanted, const char *cache_root,
                          bool save_verdicts);
/* After init: the instance's own interface and extension tables, which a
   plugin may hand out per instance. */
void plugin_fetch_instance_interfaces(plugin *p);
/* Frees the registry (libraries stay loaded). */
void plugin_registry_free(plugin_registry *reg);
/* dlopens `path` in this process and checks its descriptor and interface:
   NULL and *out filled (out->path owned), or why it is refused (owned). */
char *plugin_open(const char *path, plugin *out);
plugin *plugin_find(const plugin_registry *reg, const char *name,
                    uint32_t kind);
/* The plugin named `name` that hands out "mb.cache-store/1", or NULL. */
plugin *plugin_find_store(const plugin_registry *reg, const char *name);
/* "a, b, c": the names of usable plugins of a kind, for error messages;
   MB_KIND_CACHE_STORE lists every plugin that hands out a store. */
char *plugin_names(const plugin_registry *reg, uint32_t kind);
const char *plugin_kind_name(uint32_t kind);

/* The folder of bundled plugins, relative to the running executable. */
char *plugin_bundled_dir(void);

#endif
