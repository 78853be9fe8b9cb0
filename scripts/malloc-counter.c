// LD_PRELOAD allocation counter for `cloak bench loop --count-allocations`.
// Counts malloc/calloc/realloc/memalign-family calls per thread and exports the
// calling thread's count as cloak_thread_allocations(); the real allocator is glibc's
// (__libc_malloc and friends), so nothing recurses through dlsym.
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));

uint64_t cloak_thread_allocations(void) { return allocations; }

void *malloc(size_t size) { allocations++; return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { allocations++; return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { allocations++; return __libc_realloc(p, size); }
void *memalign(size_t align, size_t size) { allocations++; return __libc_memalign(align, size); }
void *aligned_alloc(size_t align, size_t size) { allocations++; return __libc_memalign(align, size); }
int posix_memalign(void **out, size_t align, size_t size) {
  allocations++;
  void *p = __libc_memalign(align, size);
  if (!p) return 12; /* ENOMEM */
  *out = p;
  return 0;
}
void free(void *p) { __libc_free(p); }
