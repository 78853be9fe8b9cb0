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

  private var converting = false
  private var pendingPeriods = 0
  private var reading = SamplerReading()
  /// Consecutive cycles without a good sample.
  public private(set) var failedPeriods = 0
  /// Whether the device is excluded from use.
  public private(set) var isExcluded = false
  private var excludedPeriods = 0
  /// Re-initialisation attempts since the device was last excluded.
  public private(set) var reinitAttempts = 0

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
    let snapshot = Snapshot(reading)
    subscribers.append(snapshot)
    return snapshot
  }

  /// The last published reading (sampler's own thread, or tests).
  public var latest: SamplerReading { reading }

  public func run(_ tick: TickContext) {
    if isExcluded {
      tryReinitialise()
    } else {
      sample(tick)
    }
    for subscriber in subscribers { subscriber.publish(reading) }
  }

  private func sample(_ tick: TickContext) {
    var collected = false
    var failed = false
    if converting {
      switch attempt(at: tick.deadline, { () throws(DeviceFault) in try sensor.collectConversion() }) {
      case .some(.some(let value)):
        converting = false
        reading.sample = value
        reading.timestamp = tick.deadline
        collected = true
      case .some(.none):
        // Not ready yet: wait, but a conversion that never ends is a failed period.
        pendingPeriods += 1
        guard pendingPeriods > policy.staleAfterPeriods else { return }
        converting = false
        failed = true
      case .none:
        converting = false
        failed = true
      }
    }
    if !converting {
      // Start the next one even after a failed collect: the device may be back.
      if attempt(at: tick.deadline, { () throws(DeviceFault) in try sensor.startConversion() }) != nil {
        converting = true
        pendingPeriods = 0
      } else {
        failed = true
      }
    }
    if failed {
      registerFailedPeriod()
    } else if collected {
      failedPeriods = 0
      reading.status = .fresh
    }
  }

  /// Initialises the device at set-up (may wait for its reset); on failure the device
  /// starts excluded, and the fault policy's re-initialisation takes over.
  public func initialise() {
    do throws(DeviceFault) {
      try sensor.reinitialise()
    } catch {
      isExcluded = true
      reading.status = .excluded
      events.emit(.error, .deviceExcluded, source: source, value: 0)
    }
  }

  private func registerFailedPeriod() {
    failedPeriods += 1
    reading.status = .failing
    if failedPeriods == policy.staleAfterPeriods {
      events.emit(.warning, .deviceStale, source: source, value: Int64(failedPeriods))
    }
    if failedPeriods >= policy.excludeAfterPeriods {
      isExcluded = true
      excludedPeriods = 0
      reinitAttempts = 0
      converting = false
      reading.status = .excluded
      events.emit(.error, .deviceExcluded, source: source, value: Int64(failedPeriods))
    }
  }

  private func tryReinitialise() {
    excludedPeriods += 1
    guard excludedPeriods % policy.reinitEveryPeriods == 0 else { return }
    reinitAttempts += 1
    do throws(DeviceFault) {
      try sensor.reinitialise()
      isExcluded = false
      failedPeriods = 0
      converting = false
      reading.status = .failing
      events.emit(.info, .deviceRestored, source: source, value: Int64(reinitAttempts))
    } catch {
      // Throttled: attempts 1, 2, 4, 8... are reported (the value is the attempt count),
      // so a sensor that stays gone does not flood the event queue.
      if reinitAttempts & (reinitAttempts - 1) == 0 {
        events.emit(.warning, .deviceReinitFailed, source: source, value: Int64(reinitAttempts))
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
