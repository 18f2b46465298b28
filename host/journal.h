/* The export journal: an undo log on disk, so that an export (every file
   the exporter chain writes through the host services, then artifacts.json)
   is one transaction on the output folder, even across SIGKILL.

   The protocol. The journal is `<state_dir>/export-journal`, created
   exclusively with the first record and flock()ed by its run for as long
   as the run lives; a
   journal nobody holds a lock on is a dead run's. It is a text file of
   records, each one line written with a single write() and fsynced before
   the change it announces is made:

     J 1 <run id>          header: format 1, the run's random id
     O <output folder>     every path below must be inside it
     D <folder>            about to create this folder (outermost first)
     N <path>              about to create <path>; nothing is there
     R <path>              <path> exists: about to hard-link it aside as
                           <path>.mbhost-old.<run id>, then replace it
     T <path>              about to create this temporary file
     C                     committed: the new state is complete and durable

   A destination is replaced only by rename() once its previous content is
   aside (R) or once its absence is recorded (N), and only the first write
   of a path in a run is recorded: later writes replace the run's own file.
   Before C is written, every new file has been fsynced and every folder
   holding a renamed or linked name has been fsynced, so the new state is
   complete on disk. Recovery reads the records (a last line without its
   newline is a record that was never acted on, and is ignored):
   - without C, rolls back, newest record first: T is removed; R's backup,
     if it exists, is renamed back over <path> (if it does not, <path> was
     never replaced); N's <path> is removed; D's folder is removed when
     empty (a folder holding anything not ours stays);
   - with C, rolls forward: T files and R backups are removed.
   Both are idempotent, so a recovery killed halfway is simply run again;
   the journal is removed last. The outcome is exactly the old folder (with
   its old artifacts.json) or exactly the new one, and nothing the run did
   not write is touched. Thread-safe: exporters may write from several
   threads. */
#ifndef MBHOST_JOURNAL_H
#define MBHOST_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct journal journal;

/* Starts a transaction on `output_dir` with its journal in `state_dir`.
   The journal file is created with the first record, so an export that
   writes nothing (a no-op run) touches no disk; a record that cannot be
   written (the journal cannot be created, or a live run holds one there:
   said in a message) fails its write. NULL when no random run id can be
   had. */
journal *journal_begin(const char *state_dir, const char *output_dir);
/* Records `dst` before it is written: keeps its current content aside (if
   it exists) and the folders above it that do not exist yet. Only the
   first call for a path counts. 0, or -1 with errno. */
int journal_prepare(journal *j, const char *dst);
/* Creates (exclusively, O_NOFOLLOW) a recorded temporary file beside
   `dst`, after journal_prepare(dst): its fd, and its path in *tmp (caller
   frees); -1 with errno. */
int journal_temp(journal *j, const char *dst, char **tmp);
/* Renames a temporary file from journal_temp over `dst` after fsync. 0, or
   -1 with errno (the temporary file is removed). */
int journal_rename(journal *j, const char *tmp, const char *dst);
/* Copies `src` to `dst` through a temporary file: the file services'
   copy_file_atomic, journaled. 0, or -1 with errno. */
int journal_copy(journal *j, const char *src, const char *dst);
/* Whether `dst` holds a copy of `src` that the last committed export wrote
   or found, with neither changed since (their stamps, stamp.h, are those
   it recorded in `<state_dir>/export-copies`). Then the copy is not made,
   nor journaled: nothing is written, so nothing is to put back. */
bool journal_same_copy(journal *j, const char *src, const char *dst);
/* The transaction's decision: every new file is made durable, then the
   commit record is written. 0, or -1 with errno (then roll back). */
int journal_commit(journal *j);
/* Ends the transaction and frees j: after journal_commit, drops what was
   kept aside (roll forward); otherwise puts every previous file back and
   removes every new file and folder (roll back). Returns how many paths
   could not be put back (each is logged). */
size_t journal_end(journal *j);

/* Finds the journals of dead runs under `projects_dir` (one per
   `<project>/export-journal`) whose output folder is `output_dir` (NULL:
   any) and recovers each as above, saying what it did. Returns how many
   journals could not be recovered completely. */
size_t journal_recover(const char *projects_dir, const char *output_dir);

#endif
