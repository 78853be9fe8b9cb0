#if canImport(Glibc)
  import Glibc

  /// Reads the per-thread allocation counter exported by the LD_PRELOAD malloc counter
  /// (`scripts/malloc-counter.c`, built and preloaded by `scripts/count-allocations`).
  public enum AllocationCounter {
    private typealias Counter = @convention(c) () -> UInt64

    /// A function returning the calling thread's malloc/calloc/realloc/memalign count,
    /// or nil when the counter library is not preloaded.
    public static func threadCounter() -> (@Sendable () -> UInt64)? {
      guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "cloak_thread_allocations") else {
        return nil
      }
      let counter = unsafeBitCast(symbol, to: Counter.self)
      return { counter() }
    }
  }
#endif
