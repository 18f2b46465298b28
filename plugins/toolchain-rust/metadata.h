/* Reading the binaries a Cargo package defines from the JSON of
   `cargo metadata --no-deps --format-version 1` (with jansson). */
#ifndef MB_RUST_METADATA_H
#define MB_RUST_METADATA_H

#include <stddef.h>

/* The names of the bin targets a plain `cargo build` builds: those of the
   workspace's default members (every package when cargo does not say).
   Returns MB_OK with a malloc'd array of malloc'd names in *names (free
   with cargo_bins_free), or MB_ERROR with a message in err. */
int cargo_bins_from_metadata(const char *json, char ***names, size_t *count,
                             char *err, size_t errcap);

void cargo_bins_free(char **names, size_t count);

#endif
