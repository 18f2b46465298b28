#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner.h"
#include "schema.h"
#include "state.h"

#ifndef MBHOST_PLUGIN_SUBDIR
#define MBHOST_PLUGIN_SUBDIR "lib/mbhost/plugins"
#endif

const char *plugin_kind_name(uint32_t kind) {
  return kind == MB_KIND_TOOLCHAIN     ? "toolchain"
         : kind == MB_KIND_EXPORTER    ? "exporter"
         : kind == MB_KIND_EXECUTOR    ? "executor"
         : kind == MB_KIND_CACHE_STORE ? "cache-store"
                                       : "unknown";
}

char *plugin_bundled_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = '\0';
  char *bindir = path_dirname(exe);
  char *rel = xasprintf("../%s", MBHOST_PLUGIN_SUBDIR);
  char *dir = path_absolute(bindir, rel);
  free(bindir);
  free(rel);
  return dir;
}

static void push_colon_list(strvec *dirs, const char *list) {
  char *copy = xstrdup(list);
  for (char *save = NULL, *d = strtok_r(copy, ":", &save); d;
       d = strtok_r(NULL, ":", &save))
    strvec_push(dirs, d);
  free(copy);
}

void plugin_search_path(strvec *dirs, const strvec *cli_dirs,
                        const config *cfg) {
  for (size_t i = 0; cli_dirs && i < cli_dirs->len; i++)
    strvec_push(dirs, cli_dirs->items[i]);
  const char *env = getenv("MBHOST_PLUGIN_PATH");
  if (env && *env) push_colon_list(dirs, env);
  const char *ini = cfg ? config_get(cfg, "host", "plugin_path") : NULL;
  strvec listed = {0};
  if (ini) split_list(ini, &listed);
  for (size_t i = 0; i < listed.len; i++)
    strvec_push_owned(dirs, path_absolute(cfg->dir, listed.items[i]));
  strvec_free(&listed);
  const char *data = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  if (data && *data)
    strvec_push_owned(dirs, xasprintf("%s/mbhost/plugins", data));
  else if (home && *home)
    strvec_push_owned(dirs, xasprintf("%s/.local/share/mbhost/plugins", home));
  char *bundled = plugin_bundled_dir();
  if (bundled) strvec_push_owned(dirs, bundled);
}

/* Plugins are code that runs as the user: refuse files others could swap. */
static char *unsafe_reason(const char *path, const struct stat *st) {
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    return xasprintf("%s is writable by %s (chmod go-w %s)", path,
                     st->st_mode & S_IWOTH ? "others" : "its group", path);
  if (st->st_uid != geteuid() && st->st_uid != 0)
    return xasprintf("%s is owned by uid %u, not by you or root", path,
                     (unsigned)st->st_uid);
  return NULL;
}

static void refuse(plugin_registry *reg, const char *path, char *why) {
  strvec_push_owned(&reg->refused, xasprintf("%s: %s", path, why));
  free(why);
}

static bool is_plain_name(const char *name) {
  if (!*name) return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '_'))
      return false;
  return true;
}

/* NULL when the descriptor is usable, else why not. */
static char *check_descriptor(const mb_plugin *d) {
  if (d->abi_major != MB_ABI_MAJOR)
    return xasprintf("built for mbhost plugin ABI %u, but this mbhost "
                     "speaks ABI %u: rebuild it against this mbhost's headers",
                     d->abi_major, MB_ABI_MAJOR);
  if (d->kind != MB_KIND_TOOLCHAIN && d->kind != MB_KIND_EXPORTER &&
      d->kind != MB_KIND_EXECUTOR && d->kind != MB_KIND_CACHE_STORE)
    return xasprintf("descriptor has kind %u, which this mbhost (plugin ABI "
                     "%d.%d) cannot use",
                     d->kind, MB_ABI_MAJOR, MB_ABI_MINOR);
  const struct {
    const char *field, *value;
  } strings[] = {{"id", d->id}, {"name", d->name}, {"version", d->version}};
  for (size_t i = 0; i < 3; i++)
    if (!strings[i].value || !*strings[i].value)
      return xasprintf("descriptor field '%s' is empty", strings[i].field);
  if (!is_plain_name(d->name))
    return xasprintf("descriptor name '%s' must be lowercase letters, digits, "
                     "'-' or '_'",
                     d->name);
  if (!d->init || !d->get_interface)
    return xasprintf("descriptor lacks init or get_interface");
  return NULL;
}

/* A bound must be of the option's type, and only ranged types have one. */
static char *check_bounds(const mb_option *o) {
  const char *bounds[] = {o->min, o->max};
  bool ranged = o->type == MB_OPT_INT || o->type == MB_OPT_SIZE ||
                o->type == MB_OPT_DURATION;
  for (size_t i = 0; i < 2; i++) {
    if (!bounds[i]) continue;
    char *problem = NULL;
    char *value = ranged ? schema_normalize(o, bounds[i], "/", &problem) : NULL;
    free(value);
    if (value) continue;
    free(problem);
    return xasprintf("option '%s' has %s '%s', which is not a bound of a%s "
                     "%s option",
                     o->key, i ? "max" : "min", bounds[i],
                     ranged ? "n" : " non-ranged", option_type_name(o->type));
  }
  if ((o->flags & MB_OPT_MUST_EXIST) && o->type != MB_OPT_PATH)
    return xasprintf("option '%s' has MB_OPT_MUST_EXIST but is not a path",
                     o->key);
  if ((o->flags & MB_OPT_SUFFIX_OS) && !(o->flags & MB_OPT_PREFIX))
    return xasprintf("option '%s' has MB_OPT_SUFFIX_OS without MB_OPT_PREFIX",
                     o->key);
  return NULL;
}

/* NULL when every option of the table is one this host can validate. A
   type or flag from a newer minor is refused here, not misread later. */
static char *check_options(const mb_option *options) {
  const uint32_t known_flags = MB_OPT_REQUIRED | MB_OPT_PER_TARGET |
                               MB_OPT_PREFIX | MB_OPT_MUST_EXIST |
                               MB_OPT_SUFFIX_OS;
  for (const mb_option *o = options; o && o->key; o++) {
    if (!*o->key) return xasprintf("an option has an empty key");
    if (o->type < MB_OPT_STRING || o->type > MB_OPT_ENV)
      return xasprintf("option '%s' has type %d, which this mbhost (plugin "
                       "ABI %d.%d) does not know: it needs a newer mbhost",
                       o->key, (int)o->type, MB_ABI_MAJOR, MB_ABI_MINOR);
    if (o->flags & ~known_flags)
      return xasprintf("option '%s' has flags 0x%x, which this mbhost "
                       "(plugin ABI %d.%d) does not know: it needs a newer "
                       "mbhost",
                       o->key, (unsigned)(o->flags & ~known_flags),
                       MB_ABI_MAJOR, MB_ABI_MINOR);
    if (o->type == MB_OPT_CHOICE && (!o->choices || !o->choices[0]))
      return xasprintf("choice option '%s' lists no choices", o->key);
    char *bad = check_bounds(o);
    if (bad) return bad;
  }
  return NULL;
}

static const char *interface_id(uint32_t kind) {
  return kind == MB_KIND_TOOLCHAIN     ? MB_TOOLCHAIN_INTERFACE
         : kind == MB_KIND_EXPORTER    ? MB_EXPORTER_INTERFACE
         : kind == MB_KIND_CACHE_STORE ? MB_CACHE_STORE_INTERFACE
                                       : MB_EXECUTOR_INTERFACE;
}

/* The store interface of any kind of plugin; NULL when it has none or it
   lacks what the host calls. */
static const mb_cache_store *store_interface(const plugin *p, void *self) {
  const mb_cache_store *s =
      p->desc->get_interface(self, MB_CACHE_STORE_INTERFACE);
  return s && s->open && s->get && s->put ? s : NULL;
}

static char *fetch_interface(plugin *p) {
  const char *id = interface_id(p->desc->kind);
  const void *iface = p->desc->get_interface(NULL, id);
  if (!iface)
    return xasprintf("a %s plugin without the %s interface",
                     plugin_kind_name(p->desc->kind), id);
  if (p->desc->kind == MB_KIND_TOOLCHAIN) {
    p->toolchain = iface;
    p->options = p->toolchain->options;
    if (!p->toolchain->probe || !p->toolchain->plan)
      return xasprintf("toolchain interface lacks probe or plan");
  } else if (p->desc->kind == MB_KIND_EXPORTER) {
    p->exporter = iface;
    p->options = p->exporter->options;
    if (!p->exporter->export_artifacts)
      return xasprintf("exporter interface lacks export_artifacts");
  } else if (p->desc->kind == MB_KIND_CACHE_STORE) {
    p->options = ((const mb_cache_store *)iface)->options;
  } else {
    p->executor = iface;
    p->options = p->executor->options;
    if (!p->executor->resolve_image || !p->executor->run_command ||
        !p->executor->run_step)
      return xasprintf("executor interface lacks resolve_image, run_command "
                       "or run_step");
  }
  p->detect = p->desc->get_interface(NULL, MB_TOOLCHAIN_DETECT_EXTENSION);
  p->validate = p->desc->get_interface(NULL, MB_TOOLCHAIN_VALIDATE_EXTENSION);
  if (p->desc->kind != MB_KIND_TOOLCHAIN) p->detect = NULL, p->validate = NULL;
  if (p->detect && !p->detect->detect) p->detect = NULL;
  if (p->validate && !p->validate->validate) p->validate = NULL;
  p->store = store_interface(p, NULL);
  if (p->desc->kind == MB_KIND_CACHE_STORE && !p->store)
    return xasprintf("cache store interface lacks open, get or put");
  char *why = check_options(p->options);
  if (!why && p->store && p->store->options != p->options)
    why = check_options(p->store->options);
  return why;
}

void plugin_fetch_instance_interfaces(plugin *p) {
  bool tool = p->desc->kind == MB_KIND_TOOLCHAIN;
  const void *iface =
      p->desc->get_interface(p->self, interface_id(p->desc->kind));
  if (iface && tool) p->toolchain = iface;
  if (iface && p->desc->kind == MB_KIND_EXPORTER) p->exporter = iface;
  if (iface && p->desc->kind == MB_KIND_EXECUTOR) p->executor = iface;
  const mb_cache_store *store = store_interface(p, p->self);
  if (store) p->store = store;
  if (!tool) return;
  const mb_toolchain_detect *detect =
      p->desc->get_interface(p->self, MB_TOOLCHAIN_DETECT_EXTENSION);
  const mb_toolchain_validate *validate =
      p->desc->get_interface(p->self, MB_TOOLCHAIN_VALIDATE_EXTENSION);
  if (detect && detect->detect) p->detect = detect;
  if (validate && validate->validate) p->validate = validate;
}

static const plugin *find_by(const plugin *list, size_t n, const char *id,
                             const char *name) {
  for (size_t i = 0; i < n; i++)
    if ((id && strcmp(list[i].desc->id, id) == 0) ||
        (name && strcmp(list[i].desc->name, name) == 0))
      return &list[i];
  return NULL;
}

static void register_plugin(plugin_registry *reg, plugin *p) {
  const plugin *same_name =
      find_by(reg->plugins, reg->len, NULL, p->desc->name);
  const plugin *same_id = find_by(reg->plugins, reg->len, p->desc->id, NULL);
  if (same_id && same_id != same_name) {
    refuse(
        reg, p->path,
        xasprintf("id '%s' is already used by %s", p->desc->id, same_id->path));
    free(p->path);
    return;
  }
  if (same_name) {
    char *a = path_dirname(same_name->path), *b = path_dirname(p->path);
    bool same_dir = strcmp(a, b) == 0;
    free(a), free(b);
    if (same_dir) {
      refuse(reg, p->path,
             xasprintf("name '%s' is already used by %s", p->desc->name,
                       same_name->path));
      free(p->path);
      return;
    }
    reg->shadowed = xrealloc(reg->shadowed, (reg->nshadowed + 1) * sizeof *p);
    reg->shadowed[reg->nshadowed++] = *p;
    return;
  }
  reg->plugins = xrealloc(reg->plugins, (reg->len + 1) * sizeof *p);
  reg->plugins[reg->len++] = *p;
}

char *plugin_open(const char *path, plugin *out) {
  /* Never dlclose: a plugin's threads or atexit handlers may outlive use. */
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return xasprintf("cannot load: %s", dlerror());
  mb_plugin_entry_fn entry;
  *(void **)&entry = dlsym(lib, MB_ENTRY_SYMBOL);
  if (!entry)
    return xasprintf("not an mbhost plugin (no %s symbol)", MB_ENTRY_SYMBOL);
  const mb_plugin *desc = entry(MB_ABI_MAJOR);
  if (!desc)
    return xasprintf("the plugin cannot serve plugin ABI %u "
                     "(its entry returned NULL)",
                     MB_ABI_MAJOR);
  char *why = check_descriptor(desc);
  if (why) return why;
  *out = (plugin){.path = xstrdup(path), .desc = desc};
  why = fetch_interface(out);
  if (why) free(out->path);
  return why;
}

static void load_candidate(plugin_registry *reg, scanner *scan,
                           const char *path, const strvec *wanted) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return;
  char *why = unsafe_reason(path, &st);
  /* Only a candidate that loaded cleanly in a child is loaded here, and
     only when the run needs it: the others cost no dlopen. */
  char *name = NULL;
  if (!why && scan) why = scanner_check(scan, path, &st, &name);
  bool needed = !why && (!wanted || !name || strvec_contains(wanted, name));
  free(name);
  if (!why && !needed) return;
  plugin p;
  if (!why) why = plugin_open(path, &p);
  if (why) return refuse(reg, path, why);
  register_plugin(reg, &p);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(plugin_registry *reg, scanner *scan, const char *dir,
                     const strvec *wanted) {
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return;
  char *unsafe = unsafe_reason(dir, &st);
  /* Whoever may write an ancestor could rename the folder away and put
     theirs in its place; in a sticky folder too, before it exists. A
     sticky folder that holds mbhost itself (a checkout in /tmp) is no
     weaker than the binary already running. */
  if (!unsafe) unsafe = ancestors_problem(dir, STICKY_IF_HOLDS_MBHOST);
  if (unsafe) return refuse(reg, dir, unsafe);
  DIR *d = opendir(dir);
  if (!d)
    return refuse(reg, dir, xasprintf("cannot list: %s", strerror(errno)));
  strvec names = {0};
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n > 3 && strcmp(e->d_name + n - 3, ".so") == 0)
      strvec_push(&names, e->d_name);
  }
  closedir(d);
  if (names.len)
    qsort(names.items, names.len, sizeof *names.items, compare_names);
  for (size_t i = 0; i < names.len; i++) {
    char *path = path_join(dir, names.items[i]);
    load_candidate(reg, scan, path, wanted);
    free(path);
  }
  strvec_free(&names);
}

void plugin_registry_load(plugin_registry *reg, const strvec *dirs,
                          const strvec *wanted, const char *cache_root,
                          bool save_verdicts) {
  scanner *scan =
      scanner_enabled() ? scanner_open(cache_root, save_verdicts) : NULL;
  for (size_t i = 0; i < dirs->len; i++) {
    if (strvec_contains(&reg->dirs, dirs->items[i])) continue;
    strvec_push(&reg->dirs, dirs->items[i]);
    load_dir(reg, scan, dirs->items[i], scan ? wanted : NULL);
  }
  if (scan) scanner_close(scan);
}

void plugin_registry_free(plugin_registry *reg) {
  for (size_t i = 0; i < reg->len; i++)
    free(reg->plugins[i].path);
  for (size_t i = 0; i < reg->nshadowed; i++)
    free(reg->shadowed[i].path);
  free(reg->plugins);
  free(reg->shadowed);
  strvec_free(&reg->refused);
  strvec_free(&reg->dirs);
  *reg = (plugin_registry){0};
}

plugin *plugin_find(const plugin_registry *reg, const char *name,
                    uint32_t kind) {
  for (size_t i = 0; i < reg->len; i++)
    if (reg->plugins[i].desc->kind == kind &&
        strcmp(reg->plugins[i].desc->name, name) == 0)
      return &reg->plugins[i];
  return NULL;
}

plugin *plugin_find_store(const plugin_registry *reg, const char *name) {
  for (size_t i = 0; i < reg->len; i++)
    if (reg->plugins[i].store && strcmp(reg->plugins[i].desc->name, name) == 0)
      return &reg->plugins[i];
  return NULL;
}

char *plugin_names(const plugin_registry *reg, uint32_t kind) {
  strbuf out = {0};
  strbuf_puts(&out, "");
  for (size_t i = 0; i < reg->len; i++)
    if (kind == MB_KIND_CACHE_STORE ? reg->plugins[i].store != NULL
                                    : reg->plugins[i].desc->kind == kind)
      strbuf_printf(&out, "%s%s", out.len ? ", " : "",
                    reg->plugins[i].desc->name);
  return out.data;
}
