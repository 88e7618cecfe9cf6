#ifndef REST_SESSIONS_CEPOLL_SHIM_H
#define REST_SESSIONS_CEPOLL_SHIM_H

// Glibc's Swift module leaves out epoll and eventfd; the event loops need both.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

// Names the calling thread (the kernel keeps 15 bytes), so top and perf show which loop is which.
static inline void cepoll_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

#endif
