/*
 * mbhost plugin ABI, major version 1.
 *
 * This header set (mbhost/plugin.h, mbhost/toolchain.h, mbhost/exporter.h)
 * is all a plugin author needs. Plugins never link against mbhost: every
 * host function reaches a plugin through the mb_host table passed to init.
 *
 * A plugin is a shared library that exports exactly one symbol:
 *
 *     MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major);
 *
 * It returns its descriptor, or NULL if it cannot serve that major.
 *
 * COMPATIBILITY PROMISE
 *   A plugin built against any 1.x headers loads into any 1.y host, older or
 *   newer. Within major 1:
 *   - Nothing in these headers is removed, reordered, resized or changes
 *     meaning. mb_plugin and the mb_option, mb_target and interface structs
 *     are frozen; the reserved slots of mb_plugin stay NULL.
 *   - A minor version only adds: services at the end of mb_host (whose first
 *     field is its own struct_size), interfaces under new ids, enum values
 *     and flags. MB_ABI_MINOR counts these additions; host->abi_minor is the
 *     running host's.
 *   - A plugin built against a newer minor checks MB_HOST_HAS(host, field)
 *     before calling a service the running host may not have, and falls
 *     back (or returns MB_ERROR saying which mbhost it needs). Services of
 *     minor 0 are always present.
 *   - An options table that uses a type or flag newer than the running
 *     host is refused at load with a message saying a newer mbhost is
 *     needed: the table is read before init, so it cannot adapt. Other enum
 *     values newer than minor 0 are used only when host->abi_minor has them.
 *   - Structs the plugin fills (mb_artifact) start with struct_size, so the
 *     host reads only the fields the plugin knows; structs the host fills
 *     for the plugin are filled only up to the plugin's struct_size.
 *   - A service's documented behaviour does not change. A host may become
 *     more lenient in what it accepts, never stricter.
 *   - Interfaces are fetched by a versioned string id ("mb.toolchain/1").
 *     A released interface never changes; a change ships as a new id
 *     ("mb.toolchain/2"). Hosts of major 1 keep asking for the ids they
 *     know, so a plugin that implements both /1 and /2 works with hosts on
 *     either side of the change.
 *   - A new major may change anything. The host passes its major to
 *     mbhost_plugin_entry; a plugin returns NULL for a major it was not
 *     built for (or, to serve several, a descriptor per major), and the host
 *     refuses a descriptor whose abi_major differs from its own.
 *
 * LOADING
 *   The host first loads each candidate in a short-lived child process (the
 *   plugin scanner) and only loads it itself when that went well: a plugin
 *   that crashes, exits or blocks for longer than MBHOST_PLUGIN_SCAN_TIMEOUT
 *   seconds (default 10) while loading is refused and the host goes on. So
 *   library constructors and mbhost_plugin_entry may run more than once, in
 *   more than one process: they must be quick and have no side effects
 *   (start threads, open connections or read configuration in init). The
 *   verdict is cached by path, size and modification time. Libraries are
 *   never unloaded.
 *
 * OWNERSHIP
 *   - Arguments passed to a plugin are borrowed for the duration of the call.
 *   - Strings and tables in the descriptor and interfaces belong to the plugin
 *     and must stay valid until deinit (in practice: static data).
 *   - Strings a service returns belong to the host and stay valid until the
 *     plugin callback that received the mb_call returns, unless the service
 *     says otherwise.
 *   - Strings passed to a service are copied by the host before it returns.
 *   - No memory is ever freed across the boundary.
 *
 * THREADS
 *   Every callback of a plugin is called from the host's main thread, one at
 *   a time, unless its documentation says otherwise. A plugin may start its
 *   own threads; from those it may call only the services marked
 *   "any thread", and only while the callback that received the mb_call is
 *   still running.
 */
#ifndef MBHOST_PLUGIN_H
#define MBHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MB_ABI_MAJOR 1
#define MB_ABI_MINOR 0

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
  MB_UNSUPPORTED = 2, /* toolchain: this target cannot be built here; the
                         reason (what to do about it) given with set_error */
  MB_CANCELLED = 3    /* the run is being interrupted */
};

/* Plugin kinds. */
enum { MB_KIND_TOOLCHAIN = 1, MB_KIND_EXPORTER = 2 };

/* Log levels for mb_host.log. */
enum { MB_LOG_ERROR = 0, MB_LOG_WARN = 1, MB_LOG_INFO = 2, MB_LOG_DEBUG = 3 };

/*
 * One configuration key a plugin accepts, in its own INI section
 * ([toolchain] for toolchains, [export.NAME] for exporters). Tables end with
 * an entry whose key is NULL. The host validates every key of the section
 * against the table before any plugin callback runs, so option values a
 * plugin reads are already well-formed.
 */
typedef enum mb_option_type {
  MB_OPT_STRING = 1, /* any text */
  MB_OPT_BOOL = 2, /* true/false/yes/no/on/off/1/0; read back "true"/"false" */
  MB_OPT_INT = 3,  /* a non-negative decimal integer */
  MB_OPT_SIZE = 4, /* bytes, with an optional KiB/MiB/GiB (or K/M/G) suffix;
                      read back as a decimal number of bytes */
  MB_OPT_DURATION = 5, /* 90, 90s, 30m, 2h; read back as whole seconds */
  MB_OPT_LIST = 6,     /* comma-separated items (see option_split) */
  MB_OPT_WORDS = 7,    /* whitespace-separated words, '...' and "..." quote */
  MB_OPT_CHOICE = 8,   /* one of the NULL-terminated `choices` */
  MB_OPT_PATH = 9,     /* a path; relative paths resolve against the INI's
                          folder, read back absolute */
  MB_OPT_ENV = 10      /* comma-separated NAME=value items (environment for
                          the build); see plan_set_env_option */
} mb_option_type;

enum {
  MB_OPT_REQUIRED = 1u << 0,   /* the key must be set */
  MB_OPT_PER_TARGET = 1u << 1, /* may be overridden in [target os/arch] */
  MB_OPT_PREFIX = 1u << 2      /* `key` ends with '.', and matches key.SUFFIX;
                                  e.g. "format." matches format.windows */
};

typedef struct mb_option {
  const char *key;           /* e.g. "ldflags"; NULL ends the table */
  mb_option_type type;       /* how the host validates the value */
  const char *default_value; /* as written in an INI file, or NULL */
  const char *help; /* one line, shown by `mbhost plugins --describe` */
  uint32_t flags;   /* MB_OPT_* flags */
  const char *const *choices; /* MB_OPT_CHOICE: NULL-terminated; else NULL */
} mb_option;

/* One cell of the build matrix. */
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
  const char *kind;     /* "binary", "archive", "checksums", "file", ... */
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
 * The handle for one plugin callback. Borrowed: valid only until the callback
 * that received it returns. It carries what the call is about (the target
 * being planned, the artifacts being exported) and is the first argument of
 * every service.
 */
typedef struct mb_call mb_call;

/* Splitting modes for option_split. */
enum { MB_SPLIT_LIST = 1, MB_SPLIT_WORDS = 2 };

/*
 * Host services. Passed to init; the pointer stays valid until deinit.
 * Append-only within a major: check MB_HOST_HAS before using a service that
 * is newer than MB_ABI_MINOR 0.
 */
typedef struct mb_host {
  uint32_t struct_size;     /* sizeof(mb_host) as the host compiled it */
  uint32_t abi_major;       /* MB_ABI_MAJOR of the host */
  uint32_t abi_minor;       /* MB_ABI_MINOR of the host */
  const char *host_version; /* "0.1.0"; host-owned, valid until deinit */

  /* --- Available in every callback --- */

  /* Writes a message to the run's log (and the terminal, by level and -v/-q).
     Any thread. */
  void (*log)(mb_call *call, int level, const char *fmt, ...) MB_PRINTF(3, 4);

  /* Sets the message the host shows when the callback returns MB_ERROR or
     MB_UNSUPPORTED. The last call wins. Copied. Any thread. */
  void (*set_error)(mb_call *call, const char *fmt, ...) MB_PRINTF(2, 3);

  /* Non-zero once the user interrupted the run: stop and return
     MB_CANCELLED soon. Any thread. */
  int (*cancelled)(mb_call *call);

  /* The value of one of this plugin's options, after defaults, ${VAR}
     expansion, and (in a plan call) the [target os/arch] override; values
     are normalized as mb_option_type says. NULL when unset without default,
     or when `key` is not in the plugin's table. */
  const char *(*option)(mb_call *call, const char *key);

  /* Splits option(key) into items (MB_SPLIT_LIST: at commas, items trimmed,
     empty items dropped; MB_SPLIT_WORDS: at whitespace, with quotes).
     Returns a NULL-terminated array, never NULL; *count may be NULL. */
  const char *const *(*option_split)(mb_call *call, const char *key, int mode,
                                     size_t *count);

  /* Project facts: "name", "version" (may be ""), "source" and "output"
     (absolute folders), "config" (absolute path of the INI file).
     NULL for an unknown key. */
  const char *(*project)(mb_call *call, const char *key);

  /* Looks `program` up in PATH (or checks it, when it contains a '/').
     Writes the absolute path to buf; MB_OK, or MB_ERROR when it is not
     found or buf is too small. */
  int (*find_program)(mb_call *call, const char *program, char *buf,
                      size_t cap);

  /* Runs a program to completion: argv[0] is searched in PATH, no shell.
     `env` is NULL or a NULL-terminated list of "NAME=value" overrides of
     the host's environment; `cwd` may be NULL. Standard output (and
     standard error when `merge_stderr` is non-zero) goes to `out`,
     truncated to cap-1 bytes and always NUL-terminated (out may be NULL
     when cap is 0). *exit_code gets the exit status, or 128+signal.
     Returns MB_OK when the program ran, MB_ERROR when it could not start,
     MB_CANCELLED on interrupt. For probes and planning; builds are plans. */
  int (*run)(mb_call *call, const char *const *argv, const char *const *env,
             const char *cwd, int merge_stderr, char *out, size_t cap,
             int *exit_code);

  /* --- Toolchain probe calls only --- */

  /* Records a fact about the toolchain (the key "version" is required: one
     line, such as "go1.22.1"). Facts are cached by the host and handed to
     later plan calls through `fact`, so a probe need not run again while
     its dependencies are unchanged. */
  void (*probe_set_fact)(mb_call *call, const char *key, const char *value);

  /* Declares a file the probe result depends on (the tool's executable).
     The host reuses the cached facts while every such file keeps its path,
     size and modification time. */
  void (*probe_depends_on)(mb_call *call, const char *path);

  /* --- Toolchain plan calls only --- */

  /* A fact the probe recorded, or NULL. */
  const char *(*fact)(mb_call *call, const char *key);

  /* Sets (value non-NULL) or removes (value NULL) an environment variable
     for every step of the plan. Plan environment is part of the cache key. */
  void (*plan_set_env)(mb_call *call, const char *name, const char *value);

  /* Sets the working folder of the steps: absolute, or relative to the
     project source. Default: the project source. */
  void (*plan_set_workdir)(mb_call *call, const char *path);

  /* Names a container image that has the tools, for container executors.
     The local executor ignores it; it is part of the cache key. */
  void (*plan_set_image)(mb_call *call, const char *image);

  /* Appends a step: argv is NULL-terminated; argv[0] is searched in PATH.
     Steps run in order; consecutive steps added with MB_STEP_PARALLEL may
     run at the same time (each one still waits for every earlier
     non-parallel step, and the next non-parallel step waits for them).
     In argv and env values, "{staging}" is replaced by the target's
     staging folder (emptied before the first step) and "{scratch}" by a
     folder that is kept between runs for this target (incremental build
     state, such as a cargo target directory). In argv only, "{jobs}" is
     replaced by the target's share of -j (at least 1), for tools with
     their own parallelism flag (`go build -p {jobs}`); make and cargo
     instead find mbhost's jobserver in MAKEFLAGS / CARGO_MAKEFLAGS. Plan
     text, placeholders unexpanded, is part of the cache key. */
  void (*plan_add_step)(mb_call *call, const char *const *argv, uint32_t flags);

  /* Declares an output file. `name` is its name relative to the target's
     destination (e.g. "hello.exe"). `from` is where the finished steps
     leave it ({staging}/{scratch} expanded, relative paths against the
     staging folder), or NULL for "{staging}/name". A declared output that
     is missing after the steps fails the target. */
  void (*plan_add_output)(mb_call *call, const char *name, const char *from,
                          const char *kind);

  /* --- Exporter calls only --- */

  /* Number of artifacts this exporter receives (the build outputs for the
     first exporter of the chain, the previous exporter's emissions after). */
  size_t (*artifact_count)(mb_call *call);

  /* Fills *out (whose struct_size the plugin set) with artifact `index`.
     Strings are host-owned for the call. MB_ERROR when out of range. */
  int (*artifact_get)(mb_call *call, size_t index, mb_artifact *out);

  /* Emits an artifact for the next exporter and for artifacts.json. The host
     copies it, checks its name (relative, no "..", no NUL), and computes
     size (and sha256 when NULL) from `path`. MB_ERROR when refused.
     Any thread. */
  int (*emit_artifact)(mb_call *call, const mb_artifact *artifact);

  /* Copies `src` to the absolute path `dst`, creating parent folders, by
     writing a temporary file beside `dst` and renaming it over `dst`, so a
     reader sees the old file or the new one, never a partial one. The mode
     of `src` is kept. Any thread. */
  int (*copy_file_atomic)(mb_call *call, const char *src, const char *dst);

  /* Writes a temporary path in dst's folder into buf (creating folders), for
     a plugin that produces a file itself; finish with commit_file.
     Any thread. */
  int (*temp_file_for)(mb_call *call, const char *dst, char *buf, size_t cap);

  /* Renames a temporary file from temp_file_for over `dst` (after fsync),
     or removes it when `keep` is 0. Any thread. */
  int (*commit_file)(mb_call *call, const char *temp, const char *dst,
                     int keep);

  /* Computes the SHA-256 of a file as lowercase hex into hex[65].
     Any thread. */
  int (*sha256_file)(mb_call *call, const char *path, char hex[65]);

  /* --- Any callback, main thread --- */

  /* Reports a problem with the value of one of this plugin's options, for
     checks the options table cannot express. The host prints it as a
     configuration error naming the INI file, the key's line and the key
     ("build.ini:14: format.plan9: ...") and exits with the config-error
     code once the callback returns MB_ERROR. */
  void (*option_error)(mb_call *call, const char *key, const char *fmt, ...)
      MB_PRINTF(3, 4);

  /* The keys set in this plugin's section that start with `prefix` (for
     MB_OPT_PREFIX options such as "format."), in file order, as a
     NULL-terminated array; *count may be NULL. Read each value with
     option(). Main thread. */
  const char *const *(*option_keys)(mb_call *call, const char *prefix,
                                    size_t *count);

  /* Plan calls: sets every NAME=value item of an MB_OPT_ENV option (as
     resolved for the target) with plan_set_env. The host has validated the
     items against the INI already. */
  void (*plan_set_env_option)(mb_call *call, const char *key);
} mb_host;

/* Step flags for plan_add_step. */
enum { MB_STEP_PARALLEL = 1u << 0 };

/* True when the running host's table contains service `field`. */
#define MB_HOST_HAS(host, field)                                               \
  ((host)->struct_size >= offsetof(mb_host, field) + sizeof((host)->field) &&  \
   (host)->field != NULL)

/*
 * The descriptor: frozen for major 1. Returned by mbhost_plugin_entry; must
 * stay valid (static storage) for the life of the process.
 */
typedef struct mb_plugin {
  uint32_t abi_major;      /* MB_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;      /* MB_ABI_MINOR the plugin was built against;
                              any minor loads (see COMPATIBILITY PROMISE) */
  uint32_t kind;           /* MB_KIND_TOOLCHAIN or MB_KIND_EXPORTER */
  const char *id;          /* reverse-DNS, unique: "org.example.zig" */
  const char *name;        /* short name used in the INI: "zig" */
  const char *version;     /* the plugin's own version: "1.2.0" */
  const char *description; /* one line */

  /* Creates the plugin instance. Called once, on the main thread, after
     the configuration was validated. `host` stays valid until deinit.
     *self is handed back to every later callback. Return MB_OK, or
     MB_ERROR after host->set_error(call, ...). */
  int (*init)(const mb_host *host, mb_call *call, void **self);

  /* Destroys the instance. Called once, on the main thread. May be NULL. */
  void (*deinit)(void *self);

  /* Returns the interface with this versioned id ("mb.toolchain/1",
     "mb.exporter/1"), or NULL when the plugin does not implement it.
     `self` is NULL when the host asks before init (to read the options
     table). The returned pointer is the plugin's, valid until deinit.
     Main thread; must not call host services. */
  const void *(*get_interface)(void *self, const char *interface_id);

  void *reserved[8]; /* must be NULL */
} mb_plugin;

/* The only symbol a plugin exports. Called on the main thread, before
   anything else. */
typedef const mb_plugin *(*mb_plugin_entry_fn)(uint32_t host_abi_major);

#define MB_ENTRY_SYMBOL "mbhost_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_PLUGIN_H */
