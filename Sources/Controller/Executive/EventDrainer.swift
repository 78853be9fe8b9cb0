import Atomics
import Dispatch
import Foundation
import HAL

/// The ordinary (non-real-time) thread that drains the event sink to its consumer
/// every `interval` while the loop runs.
final class EventDrainer: @unchecked Sendable {
  private let sink: EventSink
  private let interval: Duration
  private let stopping = ManagedAtomic<Bool>(false)
  private let exited = DispatchSemaphore(value: 0)

  init(sink: EventSink, interval: Duration) {
    self.sink = sink
    self.interval = interval
  }

  func start() {
    let micros = UInt32(clamping: interval.nanosecondsSaturated / 1_000)
    NamedThread.start("cloak-events") { [self] in
      while !stopping.load(ordering: .acquiring) {
        sink.drain()
        usleep(micros)
      }
      sink.drain()
      exited.signal()
    }
  }

  func stop() {
    stopping.store(true, ordering: .releasing)
    exited.wait()
  }
}
