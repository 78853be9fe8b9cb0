import Atomics
import HAL

/// Ping bookkeeping for every component, read by the base thread.
///
/// The executive pings each member once per cycle of its group (``RateGroupMember/answerPing()``);
/// an answer stores the time lock-free. Every health interval the base thread checks
/// each component's last answer against its deadline: the first miss raises a
/// warning, `fatalAfter` consecutive misses a fatal event and latched safe mode. The
/// watchdog is stroked only when every component is within its deadline.
final class HealthMonitor: @unchecked Sendable {
  // Base-thread state; the answers live in a separate array that other threads only
  // read (the array itself is fixed before the loop starts).
  private struct Component {
    var source: EventSource
    var deadlineNanoseconds: Int64
    var misses = 0
    var fatal = false
  }

  private var components: [Component] = []
  private var answers: [UnsafeAtomic<Int64>] = []
  private let sink: EventSink
  private let latch: SafetyLatch
  private let fatalAfter: Int

  init(sink: EventSink, latch: SafetyLatch, fatalAfter: Int) {
    self.sink = sink
    self.latch = latch
    self.fatalAfter = fatalAfter
  }

  deinit { for answer in answers { answer.destroy() } }

  /// Set-up only. Returns the component's index for ``answer(_:at:)``.
  func register(source: EventSource, deadline: Duration, start: MonotonicInstant) -> Int {
    components.append(Component(source: source, deadlineNanoseconds: deadline.nanosecondsSaturated))
    answers.append(.create(start.nanoseconds))
    return components.count - 1
  }

  /// Restarts every deadline from `start` (the loop's first tick).
  func reset(start: MonotonicInstant) {
    for answer in answers { answer.store(start.nanoseconds, ordering: .relaxed) }
  }

  /// Records an answer (any thread).
  func answer(_ index: Int, at now: MonotonicInstant) {
    guard index >= 0, index < answers.count else { return }
    answers[index].store(now.nanoseconds, ordering: .releasing)
  }

  /// Checks every component (base thread only); returns whether all are healthy.
  func evaluate(now: MonotonicInstant) -> Bool {
    var healthy = true
    for index in components.indices {
      let last = answers[index].load(ordering: .acquiring)
      let age = now.nanoseconds &- last
      if age <= components[index].deadlineNanoseconds {
        if components[index].misses > 0 {
          sink.emit(.info, .pingRecovered, source: components[index].source)
        }
        components[index].misses = 0
        components[index].fatal = false
        continue
      }
      healthy = false
      components[index].misses += 1
      let misses = components[index].misses
      if misses == 1 {
        sink.emit(.warning, .pingLate, source: components[index].source, value: Int64(misses))
      }
      if misses >= fatalAfter, !components[index].fatal {
        components[index].fatal = true
        sink.emit(.fatal, .pingFatal, source: components[index].source, value: Int64(misses))
        latch.trip(.healthFatal, source: components[index].source)
      }
    }
    return healthy
  }
}
