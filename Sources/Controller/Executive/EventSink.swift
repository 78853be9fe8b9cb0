import Atomics
import HAL

/// The one event sink: a bounded lock-free queue filled by any thread (the loop
/// included) and drained to an ``EventConsumer`` by one non-real-time thread.
///
/// `emit` never blocks or allocates. Two classes of event share the queue so that
/// they stay in time order:
/// - ordinary events may use the queue up to ``capacity`` minus ``reserve``; past that
///   they are dropped and counted (``overflowCount``), and the next drain delivers one
///   ``EventCode/eventsLost`` event with the number lost;
/// - audited events (``EventCode/isAudited``: commands and responses, safety actions,
///   alarms) may also use the reserve. The command arbiter accepts a command only while
///   ``hasRoomForCommand`` (at least half the reserve free), and answers `busy`
///   otherwise, so audited events are not lost while commands keep arriving. Should one
///   still be lost (the queue completely full), it is counted (``auditedOverflowCount``),
///   reported as ``EventCode/auditEventsLost`` and commands are refused until drained.
///
/// A fatal event flushes the queue to the consumer at once, on the emitting thread, so
/// it is out before anything else happens.
public final class EventSink: @unchecked Sendable {
  private let queue: BoundedQueue<Event>
  private let clock: any MonotonicClock
  private let wallClock: any WallClock
  private let consumer: any EventConsumer
  private let overflow = ManagedAtomic<UInt64>(0)
  private let auditedOverflow = ManagedAtomic<UInt64>(0)
  private let draining = ManagedAtomic<Bool>(false)
  private var reportedOverflow: UInt64 = 0
  private var reportedAuditedOverflow: UInt64 = 0
  private var subjects: [EventSubject] = [.executive]
  /// Queue slots only audited events may use.
  public let reserve: Int

  public init(
    capacity: Int, clock: any MonotonicClock, wallClock: any WallClock, consumer: any EventConsumer
  ) {
    queue = BoundedQueue(minimumCapacity: capacity)
    reserve = max(queue.capacity / 4, 1)
    self.clock = clock
    self.wallClock = wallClock
    self.consumer = consumer
  }

  /// Queue capacity.
  public var capacity: Int { queue.capacity }

  /// Ordinary events dropped because the queue was full, since start.
  public var overflowCount: UInt64 { overflow.load(ordering: .relaxed) }

  /// Audited events that could not be queued, since start (should stay 0).
  public var auditedOverflowCount: UInt64 { auditedOverflow.load(ordering: .relaxed) }

  /// Whether a command may be accepted now: at least half the audited reserve is free
  /// and no audited event is waiting to be reported lost.
  public var hasRoomForCommand: Bool {
    queue.approximateCount < queue.capacity - reserve / 2
      && auditedOverflow.load(ordering: .relaxed) == reportedAuditedOverflow
  }

  /// The wall clock events are stamped with (records of the run start and stop).
  public var wallTime: Int64 { wallClock.nanosecondsSince1970() }

  /// Registers a subject (set-up only, before the loop starts; allocates).
  public func register(_ subject: EventSubject) -> EventSource {
    subjects.append(subject)
    return EventSource(id: UInt32(subjects.count - 1))
  }

  /// Registers a controller component with no station id under `name`.
  public func registerSource(_ name: String) -> EventSource { register(EventSubject(component: name)) }

  /// The registered subject of `source`.
  public func subject(of source: EventSource) -> EventSubject {
    let index = Int(source.id)
    return index < subjects.count ? subjects[index] : EventSubject(component: "source#\(source.id)")
  }

  /// The short name of `source`'s subject.
  public func name(of source: EventSource) -> String { subject(of: source).description }

  /// Queues an event stamped now. Returns `false` when it was dropped (queue full).
  @discardableResult
  public func emit(_ severity: EventSeverity, _ code: EventCode, source: EventSource, value: Int64 = 0) -> Bool {
    emit(
      Event(
        severity: severity, code: code, source: source, value: Double(value), monotonic: clock.now(),
        wallNanoseconds: wallClock.nanosecondsSince1970()))
  }

  /// Queues an event with a measured value (and optionally a rate, %/h, with the same
  /// loss in kg/day and mmHg/day) stamped now.
  @discardableResult
  public func emit(
    _ severity: EventSeverity, _ code: EventCode, source: EventSource, measured value: Double, rate: Double = .nan,
    kgPerDay: Double = .nan, mmHgPerDay: Double = .nan, principal: Principal? = nil
  ) -> Bool {
    emit(
      Event(
        severity: severity, code: code, source: source, value: value, monotonic: clock.now(),
        wallNanoseconds: wallClock.nanosecondsSince1970(), rate: rate, principal: principal, rateKgPerDay: kgPerDay,
        rateMmHgPerDay: mmHgPerDay))
  }

  /// Queues a command event (``EventCode/commandAccepted`` or
  /// ``EventCode/commandRejected``) stamped now.
  @discardableResult
  public func emitCommand(
    _ code: EventCode, source: EventSource, request: CommandRequest, rejection: RejectionCode? = nil
  ) -> Bool {
    emit(
      Event(
        severity: rejection == nil ? .info : .warning, code: code, source: source, value: 0,
        monotonic: clock.now(), wallNanoseconds: wallClock.nanosecondsSince1970(), principal: request.principal,
        requestID: request.id, command: request.command.kind, rejection: rejection))
  }

  /// Queues `event` as given. Returns `false` when it was dropped.
  @discardableResult
  public func emit(_ event: Event) -> Bool {
    let queued: Bool
    if event.code.isAudited {
      queued = queue.push(event)
      if !queued { auditedOverflow.wrappingIncrement(ordering: .relaxed) }
    } else {
      queued = queue.approximateCount < queue.capacity - reserve && queue.push(event)
      if !queued { overflow.wrappingIncrement(ordering: .relaxed) }
    }
    if event.severity == .fatal { flush() }
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
      consumer.consume(event, subject: subject(of: event.source))
      delivered += 1
    }
    let lost = overflow.load(ordering: .relaxed)
    if lost != reportedOverflow {
      report(.eventsLost, severity: .warning, count: lost &- reportedOverflow)
      reportedOverflow = lost
    }
    let auditedLost = auditedOverflow.load(ordering: .relaxed)
    if auditedLost != reportedAuditedOverflow {
      report(.auditEventsLost, severity: .error, count: auditedLost &- reportedAuditedOverflow)
      reportedAuditedOverflow = auditedLost
    }
    return delivered
  }

  private func report(_ code: EventCode, severity: EventSeverity, count: UInt64) {
    let event = Event(
      severity: severity, code: code, source: .executive, value: Double(count), monotonic: clock.now(),
      wallNanoseconds: wallClock.nanosecondsSince1970())
    consumer.consume(event, subject: subject(of: .executive))
  }

  /// Drains everything queued now.
  public func flush() { drain() }
}
