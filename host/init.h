/* `mbhost init`: looks at the current folder (go.mod, Cargo.toml,
   CMakeLists.txt, Makefile, or C sources) and writes a commented build.ini
   that builds as it is. Go gets linux, darwin, windows x amd64, arm64; for
   Rust and C the toolchain plugin itself is asked which of those targets
   this machine can build, and only those go in the matrix. */
#ifndef MBHOST_INIT_H
#define MBHOST_INIT_H

#include <stdbool.h>

#include "run.h"

/* Writes opts->config_path (default build.ini) in the current folder;
   refuses to overwrite an existing file unless `force`. Returns the exit
   code. */
int init_main(const run_options *opts, bool force);

#endif
