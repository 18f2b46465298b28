/* `mbhost init`: asks every toolchain plugin with the detect extension
   whether it recognises the current folder, and writes a commented
   build.ini from the strongest answer: the toolchain's proposed keys and
   targets (linux, darwin, windows x amd64, arm64 when it proposes none),
   keeping only the targets this machine can build, by the same probe and
   plan a build makes. The host knows nothing of any toolchain's files. */
#ifndef MBHOST_INIT_H
#define MBHOST_INIT_H

#include <stdbool.h>

#include "run.h"

/* Writes opts->config_path (default build.ini) in the current folder;
   refuses to overwrite an existing file unless `force`. Returns the exit
   code. */
int init_main(const run_options *opts, bool force);

#endif
