/*
 * mbhost plugin ABI 1.0: the core. Read this header first.
 *
 * The header set under mbhost/ is all a plugin author needs. Plugins never
 * link against mbhost: every host function reaches a plugin through tables
 * the host hands over.
 *
 *   plugin.h            the core: descriptor, entry symbol, the core host
 *                       table (log, set_error, cancelled, project facts,
 *                       get_service), mb_target, mb_artifact
 *   options.h           "mb.options/1": option tables and reading values
 *   process.h           "mb.process/1": find and run programs
 *   toolchain.h         "mb.toolchain/1": probe and plan, with their
 *                       phase services; "mb.probe-tree/1" (ABI 1.3): a
 *                       toolchain folder with parts a build never reads
 *                       left out; "mb.plan-tree-reads/1" (ABI 1.4): a
 *                       target keyed on the part of that folder its build
 *                       reads
 *   toolchain-detect.h  "mb.toolchain.detect/1": recognise a project for
 *                       `mbhost init` (optional)
 *   toolchain-validate.h "mb.toolchain.validate/1": per-target checks for
 *                       `mbhost validate` and --dry-run (optional)
 *   exporter.h          "mb.exporter/1": export, with its phase services
 *   executor.h          "mb.executor/1" (ABI 1.1): run plans elsewhere,
 *                       such as in a container image
 *   cache-store.h       "mb.cache-store/1" (ABI 1.2): a remote cache
 *                       shared between machines (S3, Bazel HTTP cache)
 *
 * SHAPE (after CLAP)
 *   - One exported function, mbhost_plugin_entry, returns a frozen
 *     descriptor (mb_plugin).
 *   - The plugin hands out interfaces by versioned string id through
 *     mb_plugin.get_interface: its kind's main interface ("mb.toolchain/1")
 *     and optional extensions ("mb.toolchain.detect/1").
 *   - The host hands the plugin a small core table (mb_host) and further
 *     services by versioned string id through mb_host.get_service
 *     ("mb.options/1"). Whether a service exists is that lookup: NULL means
 *     this host does not have it.
 *   - Services that only make sense in one phase are not in any table the
 *     plugin keeps: they are passed as an argument to the callback of that
 *     phase (probe, plan, detect, export), so calling a plan service from a
 *     probe does not compile.
 *
 * TAGS
 *   Every function is tagged with the thread it may be called on and who
 *   owns what crosses the boundary:
 *   [main-thread]  only from the host's main thread (every plugin callback
 *                  runs there, one at a time, unless it says otherwise)
 *   [any-thread]   also from threads the plugin started, while the callback
 *                  that received the mb_call is still running
 *   [borrowed]     valid only until the callback that received it returns
 *   [copied]       the host copies it before the service returns
 *   [plugin-owned] the plugin's, valid until deinit (in practice: static)
 *   No memory is ever freed across the boundary.
 *
 * COMPATIBILITY PROMISE (major 1)
 *   A plugin built against any 1.x headers loads into any 1.y host, older or
 *   newer.
 *   - Nothing here is removed, reordered, resized or changes meaning: the
 *     descriptor, mb_host, mb_option, mb_target, mb_artifact and every
 *     table behind a released id are frozen.
 *   - A minor version only adds: services and interfaces under new ids,
 *     enum values and flags. MB_ABI_MINOR counts these additions, and
 *     mb_host.abi_minor is the running host's. A changed service or
 *     interface ships under a new id ("mb.process/2"); hosts keep serving,
 *     and asking for, the ids they know.
 *   - A plugin that wants a newer service asks get_service and copes with
 *     NULL (falls back, or fails init saying which mbhost it needs).
 *   - An options table that uses a type or flag the running host does not
 *     know is refused at load, with a message saying a newer mbhost is
 *     needed: the table is read before init, so it cannot adapt.
 *   - Structs the plugin fills for the host (mb_artifact) start with
 *     struct_size, so the host reads only the fields the plugin knows;
 *     structs the host fills are filled only up to the plugin's struct_size.
 *   - A service's documented behaviour does not change. A host may become
 *     more lenient in what it accepts, never stricter.
 *   - A new major may change anything. The host passes its major to
 *     mbhost_plugin_entry; a plugin returns NULL for a major it was not
 *     built for, and the host refuses a descriptor of another major.
 *
 * LOADING
 *   The host loads only the plugins the configuration names. Each candidate
 *   is first loaded in a short-lived child process (the plugin scanner), and
 *   loaded by the host only when that went well: a plugin that crashes,
 *   exits or blocks for longer than MBHOST_PLUGIN_SCAN_TIMEOUT seconds
 *   (default 10) while loading is refused and the host goes on. Library
 *   constructors and mbhost_plugin_entry may therefore run more than once,
 *   in more than one process: they must be quick and have no side effects
 *   (start threads, open connections or read configuration in init). The
 *   verdict is cached by path, size and modification time. Libraries are
 *   never unloaded.
 */
#ifndef MBHOST_PLUGIN_H
#define MBHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MB_ABI_MAJOR 1
#define MB_ABI_MINOR 4

#if defined(__GNUC__)
#define MB_EXPORT __attribute__((visibility("default")))
#define MB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MB_EXPORT
#define MB_PRINTF(f, a)
#endif

/* Return codes of plugin callbacks and host services. */
enum {
  MB_OK = 0,          /* success */
  MB_ERROR = 1,       /* failure; the message was given with set_error */
  MB_UNSUPPORTED = 2, /* this target or project is not one the plugin can
                         handle here; the reason (what to do about it) given
                         with set_error */
  MB_CANCELLED = 3,   /* the run is being interrupted */
  MB_NOT_FOUND = 4    /* the object asked for does not exist (cache stores,
                         since ABI 1.2) */
};

/* Plugin kinds: which main interface the plugin implements. A plugin may
   hand out the interfaces of other kinds too (the s3 exporter is also a
   cache store); its kind says which one it is listed under. */
enum {
  MB_KIND_TOOLCHAIN = 1,  /* "mb.toolchain/1" */
  MB_KIND_EXPORTER = 2,   /* "mb.exporter/1" */
  MB_KIND_EXECUTOR = 3,   /* "mb.executor/1" (executor.h), since ABI 1.1 */
  MB_KIND_CACHE_STORE = 4 /* "mb.cache-store/1" (cache-store.h), since
                             ABI 1.2 */
};

/* Log levels for mb_host.log. */
enum { MB_LOG_ERROR = 0, MB_LOG_WARN = 1, MB_LOG_INFO = 2, MB_LOG_DEBUG = 3 };

/* One cell of the build matrix. [borrowed] */
typedef struct mb_target {
  const char *name; /* "linux/amd64" */
  const char *os;   /* Go vocabulary: linux, darwin, windows, freebsd, ... */
  const char *arch; /* Go vocabulary: amd64, arm64, 386, arm, riscv64, ... */
} mb_target;

/*
 * A file the host knows about: a build output, or something an exporter made
 * or published. Exporters receive these and emit new ones.
 */
typedef struct mb_artifact {
  uint32_t struct_size; /* sizeof(mb_artifact) as the plugin compiled it */
  const char *target;   /* "os/arch", or NULL for files not tied to one
                           target (a checksums file) */
  const char *kind;     /* "binary", "library", "archive", "checksums",
                           "file", ... */
  const char *name;     /* file name relative to its destination, using '/',
                           e.g. "hello.exe" or "hello_1.0_linux_amd64.tar.gz";
                           never absolute, never containing ".." */
  const char *path;     /* absolute path of the file on this machine */
  const char *url;      /* where it was published ("s3://bucket/key"), or
                           NULL when the artifact is a local file only */
  const char *sha256; /* lowercase hex digest, or NULL: the host computes it */
  uint64_t size;      /* in bytes; filled by the host, ignored on emit */
} mb_artifact;

/*
 * The handle of one plugin callback [borrowed]. It tells each service what
 * the call is about (which plugin, which target) and is the first argument
 * of every service.
 */
typedef struct mb_call mb_call;

typedef struct mb_host mb_host;

/*
 * The core host table, given to init; valid until deinit. Frozen.
 */
struct mb_host {
  uint32_t abi_major;       /* MB_ABI_MAJOR of the host */
  uint32_t abi_minor;       /* MB_ABI_MINOR of the host */
  const char *host_version; /* "0.2.0" [plugin-owned by the host] */

  /* Writes a message to the run's log (and the terminal, by level and
     -v/-q). [any-thread] fmt and arguments [copied] */
  void (*log)(mb_call *call, int level, const char *fmt, ...) MB_PRINTF(3, 4);

  /* Sets the message the host shows when the callback returns MB_ERROR or
     MB_UNSUPPORTED. The last call wins. [any-thread] [copied] */
  void (*set_error)(mb_call *call, const char *fmt, ...) MB_PRINTF(2, 3);

  /* Non-zero once the user interrupted the run (or its time ran out): stop
     and return MB_CANCELLED soon. [any-thread] */
  int (*cancelled)(mb_call *call);

  /* Project facts: "name", "version" (may be ""), "source" and "output"
     (absolute folders), "config" (absolute path of the INI file), "jobs"
     (the run's -j, decimal). NULL for an unknown key, and in detect calls
     (there is no configuration yet). [any-thread] result [borrowed] */
  const char *(*project)(mb_call *call, const char *key);

  /* The service table with this versioned id ("mb.options/1", see
     options.h and process.h), or NULL when this host has none such. The
     table stays valid until deinit; its functions take the mb_call of the
     callback that uses them. [main-thread] */
  const void *(*get_service)(const mb_host *host, const char *service_id);

  void *reserved[8]; /* NULL */
};

/*
 * The descriptor: frozen for major 1. Returned by mbhost_plugin_entry; must
 * stay valid (static storage) for the life of the process.
 */
typedef struct mb_plugin {
  uint32_t abi_major;      /* MB_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;      /* MB_ABI_MINOR the plugin was built against;
                              any minor loads (see COMPATIBILITY PROMISE) */
  uint32_t kind;           /* MB_KIND_* */
  const char *id;          /* reverse-DNS, unique: "org.example.zig" */
  const char *name;        /* short name used in the INI: "zig" */
  const char *version;     /* the plugin's own version: "1.2.0" */
  const char *description; /* one line */

  /* Creates the plugin instance, after the configuration was validated
     against the options table. `host` stays valid until deinit. *self is
     handed back to every later callback. MB_OK, or MB_ERROR after
     host->set_error(call, ...). [main-thread] */
  int (*init)(const mb_host *host, mb_call *call, void **self);

  /* Destroys the instance. May be NULL. [main-thread] */
  void (*deinit)(void *self);

  /* Returns the interface or extension with this versioned id
     ("mb.toolchain/1", "mb.toolchain.detect/1"), or NULL when the plugin
     does not implement it. `self` is NULL when the host asks before init
     (to read the options table); a plugin answers the same ids either way.
     [main-thread] result [plugin-owned]; must not call host services */
  const void *(*get_interface)(void *self, const char *interface_id);

  void *reserved[8]; /* NULL */
} mb_plugin;

/* The only symbol a plugin exports. Called before anything else.
   [main-thread] */
typedef const mb_plugin *(*mb_plugin_entry_fn)(uint32_t host_abi_major);

#define MB_ENTRY_SYMBOL "mbhost_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_PLUGIN_H */
