/* What one callback of the exporter works with: the host's tables and the
   handle of the call, passed down as one argument. */
#ifndef TARBALL_CALL_H
#define TARBALL_CALL_H

#include <mbhost/exporter.h>

typedef struct tarball_call {
  const mb_host *host;
  const mb_options_service *options;
  const mb_process_service *process;
  const mb_export_services *svc; /* NULL in init */
  mb_call *call;
} tarball_call;

#endif
