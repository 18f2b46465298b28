/* A plugin file whose constructor leaves a mark: if the mark exists, the
   host (or its scanner) loaded the file. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void mark(void) {
  const char *path = getenv("MBHOST_TEST_MARKER");
  FILE *f = path ? fopen(path, "w") : NULL;
  if (f) fclose(f);
}
