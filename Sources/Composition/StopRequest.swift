#if canImport(LinuxHAL)
  import Dispatch
  import HAL
  import LinuxHAL

  /// SIGINT/SIGTERM as something a command waits for, so Ctrl-C ends a hold or a run
  /// cleanly (outputs back to safe, lines released) instead of killing the process
  /// mid-call. Built on the executive's `ShutdownSignals`.
  public final class StopRequest {
    private let semaphore = DispatchSemaphore(value: 0)
    private var signals: ShutdownSignals?
    private var stopped = false

    public init() {
      let semaphore = self.semaphore
      signals = ShutdownSignals { _ in semaphore.signal() }
    }

    deinit { signals?.cancel() }

    /// Waits at most `timeout` (nil: until a signal) for a stop signal; true once one
    /// has come (and on every later call).
    public func wait(_ timeout: Duration?) -> Bool {
      if stopped { return true }
      if let timeout {
        let nanos = Int(clamping: max(timeout.nanosecondsSaturated, 0))
        stopped = semaphore.wait(timeout: .now() + .nanoseconds(nanos)) == .success
      } else {
        semaphore.wait()
        stopped = true
      }
      return stopped
    }

    /// Whether a stop signal has come, without waiting.
    public var isStopped: Bool { wait(.zero) }
  }
#endif

/// Stop signals caught from a command's start (decision 0429).
public enum StopSignals {
  /// SIGTERM and SIGINT stop caught from now on (Linux): one that comes while a run is
  /// still starting, before it listens, is handed to the run as soon as it does, so the
  /// run stops through its safe state instead of the process being killed half-set-up.
  /// Call first thing in a command that runs until a signal.
  public static func catchFromNow() {
    #if canImport(LinuxHAL)
      ShutdownSignals.catchFromNow()
    #endif
  }
}
