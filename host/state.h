/* Owned state and trusted paths. What mbhost keeps between runs (the cache,
   each project's state, the scanner's verdicts) decides what runs and what
   is published, so, as ssh demands of ~/.ssh, only this user may write it:
   another local user who could would plant a cache hit, a probe result
   naming their program, or a symlink that makes a run overwrite a file.
   The same walk up the ancestors guards plugin folders (loader.c). */
#ifndef MBHOST_STATE_H
#define MBHOST_STATE_H

#include <stdbool.h>
#include <stdio.h>

/* NULL when `dir` may hold this user's state: a folder owned by this user
   that neither its group nor others may write, whose ancestors (as written
   and resolved) are owned by root or this user and not writable by others
   unless sticky (nobody else can rename what is ours inside /tmp). A
   missing `dir` is fine when `may_be_missing`. Else the reason and the fix
   (owned). */
char *state_dir_problem(const char *dir, bool may_be_missing);

/* Creates `dir` and its missing parents with mode 0700, then checks it as
   state_dir_problem does; NULL or why not (owned). */
char *state_dir_make(const char *dir);

/* Which sticky folders writable by others (such as /tmp) an ancestor may
   be. */
typedef enum sticky_rule {
  STICKY_REFUSED,
  STICKY_ACCEPTED,
  /* only those that also hold the running mbhost: whoever could replace
     what is below them could have replaced mbhost itself */
  STICKY_IF_HOLDS_MBHOST
} sticky_rule;

/* NULL when every ancestor of `path` up to / (as written and resolved) is
   owned by root or this user and not writable by others, but for sticky
   folders as `rule` says. Else why not (owned). */
char *ancestors_problem(const char *path, sticky_rule rule);

/* mkdir -p inside checked state: new folders get mode 0700. 0 or -1 with
   errno. */
int state_mkdirs(const char *path);

/* Opens a state file for reading, never through a symlink. A file that is
   not a regular file owned by this user, or that others (or its group) may
   write, was not made by mbhost for this user: it is refused with a warning
   naming `what`, and -1 is returned with errno EPERM (ENOENT etc. as
   open's). */
int state_open(const char *path, const char *what);
FILE *state_fopen(const char *path, const char *what);
/* The whole of a state file opened as state_fopen does, after a leading
   "\n" (so every line, the first too, can be found as "\nTEXT"); NULL
   when it cannot be used. */
char *state_read_text(const char *path, const char *what);

/* A new temporary file beside `path` (created exclusively, mode 0600,
   close-on-exec; never a name another user could plant): the open stream,
   and the temporary's name in *tmp (owned). NULL when it cannot be made. */
FILE *state_temp(const char *path, char **tmp);
/* Closes `f` and renames `tmp` over `path` when `ok` and every write went
   through, else removes `tmp`. Frees `tmp`; returns whether it committed. */
bool state_commit(FILE *f, char *tmp, const char *path, bool ok);

#endif
