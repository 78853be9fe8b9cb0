import ArgumentParser
import Boards
import Composition
import Drivers
import Foundation
import HAL
import MockHAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// `cloak actuator ...`: bench tools for PWM actuators.
struct Actuator: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "actuator",
    abstract: "Bench tools for servos, ESCs and valves.",
    subcommands: [ActuatorSet.self]
  )
}

/// `cloak actuator set ROLE --pulse-us N | --safe [--arm] [--for S]`.
struct ActuatorSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Drive a PWM output by role, hold it, then return it to its safe value.",
    discussion: """
      Refuses pulses outside the board file's range. Outputs with an arming line (drone \
      motors) accept only their neutral pulse unless --arm is given; --arm drives the arming \
      line. The PWM controller's outputs are enabled once the pulse is set (for an output \
      that needs arming, only with --arm). The pulse is held until Ctrl-C or --for \
      seconds (on the sim board: --for seconds of virtual time, default 1), then the output \
      and every other output of the board return to their safe values.
      """)

  @Argument(help: "The output's role in the board file (e.g. drone.d1.gimbal).")
  var role: String

  @OptionGroup var boardOption: BoardOption

  @Option(help: "Pulse width in microseconds.")
  var pulseUs: Int?

  @Flag(help: "Only put the output at its safe value.")
  var safe = false

  @Flag(help: "Arm the output (needed beyond neutral on outputs with an arming line).")
  var arm = false

  @Option(
    name: .customLong("for"), help: "Hold this long (90s, 15m, seconds), then return to safe (default: until Ctrl-C).",
    transform: DurationArgument.parse)
  var hold: DurationArgument?
  var holdSeconds: Double? { hold?.seconds }

  func validate() throws {
    guard (pulseUs != nil) != safe else { throw ValidationError("give exactly one of --pulse-us N or --safe") }
    if let pulseUs, pulseUs < 0 { throw ValidationError("--pulse-us must not be negative") }
    if let holdSeconds, !(holdSeconds >= 0 && holdSeconds <= 86_400) {
      throw ValidationError("--for must be within 0...86400 seconds")
    }
  }

  func run() throws {
    let board = try boardOption.bringUp(.init(initialiseSensors: false))
    defer {
      for failure in board.applySafeState() { printError("cloak actuator set: safe state: \(failure)") }
      board.release()
    }
    guard let spec = board.board.pwmOutputs[role], let channel = board.pwmChannels[role] else {
      let known = board.board.pwmOutputs.keys.sorted().joined(separator: ", ")
      printError("cloak actuator set: no PWM output '\(role)' on board \(board.board.name); outputs: \(known)")
      throw ExitCode(1)
    }
    let limits = ControllerAssembly.limits(spec)
    let pulse = Duration.microseconds(pulseUs ?? 0)
    // Checked before --arm takes effect: a mistyped pulse must not power a motor first.
    if !safe, !limits.range.contains(pulse) {
      let bounds = "\(Self.micros(spec.minPulse))...\(Self.micros(spec.maxPulse)) us"
      printError("cloak actuator set: \(role): \(pulseUs ?? 0) us is out of range \(bounds); nothing armed or driven")
      throw ExitCode(1)
    }
    let servo: ServoActuator
    do {
      servo = try ServoActuator(
        name: role, channel: channel, limits: limits,
        powerEnable: spec.arming.flatMap { board.outputs[$0] })
      if safe {
        try servo.safe()
        print("\(role): at its safe value (\(spec.safe))")
        return
      }
      if arm { try servo.arm() }
      try servo.command(pulse)
      try servo.update(now: board.clock.now())
      // The PCA9685's output-enable line gates all its channels; it is raised once the
      // pulse is set. An output without an arming line needs no --arm to move (its
      // range is its protection); the others stay gated unless armed.
      if arm || !limits.requiresArming { try pwmController(of: spec, in: board)?.setOutputsEnabled(true) }
    } catch {
      printError("cloak actuator set: \(error)")
      throw ExitCode(1)
    }
    print("\(role): \(pulseUs ?? 0) us\(arm ? " (armed)" : ""); holding")
    hold(board.clock)
    do { try servo.safe() } catch {
      printError("cloak actuator set: \(error)")
      throw ExitCode(1)
    }
    print("\(role): back at its safe value (\(spec.safe))")
  }

  private static func micros(_ duration: Duration) -> Int64 { duration.nanosecondsSaturated / 1000 }

  private func pwmController(of spec: PWMOutputSpec, in board: RunningBoard) -> PCA9685? {
    guard case .pca9685(let device, _) = spec.source else { return nil }
    return board.pwmControllers[device]
  }

  /// Holds until --for elapses or SIGINT/SIGTERM; on the virtual clock, --for (default
  /// 1 s) of virtual time.
  private func hold(_ clock: any MonotonicClock) {
    if clock is VirtualClock {
      clock.sleep(for: .milliseconds(Int64(((holdSeconds ?? 1) * 1000).rounded())))
      return
    }
    #if canImport(LinuxHAL)
      _ = StopRequest().wait(holdSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) })
    #else
      clock.sleep(for: .milliseconds(Int64(((holdSeconds ?? 1) * 1000).rounded())))
    #endif
  }
}
