#ifndef REST_SESSIONS_CEPOLL_SHIM_H
#define REST_SESSIONS_CEPOLL_SHIM_H

// Glibc's Swift module leaves out epoll and eventfd; the event loops need both.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

// Names the calling thread (the kernel keeps 15 bytes), so top and perf show which loop is which.
static inline void cepoll_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

// The processors this process may run on (its affinity mask: taskset, cpusets, a container's
// --cpuset-cpus), which can be fewer than the machine has online; CPU_COUNT is a macro Swift cannot call.
static inline int cepoll_usable_processors(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

#endif
