/* The name a Go package folder declares, read from the package clauses of
   its files the way `go build` selects them, without running go: a no-op
   rerun of mbhost spawns nothing, and `go list` could reach for the
   network to load the module's dependencies. */
#ifndef MBHOST_GO_PACKAGE_NAME_H
#define MBHOST_GO_PACKAGE_NAME_H

#include <stddef.h>

/* 1 when a file of `folder` declares `package main` (or when it cannot
   tell: no Go file, an unreadable folder); 0 when none does, with the
   name the files declare in `name`. Test files, files starting with '.'
   or '_', and files constrained by `//go:build ignore` do not count. */
int go_folder_is_main(const char *folder, char *name, size_t cap);

#endif
