// LD_PRELOAD allocation counter: counts malloc/calloc/realloc/posix_memalign/
// aligned_alloc calls and prints the total to stderr at exit. Run a loop with N and 2N
// iterations: equal counts mean nothing is allocated per iteration.
//
// Build: cc -O2 -shared -fPIC -o malloc_count.so malloc_count.c -ldl
// Usage: LD_PRELOAD=./malloc_count.so PROGRAM ...   -> "malloc_count calls=<n>"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long calls;

// glibc's own entry points, so no dlsym (which itself allocates) is needed.
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

void *malloc(size_t size) {
  atomic_fetch_add(&calls, 1);
  return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) {
  atomic_fetch_add(&calls, 1);
  return __libc_calloc(count, size);
}
void *realloc(void *pointer, size_t size) {
  atomic_fetch_add(&calls, 1);
  return __libc_realloc(pointer, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  atomic_fetch_add(&calls, 1);
  void *pointer = __libc_memalign(alignment, size);
  if (!pointer) return 12;  // ENOMEM
  *out = pointer;
  return 0;
}
void *aligned_alloc(size_t alignment, size_t size) {
  atomic_fetch_add(&calls, 1);
  return __libc_memalign(alignment, size);
}

__attribute__((destructor)) static void report(void) {
  char line[64];
  int length = snprintf(line, sizeof line, "malloc_count calls=%ld\n", atomic_load(&calls));
  if (length > 0) write(2, line, (size_t)length);
}
