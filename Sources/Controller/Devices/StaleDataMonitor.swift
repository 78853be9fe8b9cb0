import HAL

/// Decides whether enough sensors deliver fresh data to act safely; if not, latches
/// safe mode (``SafeModeReason/staleData``).
///
/// Put it first in the actuator group: the actuators after it in the same cycle then
/// already see safe mode, so the safe state is reached within one actuator period of
/// the data going stale. A reading is fresh when its device is not excluded and its
/// last good sample is at most `staleAfter` old at the cycle's deadline; before the
/// first sample, the monitor's first cycle stands in for it (a start-up grace).
public final class StaleDataMonitor: RateGroupMember, @unchecked Sendable {
  public let name: String
  private let readings: [Snapshot<SamplerReading>]
  private let minimumFresh: Int
  private let staleAfterNanoseconds: Int64
  private let latch: SafetyLatch
  private let events: EventSink
  private let source: EventSource
  private var firstCycle: MonotonicInstant?
  private var quorumLost = false
  /// Sensors found fresh on the last cycle.
  public private(set) var freshCount = 0

  public init(
    name: String = "stale-data-monitor", readings: [Snapshot<SamplerReading>], minimumFresh: Int,
    staleAfter: Duration, latch: SafetyLatch, events: EventSink
  ) {
    self.name = name
    self.readings = readings
    self.minimumFresh = max(minimumFresh, 1)
    self.staleAfterNanoseconds = staleAfter.nanosecondsSaturated
    self.latch = latch
    self.events = events
    self.source = events.registerSource(name)
  }

  public func run(_ tick: TickContext) {
    let start = firstCycle ?? tick.deadline
    firstCycle = start
    var fresh = 0
    for snapshot in readings {
      let reading = snapshot.read()
      guard reading.status != .excluded else { continue }
      let stamp = reading.timestamp ?? start
      if tick.deadline.nanoseconds &- stamp.nanoseconds <= staleAfterNanoseconds { fresh += 1 }
    }
    freshCount = fresh
    if fresh < minimumFresh {
      if !quorumLost {
        quorumLost = true
        events.emit(.error, .quorumLost, source: source, value: Int64(fresh))
      }
      latch.trip(.staleData, source: source)
    } else {
      quorumLost = false
    }
  }
}
