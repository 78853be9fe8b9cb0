import Atomics

/// A lock-free latest-value exchange between one writer thread and one reader thread
/// (a triple buffer).
///
/// The writer fills a private back buffer and publishes it with one atomic exchange;
/// the reader takes the newest published buffer with another. Neither ever waits for
/// the other and neither allocates after `init`, so a rate group can publish data to a
/// slower group or to a non-real-time thread without sharing a lock. `Value` should
/// be a plain value type (no references) so a copy does not allocate.
public final class Snapshot<Value>: @unchecked Sendable {
  private let buffers: UnsafeMutablePointer<Value>
  // Bits 0-1: index of the middle buffer; bit 2: it holds an unread value.
  private let middle = ManagedAtomic<Int>(1)
  private var back = 0
  private var front = 2
  private let versionCounter = ManagedAtomic<UInt64>(0)

  public init(_ initial: Value) {
    buffers = UnsafeMutablePointer<Value>.allocate(capacity: 3)
    buffers.initialize(repeating: initial, count: 3)
  }

  deinit {
    buffers.deinitialize(count: 3)
    buffers.deallocate()
  }

  /// Publishes `value` (writer thread only).
  public func publish(_ value: Value) {
    buffers[back] = value
    let previous = middle.exchange(back | 4, ordering: .acquiringAndReleasing)
    back = previous & 3
    versionCounter.wrappingIncrement(ordering: .releasing)
  }

  /// The newest published value (reader thread only).
  public func read() -> Value {
    if middle.load(ordering: .relaxed) & 4 != 0 {
      let previous = middle.exchange(front, ordering: .acquiringAndReleasing)
      front = previous & 3
    }
    return buffers[front]
  }

  /// How many values were published so far (any thread).
  public var version: UInt64 { versionCounter.load(ordering: .acquiring) }
}
