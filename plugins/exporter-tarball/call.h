/* What one callback of the exporter works with: the host's tables and the
   handle of the call, passed down as one argument. */
#ifndef TARBALL_CALL_H
#define TARBALL_CALL_H

/* plugin.h (ABI 1.0) names mb_host inside its own definition, in
   get_service's parameter, before the typedef exists; declaring it first
   lets the header compile (C11 allows the typedef to be repeated). */
typedef struct mb_host mb_host;

#include <mbhost/exporter.h>

typedef struct tarball_call {
  const mb_host *host;
  const mb_options_service *options;
  const mb_process_service *process;
  const mb_export_services *svc; /* NULL in init */
  mb_call *call;
} tarball_call;

#endif
