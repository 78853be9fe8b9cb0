#if canImport(LinuxHAL)
  import Foundation
  import HAL
  import LinuxHAL

  /// SIGINT/SIGTERM as something a command waits for, so Ctrl-C ends a hold or a run
  /// cleanly (outputs back to safe, lines released) instead of killing the process
  /// mid-call. Built on the executive's `ShutdownSignals`.
  public final class StopRequest: @unchecked Sendable {
    /// Set once by the signal handler, read by ``wait(_:)``: a flag under a lock, so a
    /// stop that comes while nobody waits, or while a wait times out, is never missed.
    private let condition = NSCondition()
    private var requested = false
    private var signals: ShutdownSignals?

    /// Listens for SIGTERM and SIGINT; on the first, says so on standard error
    /// ("cloak: SIGINT: stopping") and wakes ``wait(_:)``.
    public init() {
      let condition = self.condition
      signals = ShutdownSignals { [weak self] number in
        let name = number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
        FileHandle.standardError.write(Data("cloak: \(name): stopping\n".utf8))
        condition.lock()
        self?.requested = true
        condition.broadcast()
        condition.unlock()
      }
    }

    deinit { signals?.cancel() }

    /// Waits at most `timeout` (nil: until a signal) for a stop signal; true once one
    /// has come (and on every later call).
    public func wait(_ timeout: Duration?) -> Bool {
      condition.lock()
      defer { condition.unlock() }
      guard let timeout else {
        while !requested { condition.wait() }
        return true
      }
      let seconds = Double(max(timeout.nanosecondsSaturated, 0)) / 1e9
      let deadline = Date(timeIntervalSinceNow: min(seconds, 1e9))
      while !requested {
        if !condition.wait(until: deadline) { break }
      }
      return requested
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
