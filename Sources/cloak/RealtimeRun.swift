import ArgumentParser
import Composition
import Controller
import Dispatch
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// Runs an assembled controller in real time until SIGTERM/SIGINT or `seconds`, then
/// through the executive's shutdown sequence (every actuator to its safe value).
enum RealtimeRun {
  static func run(
    _ assembly: ControllerAssembly, seconds: Double, printer: EventPrinter, options: RealtimeOptions = .none
  ) throws {
    #if canImport(LinuxHAL)
      let executive = assembly.executive
      let signals = ShutdownSignals { signal in executive.requestShutdown(signal: signal) }
      defer { signals.cancel() }
      DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { executive.requestShutdown() }
      let report = executive.runRealtime(options: options, environment: RealtimeSetup()) { problems in
        printError("cloak run: warning: real-time set-up incomplete: " + problems.joined(separator: "; "))
      }
      print(
        "cloak run: done: \(report.ticks) ticks, \(report.slips) slips, wake-up p99 \(report.p99Us) us, "
          + "safe mode \(report.safeMode ?? "none"), \(printer.count) warning events")
    #else
      throw ValidationError("running on a real board needs the Linux backend")
    #endif
  }
}
