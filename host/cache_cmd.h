/* `mbhost cache stats|prune|digest DIR`: look after the cache folder
   without building ([cache] dir and max_size from --config when given). */
#ifndef MBHOST_CACHE_CMD_H
#define MBHOST_CACHE_CMD_H

#include "cli.h"

int cache_command(const cli *c);

#endif
