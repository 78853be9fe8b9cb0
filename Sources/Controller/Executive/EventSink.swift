import Atomics
import HAL

/// The one event sink: a bounded lock-free queue filled by any thread (the loop
/// included) and drained to an ``EventConsumer`` by one non-real-time thread.
///
/// `emit` never blocks or allocates; when the queue is full the event is dropped and
/// counted (``overflowCount``), and the next drain delivers one ``EventCode/eventsLost``
/// event with the number lost. A fatal event flushes the queue to the consumer at
/// once, on the emitting thread, so it is out before anything else happens.
public final class EventSink: @unchecked Sendable {
  private let queue: BoundedQueue<Event>
  private let clock: any MonotonicClock
  private let wallClock: any WallClock
  private let consumer: any EventConsumer
  private let overflow = ManagedAtomic<UInt64>(0)
  private let draining = ManagedAtomic<Bool>(false)
  private var reportedOverflow: UInt64 = 0
  private var sourceNames: [String] = ["executive"]

  public init(
    capacity: Int, clock: any MonotonicClock, wallClock: any WallClock, consumer: any EventConsumer
  ) {
    queue = BoundedQueue(minimumCapacity: capacity)
    self.clock = clock
    self.wallClock = wallClock
    self.consumer = consumer
  }

  /// Queue capacity.
  public var capacity: Int { queue.capacity }

  /// Events dropped because the queue was full, since start.
  public var overflowCount: UInt64 { overflow.load(ordering: .relaxed) }

  /// Registers a source name (set-up only, before the loop starts; allocates).
  public func registerSource(_ name: String) -> EventSource {
    sourceNames.append(name)
    return EventSource(id: UInt32(sourceNames.count - 1))
  }

  /// The registered name of `source`.
  public func name(of source: EventSource) -> String {
    let index = Int(source.id)
    return index < sourceNames.count ? sourceNames[index] : "source#\(source.id)"
  }

  /// Queues an event stamped now. Returns `false` when it was dropped (queue full).
  @discardableResult
  public func emit(_ severity: EventSeverity, _ code: EventCode, source: EventSource, value: Int64 = 0) -> Bool {
    let event = Event(
      severity: severity, code: code, source: source, value: value, monotonic: clock.now(),
      wallNanoseconds: wallClock.nanosecondsSince1970())
    let queued = queue.push(event)
    if !queued { overflow.wrappingIncrement(ordering: .relaxed) }
    if severity == .fatal { flush() }
    return queued
  }

  /// Delivers up to `limit` queued events to the consumer; returns how many. Only one
  /// thread drains at a time: a concurrent call returns 0 at once.
  @discardableResult
  public func drain(limit: Int = .max) -> Int {
    guard draining.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      return 0
    }
    defer { draining.store(false, ordering: .releasing) }
    var delivered = 0
    while delivered < limit, let event = queue.pop() {
      consumer.consume(event, sourceName: name(of: event.source))
      delivered += 1
    }
    let lost = overflow.load(ordering: .relaxed)
    if lost != reportedOverflow {
      let event = Event(
        severity: .warning, code: .eventsLost, source: .executive,
        value: Int64(truncatingIfNeeded: lost &- reportedOverflow), monotonic: clock.now(),
        wallNanoseconds: wallClock.nanosecondsSince1970())
      reportedOverflow = lost
      consumer.consume(event, sourceName: name(of: .executive))
    }
    return delivered
  }

  /// Drains everything queued now.
  public func flush() { drain() }
}
