#ifndef REST_SESSIONS_CHIREDIS_SHIM_H
#define REST_SESSIONS_CHIREDIS_SHIM_H

// Debian's libhiredis-dev (0.14.1) installs its headers under <hiredis/>.
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

// Reply trees built in one arena per reply. hiredis's own builder makes two allocations per
// string and array node (a session's reply of nine fields: fourteen callocs and mallocs, then as
// many frees); this one makes one allocation for a reply of up to 960 bytes (a session's takes
// about 700), and frees the whole tree at once. The nodes are ordinary redisReply structs, so
// readers of the tree do not change. hiredis calls freeObject only on a whole reply (after the
// callback, or when a protocol error abandons a partial one), never on a node inside it.

typedef struct cshim_reply_chunk {
    struct cshim_reply_chunk *next;
    // In the first chunk of a reply only: the chunk new nodes go into.
    struct cshim_reply_chunk *last;
    size_t used;
    size_t capacity;
    max_align_t data[];
} cshim_reply_chunk;

// A chunk's malloc stays under 1,008 bytes, glibc's smallest large-bin request: a larger one
// bypasses the per-thread cache and first consolidates every fast bin (malloc_consolidate,
// measured at 0.6% of the service's samples with 1 KB chunks).
enum { CSHIM_REPLY_CHUNK_SIZE = 960 };
_Static_assert(offsetof(struct cshim_reply_chunk, data) + CSHIM_REPLY_CHUNK_SIZE < 1008,
               "a small reply's chunk is a small-bin request");

// Alignments are powers of two (sizeof(max_align_t) need not be, and is 32 on x86_64).
static inline size_t cshim_reply_round(size_t size) {
    return (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
}

static inline cshim_reply_chunk *cshim_reply_chunk_new(size_t capacity) {
    cshim_reply_chunk *chunk = malloc(offsetof(cshim_reply_chunk, data) + capacity);
    if (chunk == NULL) return NULL;
    chunk->next = NULL;
    chunk->last = chunk;
    chunk->used = 0;
    chunk->capacity = capacity;
    return chunk;
}

static inline cshim_reply_chunk *cshim_reply_chunk_of(void *root) {
    return (cshim_reply_chunk *)((char *)root - offsetof(cshim_reply_chunk, data));
}

// `size` bytes in the arena of the reply whose first chunk is `first`; NULL when out of memory.
static inline void *cshim_reply_alloc(cshim_reply_chunk *first, size_t size) {
    size = cshim_reply_round(size);
    cshim_reply_chunk *chunk = first->last;
    if (chunk->capacity - chunk->used < size) {
        chunk = cshim_reply_chunk_new(size > CSHIM_REPLY_CHUNK_SIZE ? size : CSHIM_REPLY_CHUNK_SIZE);
        if (chunk == NULL) return NULL;
        first->last->next = chunk;
        first->last = chunk;
    }
    void *memory = (char *)chunk->data + chunk->used;
    chunk->used += size;
    return memory;
}

static inline void cshim_reply_free(void *reply) {
    if (reply == NULL) return;
    cshim_reply_chunk *chunk = cshim_reply_chunk_of(reply);
    while (chunk != NULL) {
        cshim_reply_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
}

// How many mallocs a reply's arena took (what the reader tests check a session's reply against).
static inline size_t cshim_reply_chunk_count(const void *reply) {
    size_t count = 0;
    for (const cshim_reply_chunk *chunk = cshim_reply_chunk_of((void *)reply); chunk != NULL; chunk = chunk->next) {
        count += 1;
    }
    return count;
}

// The first chunk of the reply `task` belongs to; `node` is the task's own node if made already.
static inline cshim_reply_chunk *cshim_reply_arena(const redisReadTask *task, redisReply *node) {
    if (task->parent == NULL) return cshim_reply_chunk_of(node);
    const redisReadTask *top = task->parent;
    while (top->parent != NULL) top = top->parent;
    return cshim_reply_chunk_of(top->obj);
}

// A node of `type`; a top-level node starts its reply's arena, with room for `extra` more bytes.
static inline redisReply *cshim_reply_node(const redisReadTask *task, int type, size_t extra) {
    redisReply *node;
    if (task->parent == NULL) {
        size_t needed = cshim_reply_round(sizeof(redisReply)) + cshim_reply_round(extra);
        // An array's elements follow: room for a small reply's whole tree in the first chunk,
        // and a large array's element pointers with a chunk's room for its elements after them.
        size_t capacity = needed;
        if (type == REDIS_REPLY_ARRAY) {
            capacity = needed <= CSHIM_REPLY_CHUNK_SIZE / 2 ? CSHIM_REPLY_CHUNK_SIZE : needed + CSHIM_REPLY_CHUNK_SIZE;
        }
        cshim_reply_chunk *first = cshim_reply_chunk_new(capacity);
        if (first == NULL) return NULL;
        first->used = cshim_reply_round(sizeof(redisReply));
        node = (redisReply *)first->data;
    } else {
        node = cshim_reply_alloc(cshim_reply_arena(task, NULL), sizeof(redisReply));
        if (node == NULL) return NULL;
    }
    memset(node, 0, sizeof(*node));
    node->type = type;
    return node;
}

static inline void *cshim_reply_attached(const redisReadTask *task, redisReply *node) {
    if (node != NULL && task->parent != NULL) {
        ((redisReply *)task->parent->obj)->element[task->idx] = node;
    }
    return node;
}

// A node that could not get its memory: a top-level one takes its arena with it.
static inline void *cshim_reply_abandoned(const redisReadTask *task, redisReply *node) {
    if (task->parent == NULL) cshim_reply_free(node);
    return NULL;
}

static inline void *cshim_reply_string(const redisReadTask *task, char *text, size_t length) {
    redisReply *node = cshim_reply_node(task, task->type, length + 1);
    if (node == NULL) return NULL;
    char *copy = cshim_reply_alloc(cshim_reply_arena(task, node), length + 1);
    if (copy == NULL) return cshim_reply_abandoned(task, node);
    memcpy(copy, text, length);
    copy[length] = '\0';
    node->str = copy;
    node->len = length;
    return cshim_reply_attached(task, node);
}

static inline void *cshim_reply_array(const redisReadTask *task, int elements) {
    size_t size = elements > 0 ? (size_t)elements * sizeof(redisReply *) : 0;
    redisReply *node = cshim_reply_node(task, REDIS_REPLY_ARRAY, size);
    if (node == NULL) return NULL;
    if (size > 0) {
        // Not zeroed: hiredis hands a reply over only once every element is set, and freeing the
        // arena never walks the tree (zeroing a huge announced count would touch all its pages).
        node->element = cshim_reply_alloc(cshim_reply_arena(task, node), size);
        if (node->element == NULL) return cshim_reply_abandoned(task, node);
    }
    node->elements = elements > 0 ? (size_t)elements : 0;
    return cshim_reply_attached(task, node);
}

static inline void *cshim_reply_integer(const redisReadTask *task, long long value) {
    redisReply *node = cshim_reply_node(task, REDIS_REPLY_INTEGER, 0);
    if (node == NULL) return NULL;
    node->integer = value;
    return cshim_reply_attached(task, node);
}

static inline void *cshim_reply_nil(const redisReadTask *task) {
    return cshim_reply_attached(task, cshim_reply_node(task, REDIS_REPLY_NIL, 0));
}

// Makes `reader` build its replies in arenas (before it has read anything). Each reader gets a
// pointer to the same table: hiredis never writes through it.
static inline void cshim_use_reply_arenas(redisReader *reader) {
    static redisReplyObjectFunctions functions = {
        cshim_reply_string, cshim_reply_array, cshim_reply_integer, cshim_reply_nil, cshim_reply_free,
    };
    reader->fn = &functions;
}

#endif
