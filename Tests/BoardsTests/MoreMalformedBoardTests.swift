import Boards
import Testing

/// Further checks beyond the list: references, arming, PWM and kill-path rules.
@Suite("More malformed board files")
struct MoreMalformedBoardTests {
  typealias F = BoardFixtures

  /// `minimal` plus a PCA9685 at 0x40 and the given YAML appended (top-level sections).
  static func withPWM(_ tail: String) -> String {
    F.minimal + "\n    pwm.main: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50}\n" + tail
  }

  static func firstError(_ yaml: String) throws -> BoardError {
    try #require(F.errors(yaml).first)
  }

  @Test("two PWM outputs on one channel")
  func channelConflict() throws {
    let yaml = Self.withPWM(
      """
      pwm:
        outputs:
          valve.node1.vent: {pca9685: pwm.main, channel: 3, kind: valve, min_us: 1000, max_us: 2000, safe: off}
          valve.node2.vent: {pca9685: pwm.main, channel: 3, kind: valve, min_us: 1000, max_us: 2000, safe: off}
      """)
    let error = try Self.firstError(yaml)
    #expect(error.kind == .channelConflict)
    #expect(error.line == F.line(of: "valve.node2.vent", in: yaml))
    #expect(error.keyPath == "pwm.outputs.valve.node2.vent.channel")
  }

  @Test("an ESC whose safe pulse is thrust")
  func escSafeIsThrust() throws {
    let yaml = Self.withPWM(
      """
      pwm:
        outputs:
          drone.d1.motor1: {pca9685: pwm.main, channel: 0, kind: esc, min_us: 1000, max_us: 2000, safe: 1200us}
      """)
    let error = try Self.firstError(yaml)
    #expect(error.kind == .unsafeSafeValue)
    #expect(error.keyPath == "pwm.outputs.drone.d1.motor1.safe")
  }

  @Test("a hatch PWM actuator must hold")
  func hatchPWMMustHold() throws {
    let yaml = Self.withPWM(
      """
      pwm:
        outputs:
          hatch.node1.drive: {pca9685: pwm.main, channel: 0, kind: servo, min_us: 1000, max_us: 2000, safe: 1000us}
      """)
    let error = try Self.firstError(yaml)
    #expect(error.kind == .unsafeSafeValue)
    #expect(error.keyPath == "pwm.outputs.hatch.node1.drive.safe")
  }

  @Test("a safe pulse outside min...max")
  func safePulseOutOfRange() throws {
    let yaml = Self.withPWM(
      """
      pwm:
        outputs:
          valve.node1.vent: {pca9685: pwm.main, channel: 0, kind: valve, min_us: 1000, max_us: 2000, safe: 2500us}
      """)
    let error = try Self.firstError(yaml)
    #expect(error.kind == .outOfRange)
    #expect(error.keyPath == "pwm.outputs.valve.node1.vent.safe")
  }

  @Test("a sysfs output's pulse must be shorter than its period")
  func sysfsPulseLongerThanPeriod() throws {
    let yaml =
      F.minimal + """

        pwm:
          outputs:
            valve.node1.vent:
              sysfs_of_node: 48302200.pwm
              channel: 0
              period_us: 2000
              kind: valve
              min_us: 1000
              max_us: 2000
              safe: 1000us
        """
    let error = try Self.firstError(yaml)
    #expect(error.kind == .outOfRange)
    #expect(error.line == F.line(of: "max_us: 2000", in: yaml))
    #expect(error.keyPath == "pwm.outputs.valve.node1.vent.max_us")
  }

  @Test("a drone motor not armed by its drone's arm line")
  func droneMotorNotArmed() throws {
    let yaml = Self.withPWM(
      """
      pwm:
        outputs:
          drone.d1.motor1: {pca9685: pwm.main, channel: 0, kind: esc, min_us: 1000, max_us: 2000, safe: off}
      kill_path:
        - {role: drone.d1.arm, pull: down, resistor_ohms: 10000}
      """
    )
    .replacingOccurrences(of: "features: [crew-override]", with: "features: [crew-override, drones]")
    .replacingOccurrences(
      of: "    status.led:",
      with: "    drone.d1.arm: {chip: chip-a, line: L2, direction: output, safe: inactive}\n    status.led:")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.missingRole])
    #expect(errors.first?.keyPath == "pwm.outputs.drone.d1.motor1.arming")
    #expect(errors.first?.line == F.line(of: "features:", in: yaml))
  }

  @Test("a PCA9685 output-enable line that is not on the kill path")
  func outputEnableOffKillPath() throws {
    let yaml = Self.variantOE("")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.killPathUnsafe])
    #expect(errors.first?.keyPath == "i2c.devices.pwm.main.output_enable")
    #expect(F.errors(Self.variantOE("kill_path:\n  - {role: status.led, pull: up, resistor_ohms: 4700}\n")) == [])
  }

  /// A PCA9685 whose OE is `status.led` (declared active low, as the chip's OE is),
  /// plus `tail`.
  static func variantOE(_ tail: String) -> String {
    F.minimal.replacingOccurrences(
      of: "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}",
      with: "status.led: {chip: chip-a, line: L1, direction: output, active_low: true, safe: inactive}")
      + "\n    pwm.main: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50, output_enable: status.led}\n"
      + tail
  }

  @Test("an input line may not declare a safe value")
  func inputWithSafe() throws {
    let yaml = F.minimal.replacingOccurrences(of: "bias: pull-up}", with: "bias: pull-up, safe: inactive}")
    let error = try Self.firstError(yaml)
    #expect(error.kind == .unknownKey)
    #expect(error.keyPath == "gpio.lines.crew.override_switch.safe")
  }

  @Test("PCA9685-only keys on a pressure sensor")
  func pcaKeyOnSensor() throws {
    let yaml = F.minimal.replacingOccurrences(of: "address: 0x76}", with: "address: 0x76, frequency_hz: 50}")
    let error = try Self.firstError(yaml)
    #expect(error.kind == .unknownKey)
    #expect(error.keyPath == "i2c.devices.pressure.node1.a.frequency_hz")
  }

  @Test("a simulated bus on a linux board")
  func simulatedBusOnLinux() throws {
    let yaml = F.minimal.replacingOccurrences(of: "{device: /dev/i2c-1}", with: "{simulated: true}")
    let error = try Self.firstError(yaml)
    #expect(error.kind == .badValue)
    #expect(error.keyPath == "i2c.buses.main.simulated")
  }

  @Test("a device on an undeclared bus")
  func unknownBus() throws {
    let yaml = F.minimal.replacingOccurrences(of: "bus: main,", with: "bus: side,")
    let error = try Self.firstError(yaml)
    #expect(error.kind == .unknownReference)
    #expect(error.keyPath == "i2c.devices.pressure.node1.a.bus")
  }

  @Test("a duplicate key deep in the file gets its full key path")
  func nestedDuplicateKey() throws {
    let yaml = F.minimal + "\nwatchdog:\n  kind: device\n  device: /dev/watchdog\n  kind: none\n"
    let error = try Self.firstError(yaml)
    #expect(error.kind == .duplicateKey)
    #expect(error.line == F.line(of: "kind: none", in: yaml))
    #expect(error.keyPath == "watchdog.kind")
  }

  @Test("a watchdog of an unknown kind")
  func unknownWatchdogKind() throws {
    let yaml = F.minimal + "\nwatchdog: {kind: hardware}\n"
    let error = try Self.firstError(yaml)
    #expect(error.kind == .badValue)
    #expect(error.keyPath == "watchdog.kind")
  }
}
