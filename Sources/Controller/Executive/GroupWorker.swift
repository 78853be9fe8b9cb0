import Atomics
import Dispatch
import Foundation
import HAL

/// The thread that runs one non-inline rate group in real-time mode.
///
/// The base thread hands it a release (``release(baseTick:deadline:)``) by writing two
/// fields and signalling a semaphore: no allocation, no lock shared with other threads.
/// The worker clears the group's `busy` flag when the cycle is done; a release found
/// busy is the group's slip, so a slow group slips alone and never delays the base tick.
final class GroupWorker: @unchecked Sendable {
  private let group: RateGroupRuntime
  private let wakeup = DispatchSemaphore(value: 0)
  private let exited = DispatchSemaphore(value: 0)
  private let stopping = ManagedAtomic<Bool>(false)
  // Written by the base thread before `signal`, read by the worker after `wait`.
  private var pendingTick: UInt64 = 0
  private var pendingDeadline = MonotonicInstant.zero
  private var setupProblems: [String] = []

  init(group: RateGroupRuntime) { self.group = group }

  /// Starts the thread and waits until `prepare` (priority, affinity) has run on it;
  /// returns the problems `prepare` reported.
  func start(prepare: @escaping @Sendable () -> [String]) -> [String] {
    let ready = DispatchSemaphore(value: 0)
    NamedThread.start("cloak-\(group.configuration.name)", stackSize: 1 << 20) { [self] in
      setupProblems = prepare()
      ready.signal()
      while true {
        wakeup.wait()
        if stopping.load(ordering: .acquiring) { break }
        _ = group.execute(baseTick: pendingTick, deadline: pendingDeadline)
        group.busy.store(false, ordering: .releasing)
      }
      exited.signal()
    }
    ready.wait()
    return setupProblems
  }

  /// Hands a release to the thread. Returns `false` when the previous cycle is still
  /// running (the caller counts the slip).
  func release(baseTick: UInt64, deadline: MonotonicInstant) -> Bool {
    guard !group.busy.load(ordering: .acquiring) else { return false }
    group.busy.store(true, ordering: .relaxed)
    pendingTick = baseTick
    pendingDeadline = deadline
    wakeup.signal()
    return true
  }

  /// Stops the thread after its current cycle and waits for it to exit (at most
  /// `timeout`; a hung member cannot be stopped, returns `false`).
  func stop(timeout: Duration) -> Bool {
    stopping.store(true, ordering: .releasing)
    wakeup.signal()
    let millis = Int(timeout.nanosecondsSaturated / 1_000_000)
    return exited.wait(timeout: .now() + .milliseconds(millis)) == .success
  }
}
