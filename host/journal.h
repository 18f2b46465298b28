/* The export journal: what the exporters of this run wrote through the host
   services (copy_file_atomic, temp_file_for/commit_file), kept so that a
   failed or interrupted export puts every file back as it was. Before a
   destination is first replaced, its previous content is hard-linked aside;
   folders the run creates are remembered. Thread-safe: exporters may write
   from several threads. */
#ifndef MBHOST_JOURNAL_H
#define MBHOST_JOURNAL_H

#include <stddef.h>

typedef struct journal journal;

journal *journal_open(void);
/* Records `dst` before it is written: keeps its current content aside (if it
   exists) and the topmost folder above it that does not exist yet. Only the
   first call for a path counts. 0, or -1 with errno. */
int journal_prepare(journal *j, const char *dst);
/* The export succeeded: drops what was kept aside. */
void journal_commit(journal *j);
/* The export failed or was interrupted: restores every previous file,
   removes every new file and folder, newest first. Returns how many paths
   could not be restored (each is logged). */
size_t journal_rollback(journal *j);
void journal_free(journal *j);

#endif
