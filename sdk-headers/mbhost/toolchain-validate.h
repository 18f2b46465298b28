/*
 * mbhost toolchain extension "mb.toolchain.validate/1" (optional).
 *
 * `mbhost validate` and `--dry-run` probe the toolchain, then call validate
 * and plan for every target, and report every problem with `file:line`
 * before anything is built; a build calls validate too, before planning.
 * validate checks what the options table cannot say about one target's
 * resolved options (a value that only fails with another value, a file the
 * target needs). See mbhost/plugin.h for the tags.
 */
#ifndef MBHOST_TOOLCHAIN_VALIDATE_H
#define MBHOST_TOOLCHAIN_VALIDATE_H

#include "toolchain.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_TOOLCHAIN_VALIDATE_EXTENSION "mb.toolchain.validate/1"

typedef struct mb_validate_services {
  /* A fact the probe recorded, or NULL. [main-thread] result [borrowed] */
  const char *(*fact)(mb_call *call, const char *key);
} mb_validate_services;

typedef struct mb_toolchain_validate {
  /* Checks `target`'s options (read through mb.options/1, which resolves
     [target os/arch] overrides). Reports each problem with the options
     service's error() and returns MB_ERROR; MB_OK when all is well.
     [main-thread] */
  int (*validate)(void *self, mb_call *call, const mb_target *target,
                  const mb_validate_services *validate);
} mb_toolchain_validate;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_TOOLCHAIN_VALIDATE_H */
