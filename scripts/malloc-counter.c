// LD_PRELOAD allocation counter for `cloak bench loop --count-allocations`.
// Counts malloc/calloc/realloc/memalign-family calls per thread and exports the
// calling thread's count as cloak_thread_allocations(); the real allocator is glibc's
// (__libc_malloc and friends), so nothing recurses through dlsym.
// With CLOAK_ALLOC_TRACE=THREAD (a kernel thread name, e.g. cloak-leak: the rate groups'
// threads are cloak-GROUP) every allocation on that thread also writes its number, size
// and a backtrace to stderr (backtrace_symbols_fd: no allocation), to find where a
// steady-state allocation comes from: resolve the addresses with
// `addr2line -f -e CLOAK ADDR | swift demangle --simplified`.
#define _GNU_SOURCE
#include <execinfo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));
static __thread int tracing __attribute__((tls_model("initial-exec")));
static char trace_thread[16];

__attribute__((constructor)) static void read_trace_setting(void) {
  const char *name = getenv("CLOAK_ALLOC_TRACE");
  if (name) strncpy(trace_thread, name, sizeof trace_thread - 1);
}

uint64_t cloak_thread_allocations(void) { return allocations; }

static void count(size_t size) {
  allocations++;
  if (!trace_thread[0] || tracing) return;
  tracing = 1;
  char name[17] = {0};
  prctl(PR_GET_NAME, name, 0, 0, 0);
  if (strcmp(name, trace_thread) == 0) {
    char line[80];
    int n = snprintf(line, sizeof line, "=== %s allocation %llu, %zu bytes\n", name,
                     (unsigned long long)allocations, size);
    if (n > 0) (void)!write(2, line, (size_t)n);
    void *frames[40];
    backtrace_symbols_fd(frames, backtrace(frames, 40), 2);
  }
  tracing = 0;
}

void *malloc(size_t size) { count(size); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { count(n * size); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { count(size); return __libc_realloc(p, size); }
void *memalign(size_t align, size_t size) { count(size); return __libc_memalign(align, size); }
void *aligned_alloc(size_t align, size_t size) { count(size); return __libc_memalign(align, size); }
int posix_memalign(void **out, size_t align, size_t size) {
  count(size);
  void *p = __libc_memalign(align, size);
  if (!p) return 12; /* ENOMEM */
  *out = p;
  return 0;
}
void free(void *p) { __libc_free(p); }
