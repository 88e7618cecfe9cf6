#ifndef REST_SESSIONS_CEPOLL_SHIM_H
#define REST_SESSIONS_CEPOLL_SHIM_H

// Glibc's Swift module leaves out epoll and eventfd; the event loops need both.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// Names the calling thread (the kernel keeps 15 bytes), so top and perf show which loop is which.
static inline void cepoll_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

// A CPU affinity mask of 1024 processors, as glibc's cpu_set_t. The raw system calls, because
// glibc declares sched_getaffinity and CPU_COUNT only under _GNU_SOURCE, and defining it here would
// make this module's view of the C headers differ from Glibc's module (fd_set's fields are named
// differently), which a clean build rejects.
#define CEPOLL_AFFINITY_WORDS 16

// The calling thread's mask; 0 on success, -1 with errno set.
static inline int cepoll_get_affinity(unsigned long mask[CEPOLL_AFFINITY_WORDS]) {
    for (int word = 0; word < CEPOLL_AFFINITY_WORDS; word++) mask[word] = 0;
    long copied = syscall(SYS_sched_getaffinity, 0, sizeof(unsigned long) * CEPOLL_AFFINITY_WORDS, mask);
    return copied < 0 ? -1 : 0;
}

static inline int cepoll_set_affinity(const unsigned long mask[CEPOLL_AFFINITY_WORDS]) {
    return (int)syscall(SYS_sched_setaffinity, 0, sizeof(unsigned long) * CEPOLL_AFFINITY_WORDS, mask);
}

// The processors this thread may run on (taskset, cpusets, a container's --cpuset-cpus), which can
// be fewer than the machine has online; the online count if the mask cannot be read.
static inline int cepoll_usable_processors(void) {
    unsigned long mask[CEPOLL_AFFINITY_WORDS];
    if (cepoll_get_affinity(mask) == 0) {
        int count = 0;
        for (int word = 0; word < CEPOLL_AFFINITY_WORDS; word++) count += __builtin_popcountl(mask[word]);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

#endif
