/* The checks of one target's options that the options table cannot
   express: names that must be plain, paths that must stay inside their
   folder, the files the chosen mode needs, the C library zig pins. */
#ifndef MB_C_VALIDATE_H
#define MB_C_VALIDATE_H

#include <mbhost/toolchain-validate.h>

#include "build.h"

/* Reports each problem of `target`'s options with opts->error; MB_OK or
   MB_ERROR. */
int c_validate_options(const mb_host *host, const mb_options_service *opts,
                       mb_call *call, const mb_target *target);

#endif
