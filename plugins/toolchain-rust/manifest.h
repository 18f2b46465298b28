/* What `mbhost init` reads from a Cargo.toml: the package's name. A line
   scanner, not a TOML parser: it reads what `cargo new` writes. */
#ifndef MB_RUST_MANIFEST_H
#define MB_RUST_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

/* The `name = "..."` of the [package] table, into buf. False when there is
   none (a virtual workspace manifest) or it does not fit. */
bool rust_manifest_name(const char *toml, char *buf, size_t cap);

#endif
