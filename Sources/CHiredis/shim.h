#ifndef REST_SESSIONS_CHIREDIS_SHIM_H
#define REST_SESSIONS_CHIREDIS_SHIM_H

// Debian's libhiredis-dev (0.14.1) installs its headers under <hiredis/>.
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#endif
