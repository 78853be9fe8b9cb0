import Atomics

/// A bounded lock-free multi-producer multi-consumer queue (Vyukov's sequenced ring).
///
/// All storage is allocated by `init`; `push` and `pop` never allocate, never block and
/// never take a lock, so real-time threads can use it to talk to ordinary ones. A full
/// queue refuses the element (`push` returns `false`): the caller counts the loss.
public final class BoundedQueue<Element>: @unchecked Sendable {
  /// Capacity (a power of two).
  public let capacity: Int
  private let mask: Int
  private let slots: UnsafeMutablePointer<Element>
  private let sequences: [UnsafeAtomic<Int>]
  private let head = ManagedAtomic<Int>(0)
  private let tail = ManagedAtomic<Int>(0)

  /// A queue of at least `minimumCapacity` elements (at least 2, rounded up to a
  /// power of two, at most 2^20).
  public init(minimumCapacity: Int) {
    var size = 2
    while size < min(max(minimumCapacity, 2), 1 << 20) { size <<= 1 }
    capacity = size
    mask = size - 1
    slots = UnsafeMutablePointer<Element>.allocate(capacity: size)
    sequences = (0..<size).map { UnsafeAtomic<Int>.create($0) }
  }

  deinit {
    while pop() != nil {}
    for sequence in sequences { sequence.destroy() }
    slots.deallocate()
  }

  /// How many elements are queued, approximately while other threads push or pop
  /// (exact when none does). Never negative, never above ``capacity``.
  public var approximateCount: Int {
    let count = tail.load(ordering: .relaxed) &- head.load(ordering: .relaxed)
    return min(max(count, 0), capacity)
  }

  /// Appends `element`; returns `false` (and drops it) when the queue is full.
  @discardableResult
  public func push(_ element: Element) -> Bool {
    var position = tail.load(ordering: .relaxed)
    while true {
      let sequence = sequences[position & mask].load(ordering: .acquiring)
      let difference = sequence &- position
      if difference == 0 {
        let (won, current) = tail.weakCompareExchange(
          expected: position, desired: position &+ 1, ordering: .relaxed)
        if won { break }
        position = current
      } else if difference < 0 {
        return false
      } else {
        position = tail.load(ordering: .relaxed)
      }
    }
    (slots + (position & mask)).initialize(to: element)
    sequences[position & mask].store(position &+ 1, ordering: .releasing)
    return true
  }

  /// Removes and returns the oldest element, or `nil` when the queue is empty.
  public func pop() -> Element? {
    var position = head.load(ordering: .relaxed)
    while true {
      let sequence = sequences[position & mask].load(ordering: .acquiring)
      let difference = sequence &- (position &+ 1)
      if difference == 0 {
        let (won, current) = head.weakCompareExchange(
          expected: position, desired: position &+ 1, ordering: .relaxed)
        if won { break }
        position = current
      } else if difference < 0 {
        return nil
      } else {
        position = head.load(ordering: .relaxed)
      }
    }
    let element = (slots + (position & mask)).move()
    sequences[position & mask].store(position &+ mask &+ 1, ordering: .releasing)
    return element
  }
}
