/* One target's C build as the plugin resolved it (compiler, archiver,
   executable suffix), shared by the three modes that turn it into a plan:
   sources (compile and link directly), make and cmake. */
#ifndef MB_C_BUILD_H
#define MB_C_BUILD_H

#include <mbhost/toolchain.h>
#include <stdbool.h>

#include "argv.h"
#include "targets.h"

#define PATH_CAP 4096

/* The plugin instance: the host and the services every phase uses. */
typedef struct c_plugin {
  const mb_host *host;
  const mb_options_service *opts;
  const mb_process_service *proc;
} c_plugin;

typedef struct c_build {
  const mb_host *host;
  const mb_options_service *opts;
  const mb_process_service *proc;
  const mb_plan_services *plan;
  mb_call *call;
  const mb_target *target;
  const c_target *known; /* the table's entry, NULL for other targets */
  bool cross;            /* the target is not the host */
  argv_list cc;          /* the compiler's absolute path, then its fixed
                            arguments (words of `cc`, clang's --target) */
  bool zig;              /* cc is zig: cc holds `zig cc -target ...` */
  char ar[PATH_CAP];     /* the archiver for make's AR */
  bool ar_chosen;        /* `ar` was set, so cmake gets it too */
  char ranlib[PATH_CAP]; /* make's RANLIB and STRIP; "" for none */
  char strip[PATH_CAP];
  const char *exe_suffix; /* ".exe" on windows, else "" */
} c_build;

int c_plan_sources(c_build *b);
int c_plan_make(c_build *b);
int c_plan_cmake(c_build *b);

#endif
