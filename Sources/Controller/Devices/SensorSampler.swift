import HAL
import Station

/// The rate-group member that samples one ``SplitPhaseSensor`` and applies its
/// ``DeviceFaultPolicy``.
///
/// Each cycle: collect the conversion started last cycle, publish it, start the next.
/// Readings go to one lock-free ``Snapshot`` per subscriber (each read by one thread),
/// so slower groups and other threads never share a lock with the sampler.
public final class SensorSampler: RateGroupMember, @unchecked Sendable {
  public let name: String
  public let eventSubject: EventSubject?
  private let sensor: any SplitPhaseSensor
  private let policy: DeviceFaultPolicy
  private let events: EventSink
  private let source: EventSource
  private var subscribers: [Snapshot<SamplerReading>] = []
  private var retryThrottle = Throttle(interval: .seconds(1))

  /// What a cycle reads and changes, in one value: a cycle reads it once and writes it
  /// back once, instead of one exclusivity check per field (decision 1220).
  private var state = State()

  private struct State {
    var converting = false
    var pendingPeriods = 0
    var reading = SamplerReading()
    var failedPeriods = 0
    var isExcluded = false
    var excludedPeriods = 0
    var reinitAttempts = 0
  }

  /// Consecutive cycles without a good sample.
  public var failedPeriods: Int { state.failedPeriods }
  /// Whether the device is excluded from use.
  public var isExcluded: Bool { state.isExcluded }
  /// Re-initialisation attempts since the device was last excluded.
  public var reinitAttempts: Int { state.reinitAttempts }

  /// `subject` names what the sensor measures (its role and module) in events; by
  /// default the device's own name.
  public init(
    sensor: any SplitPhaseSensor, policy: DeviceFaultPolicy, events: EventSink, subject: EventSubject? = nil
  ) {
    self.name = subject?.sensor?.rawValue ?? sensor.name
    self.sensor = sensor
    self.policy = policy
    self.events = events
    let subject = subject ?? EventSubject(component: sensor.name)
    self.eventSubject = subject
    self.source = events.register(subject)
  }

  /// A new snapshot of this sampler's readings for one reader thread (set-up only).
  public func subscribe() -> Snapshot<SamplerReading> {
    let snapshot = Snapshot(state.reading)
    subscribers.append(snapshot)
    return snapshot
  }

  /// The last published reading (sampler's own thread, or tests).
  public var latest: SamplerReading { state.reading }

  public func run(_ tick: TickContext) {
    var state = self.state
    if state.isExcluded {
      tryReinitialise(&state)
    } else {
      sample(tick, &state)
    }
    self.state = state
    for subscriber in subscribers { subscriber.publish(state.reading) }
  }

  private func sample(_ tick: TickContext, _ state: inout State) {
    var collected = false
    var failed = false
    if state.converting {
      switch attempt(at: tick.deadline, { () throws(DeviceFault) in try sensor.collectConversion() }) {
      case .some(.some(let value)):
        state.converting = false
        state.reading.sample = value
        state.reading.timestamp = tick.deadline
        collected = true
      case .some(.none):
        // Not ready yet: wait, but a conversion that never ends is a failed period.
        state.pendingPeriods += 1
        guard state.pendingPeriods > policy.staleAfterPeriods else { return }
        state.converting = false
        failed = true
      case .none:
        state.converting = false
        failed = true
      }
    }
    if !state.converting {
      // Start the next one even after a failed collect: the device may be back.
      if attempt(at: tick.deadline, { () throws(DeviceFault) in try sensor.startConversion() }) != nil {
        state.converting = true
        state.pendingPeriods = 0
      } else {
        failed = true
      }
    }
    if failed {
      registerFailedPeriod(&state)
    } else if collected {
      state.failedPeriods = 0
      state.reading.status = .fresh
    }
  }

  /// Initialises the device at set-up (may wait for its reset); on failure the device
  /// starts excluded, and the fault policy's re-initialisation takes over.
  public func initialise() {
    do throws(DeviceFault) {
      try sensor.reinitialise()
    } catch {
      state.isExcluded = true
      state.reading.status = .excluded
      events.emit(.error, .deviceExcluded, source: source, value: 0)
    }
  }

  private func registerFailedPeriod(_ state: inout State) {
    state.failedPeriods += 1
    state.reading.status = .failing
    if state.failedPeriods == policy.staleAfterPeriods {
      events.emit(.warning, .deviceStale, source: source, value: Int64(state.failedPeriods))
    }
    if state.failedPeriods >= policy.excludeAfterPeriods {
      state.isExcluded = true
      state.excludedPeriods = 0
      state.reinitAttempts = 0
      state.converting = false
      state.reading.status = .excluded
      events.emit(.error, .deviceExcluded, source: source, value: Int64(state.failedPeriods))
    }
  }

  private func tryReinitialise(_ state: inout State) {
    state.excludedPeriods += 1
    guard state.excludedPeriods % policy.reinitEveryPeriods == 0 else { return }
    state.reinitAttempts += 1
    let attempts = state.reinitAttempts
    do throws(DeviceFault) {
      try sensor.reinitialise()
      state.isExcluded = false
      state.failedPeriods = 0
      state.converting = false
      state.reading.status = .failing
      events.emit(.info, .deviceRestored, source: source, value: Int64(attempts))
    } catch {
      // Throttled: attempts 1, 2, 4, 8... are reported (the value is the attempt count),
      // so a sensor that stays gone does not flood the event queue.
      if attempts & (attempts - 1) == 0 {
        events.emit(.warning, .deviceReinitFailed, source: source, value: Int64(attempts))
      }
    }
  }

  /// Runs `body`, retrying transient faults up to `policy.retries` times (at most
  /// ``DeviceFaultPolicy/maximumRetries``).
  private func attempt<T>(at now: MonotonicInstant, _ body: () throws(DeviceFault) -> T) -> T? {
    var tries = 0
    while true {
      do throws(DeviceFault) {
        return try body()
      } catch {
        tries += 1
        // Bounded again here: the policy's fields are settable past its clamping init.
        guard error.isTransient, tries <= min(policy.retries, DeviceFaultPolicy.maximumRetries) else { return nil }
        if let suppressed = retryThrottle.admit(at: now) {
          events.emit(.info, .deviceRetry, source: source, value: suppressed &+ 1)
        }
      }
    }
  }
}
