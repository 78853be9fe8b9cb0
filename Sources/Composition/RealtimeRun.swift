import Controller
import Dispatch
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// Runs an assembled controller in real time until SIGTERM/SIGINT (or `duration`, when
/// given), then through the executive's shutdown sequence (every actuator to its safe
/// value). A service runs it with no duration: it stops only on a signal. `options`
/// carry the configured priority, CPU, memory locking and PM QoS hold.
public enum RealtimeRun {
  /// Why a real-time run could not start.
  public struct Unavailable: Error, CustomStringConvertible {
    public var description: String { "running on a real board needs the Linux backend" }
  }

  /// Runs until a signal or `duration`; `onSetupProblems` receives real-time set-up
  /// problems (not permitted, not supported) once. Returns the executive's report.
  public static func run(
    _ assembly: ControllerAssembly, duration: Duration?, options: RealtimeOptions = .none,
    onSetupProblems: @escaping ([String]) -> Void
  ) throws(Unavailable) -> ExecutiveReport {
    #if canImport(LinuxHAL)
      let executive = assembly.executive
      let signals = ShutdownSignals { signal in executive.requestShutdown(signal: signal) }
      defer { signals.cancel() }
      if let duration {
        let nanos = Int(clamping: max(duration.nanosecondsSaturated, 0))
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanos)) { executive.requestShutdown() }
      }
      return executive.runRealtime(
        options: options, environment: RealtimeSetup(), onSetupProblems: onSetupProblems)
    #else
      throw Unavailable()
    #endif
  }
}
