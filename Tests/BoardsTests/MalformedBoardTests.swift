import Boards
import Testing

/// Each malformed board gives exactly the documented error: kind, line and key path.
@Suite("Malformed board files")
struct MalformedBoardTests {
  typealias F = BoardFixtures

  /// `minimal` with `old` replaced by `new` (which must occur).
  static func variant(_ old: String, _ new: String) -> String {
    #expect(F.minimal.contains(old), "fixture lacks \(old)")
    return F.minimal.replacingOccurrences(of: old, with: new)
  }

  @Test("the minimal fixture itself is valid")
  func minimalIsValid() {
    #expect(F.errors(F.minimal) == [])
  }

  @Test("unknown key inside a line role")
  func unknownKey() throws {
    let yaml = Self.variant("safe: inactive}", "safe: inactive, colour: red}")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .unknownKey)
    #expect(error.line == F.line(of: "colour: red", in: yaml))
    #expect(error.keyPath == "gpio.lines.status.led.colour")
    #expect(F.errors(yaml).count == 1)
  }

  @Test("unknown top-level key (a typo) is an error, not ignored")
  func unknownTopLevelKey() throws {
    let yaml = F.minimal + "\nwatchdg: {kind: none}\n"
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .unknownKey)
    #expect(errors.first?.keyPath == "watchdg")
    #expect(errors.first?.line == F.line(of: "watchdg", in: yaml))
  }

  @Test("a role declared twice is reported at its second declaration")
  func duplicateRole() throws {
    let second = "    status.led: {chip: chip-a, line: L2, direction: output, safe: inactive}\n"
    let yaml = Self.variant("i2c:\n", second + "i2c:\n")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .duplicateKey)
    #expect(error.line == F.line(of: "status.led:", occurrence: 2, in: yaml))
    #expect(error.keyPath == "gpio.lines.status.led")
  }

  @Test("a chip listing one line name twice")
  func duplicateLine() throws {
    let yaml = Self.variant("lines: [L0, L1, L2, L3]", "lines: [L0, L1, L2, L1]")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .duplicateLine)
    #expect(error.line == F.line(of: "lines: [L0", in: yaml))
    #expect(error.keyPath == "gpio.chips.chip-a.lines.3")
  }

  @Test("two roles on one GPIO line")
  func twoRolesOnOneLine() throws {
    let yaml = Self.variant("line: L1, direction: output", "line: L0, direction: output")
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    let error = try #require(errors.first)
    #expect(error.kind == .lineConflict)
    #expect(error.line == F.line(of: "status.led:", in: yaml))
    #expect(error.keyPath == "gpio.lines.status.led.line")
    #expect(error.message.contains("crew.override_switch"))
  }

  @Test("two devices at one address on one bus")
  func addressConflict() throws {
    let yaml = F.minimal + "\n    pressure.node1.b: {kind: bme280, bus: main, address: 0x76}\n"
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .addressConflict)
    #expect(error.line == F.line(of: "pressure.node1.b", in: yaml))
    #expect(error.keyPath == "i2c.devices.pressure.node1.b.address")
    #expect(error.message.contains("0x76"))
  }

  @Test("a declared feature without its required roles")
  func missingRequiredRole() throws {
    let yaml = Self.variant("features: [crew-override]", "features: [crew-override, status, hatches]")
      .replacingOccurrences(of: "    status.led:", with: "    hatch.node1.close:")
    let errors = F.errors(yaml)
    let featuresLine = F.line(of: "features:", in: yaml)
    #expect(errors.allSatisfy { $0.kind == .missingRole && $0.line == featuresLine })
    #expect(
      errors.map(\.keyPath) == [
        "gpio.lines.status.led", "gpio.lines.hatch.node1.open", "gpio.lines.hatch.node1.closed_sensor",
        "gpio.lines.hatch.node1.open_sensor",
      ])
  }

  @Test("leak watch needs two pressure sensors per module")
  func leakWatchNeedsTwoSensors() throws {
    let yaml = Self.variant("features: [crew-override]", "features: [crew-override, leak-watch]")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .missingRole)
    #expect(error.keyPath == "i2c.devices.pressure.node1.b")
  }

  @Test("an output without a safe value")
  func outputWithoutSafeValue() throws {
    let yaml = Self.variant("direction: output, safe: inactive}", "direction: output}")
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .missingSafeValue)
    #expect(errors.first?.line == F.line(of: "status.led:", in: yaml))
    #expect(errors.first?.keyPath == "gpio.lines.status.led.safe")
  }

  @Test("a PWM output with min_us above max_us")
  func minAboveMax() throws {
    let yaml =
      F.minimal + """

            pwm.main: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50}
        pwm:
          outputs:
            valve.node1.vent:
              pca9685: pwm.main
              channel: 0
              kind: valve
              min_us: 2000
              max_us: 1000
              safe: off
        """
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .outOfRange)
    #expect(error.line == F.line(of: "max_us: 1000", in: yaml))
    #expect(error.keyPath == "pwm.outputs.valve.node1.vent.max_us")
  }

  @Test("a PCA9685 channel above 15")
  func channelOutOfRange() throws {
    let yaml =
      F.minimal + """

            pwm.main: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50}
        pwm:
          outputs:
            valve.node1.vent: {pca9685: pwm.main, channel: 16, kind: valve, min_us: 1000, max_us: 2000, safe: off}
        """
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .outOfRange)
    #expect(error.line == F.line(of: "channel: 16", in: yaml))
    #expect(error.keyPath == "pwm.outputs.valve.node1.vent.channel")
  }

  @Test("an I2C address in the reserved range above 0x77")
  func addressOutOfRange() throws {
    let yaml = Self.variant("address: 0x76", "address: 0x78")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .wrongAddress)
    #expect(error.keyPath == "i2c.devices.pressure.node1.a.address")
    #expect(error.message == "0x78 is in the I2C reserved range 0x78-0x7f")
  }

  @Test("an address beyond 7 bits")
  func addressBeyondSevenBits() throws {
    let yaml = Self.variant("address: 0x76", "address: 0x80")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .outOfRange)
    #expect(error.message == "0x80 is out of range 0x00...0x7f")
  }

  @Test("an unknown schema version stops the load at the version line")
  func unknownSchemaVersion() throws {
    let yaml = Self.variant("version: 1", "version: 2") + "\nfuture_key: 1\n"
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .unsupportedVersion)
    #expect(errors.first?.line == 1)
    #expect(errors.first?.keyPath == "version")
  }

  @Test("a YAML syntax error names file and line")
  func yamlSyntaxError() throws {
    let yaml = Self.variant("features: [crew-override]", "features: [crew-override")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .yamlSyntax)
    #expect(error.file == "boards/bad.yaml")
    #expect(error.line > 0)
    #expect(error.description.hasPrefix("boards/bad.yaml:\(error.line): "))
  }

  @Test("a hatch whose safe value would move it", arguments: ["active"])
  func hatchMustHold(safe: String) throws {
    let yaml = Self.variant(
      "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}",
      "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}\n"
        + "    hatch.node1.close: {chip: chip-a, line: L2, direction: output, safe: \(safe)}")
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .unsafeSafeValue)
    #expect(errors.first?.line == F.line(of: "hatch.node1.close", in: yaml))
    #expect(errors.first?.keyPath == "gpio.lines.hatch.node1.close.safe")
  }

  @Test("a hatch may declare hold, which requests its drive line inactive")
  func hatchHoldIsAccepted() throws {
    let yaml = Self.variant(
      "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}",
      "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}\n"
        + "    hatch.node1.close: {chip: chip-a, line: L2, direction: output, active_low: true, safe: hold}")
    let board = try BoardLoader.load(yaml: yaml, file: "boards/bad.yaml")
    #expect(board.lines["hatch.node1.close"]?.safe == .hold)
    #expect(board.lines["hatch.node1.close"]?.outputConfig?.initialValue == false)
  }

  @Test("a kill-path pull resistor that would release the line to its unsafe level")
  func killPathPullMustHoldSafe() throws {
    let yaml =
      F.minimal + """

        kill_path:
          - role: status.led
            pull: up
            resistor_ohms: 10000
        """
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .killPathUnsafe)
    #expect(error.line == F.line(of: "pull: up", in: yaml))
    #expect(error.keyPath == "kill_path.0.pull")
  }

  @Test("a line on a chip the board does not declare")
  func unknownChip() throws {
    let yaml = Self.variant("line: L1, direction: output", "chip: chip-b, line: L1, direction: output")
      .replacingOccurrences(of: "{chip: chip-a, chip: chip-b", with: "{chip: chip-b")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .unknownReference)
    #expect(error.keyPath == "gpio.lines.status.led.chip")
  }

  @Test("a bad word names the allowed ones")
  func badWord() throws {
    let yaml = Self.variant("bias: pull-up", "bias: pullup")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .badValue)
    #expect(error.keyPath == "gpio.lines.crew.override_switch.bias")
    #expect(error.message == "'pullup' is not one of: as-is, disabled, pull-up, pull-down")
  }

  @Test("name must match the file name")
  func nameMismatch() throws {
    let yaml = Self.variant("name: bad", "name: good")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .badValue)
    #expect(error.line == 2)
    #expect(error.keyPath == "name")
  }

  @Test("errors print as FILE:LINE: KEY.PATH: message")
  func descriptionFormat() throws {
    let yaml = Self.variant("address: 0x76", "address: 0x78")
    let error = try #require(F.errors(yaml).first)
    let line = F.line(of: "address: 0x78", in: yaml)
    #expect(
      error.description
        == "boards/bad.yaml:\(line): i2c.devices.pressure.node1.a.address: 0x78 is in the I2C reserved range 0x78-0x7f")
  }

  @Test("several problems are all reported, in file order")
  func collectsAllErrors() {
    let yaml = Self.variant("bias: pull-up", "bias: pullup").replacingOccurrences(
      of: "address: 0x76", with: "address: 0x80")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.badValue, .outOfRange])
    #expect(errors.map(\.line) == errors.map(\.line).sorted())
  }
}
