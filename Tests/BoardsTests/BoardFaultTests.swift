import Boards
import Drivers
import Foundation
import HAL
import Testing

/// The wiring mistakes of issue 15 (copied from shared/data/board-faults, with their
/// README): each must be refused by validation, naming the key and the rule.
@Suite("Board faults: files that validated and could not start, or inverted the kill path")
struct BoardFaultTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/board-faults").path

  static func errors(_ name: String) -> [BoardError] {
    do {
      _ = try BoardLoader.load(path: "\(directory)/\(name).yaml")
      return []
    } catch {
      return error.errors
    }
  }

  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: "\(directory)/\(name).yaml", encoding: .utf8)
  }

  @Test("osc27mhz-24hz: prescale round(27e6 / (4096 x 24)) - 1 = 274 is beyond 3...255")
  func oscillator27MHzAt24Hz() throws {
    let errors = Self.errors("osc27mhz-24hz")
    #expect(errors.map(\.kind) == [.outOfRange])
    let error = try #require(errors.first)
    #expect(error.keyPath == "i2c.devices.pwm.main.frequency_hz")
    #expect(error.line == BoardFixtures.line(of: "frequency_hz: 24", in: try Self.text("osc27mhz-24hz")))
    #expect(error.message.contains("274") && error.message.contains("3...255"))
  }

  @Test("oe-declared-active-high: judged by the chip's active-low OE, not the declared polarity")
  func outputEnableDeclaredActiveHigh() throws {
    let errors = Self.errors("oe-declared-active-high")
    #expect(errors.map(\.kind) == [.killPathUnsafe, .killPathUnsafe])
    #expect(errors.map(\.keyPath) == ["gpio.lines.pwm.output_enable.active_low", "kill_path.0.pull"])
    #expect(errors[0].message.contains("active low in the chip"))
    #expect(errors[1].message.contains("needs a pull-up"))
  }

  @Test("oe-active-low-pull-down: the pull-down releases OE low, every output on")
  func outputEnablePulledDown() throws {
    let errors = Self.errors("oe-active-low-pull-down")
    #expect(errors.map(\.kind) == [.killPathUnsafe])
    #expect(errors.first?.keyPath == "kill_path.0.pull")
    #expect(
      errors.first?.line == BoardFixtures.line(of: "pull: down", in: try Self.text("oe-active-low-pull-down")))
  }

  @Test("bmx280-decimal-76-77: 76 and 77 read as decimal (0x4c, 0x4d), where no BMP280/BME280 can be")
  func bmx280DecimalAddresses() throws {
    let errors = Self.errors("bmx280-decimal-76-77")
    #expect(errors.map(\.kind) == [.wrongAddress, .wrongAddress])
    #expect(errors.map(\.keyPath) == ["i2c.devices.pressure.node1.a.address", "i2c.devices.pressure.node1.b.address"])
    #expect(errors[0].message.contains("0x4c") && errors[0].message.contains("write 0x76"))
    #expect(errors[1].message.contains("a bme280 answers only at 0x76 (SDO low) or 0x77 (SDO high)"))
    #expect(errors[1].message.contains("write 0x77"))
  }

  @Test("ms5611-decimal-77: 77 is 0x4d, where no MS5611 can be")
  func ms5611DecimalAddress() throws {
    let errors = Self.errors("ms5611-decimal-77")
    #expect(errors.map(\.kind) == [.wrongAddress])
    #expect(errors.first?.keyPath == "i2c.devices.pressure.node2.a.address")
    #expect(errors.first?.message.contains("ms5611") == true)
    #expect(errors.first?.message.contains("write 0x77") == true)
  }

  @Test("every fixture in the folder has its outcome tested above")
  func everyFixtureCovered() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".yaml") }
    #expect(
      Set(files) == [
        "osc27mhz-24hz.yaml", "oe-declared-active-high.yaml", "oe-active-low-pull-down.yaml",
        "bmx280-decimal-76-77.yaml", "ms5611-decimal-77.yaml",
      ])
    for file in files { #expect(!Self.errors(String(file.dropLast(5))).isEmpty, "\(file) validated") }
  }
}

/// Each kind of issue 15 beyond the fixtures: other chips, frequencies, oscillators and
/// addresses.
@Suite("What the silicon fixes, checked with the driver's arithmetic")
struct SiliconRuleTests {
  typealias F = BoardFixtures

  /// `minimal` plus a PCA9685 with `device` fields and one servo output with `output` fields.
  static func pca(_ device: String, output: String = "min_us: 1000, max_us: 2000, safe: 1500us") -> String {
    F.minimal + "\n    pwm.main: {kind: pca9685, bus: main, address: 0x40, \(device)}\n"
      + "pwm:\n  outputs:\n    cam.tilt: {pca9685: pwm.main, channel: 0, kind: servo, \(output)}\n"
  }

  @Test(
    "validation accepts a frequency and oscillator exactly when the driver can start on them",
    arguments: [23_000_000, 25_000_000, 26_000_000, 27_000_000], [24, 25, 26, 50, 200, 1000, 1526])
  func validationAgreesWithTheDriver(oscillator: Int, hertz: Int) throws {
    let yaml = Self.pca(
      "frequency_hz: \(hertz), oscillator_hz: \(oscillator)", output: "min_us: 100, max_us: 500, safe: off")
    let validates = F.errors(yaml).isEmpty
    let driverAccepts = PCA9685.prescale(for: .init(hertz: Double(hertz)), oscillator: .init(hertz: Double(oscillator)))
    #expect(validates == (driverAccepts != nil), "\(oscillator) Hz oscillator at \(hertz) Hz")
  }

  @Test("26 MHz at 24 Hz: prescale 263 is refused; 25 MHz at 24 Hz (253) is not")
  func prescaleAtOtherOscillators() throws {
    let refused = F.errors(Self.pca("frequency_hz: 24, oscillator_hz: 26000000"))
    #expect(refused.map(\.kind) == [.outOfRange])
    #expect(refused.first?.message.contains("= 263 ") == true)
    #expect(F.errors(Self.pca("frequency_hz: 24, oscillator_hz: 25000000")) == [])
  }

  @Test("a max pulse below 1/f but not below the period the prescale really gives is refused")
  func maxPulseAgainstTheRealPeriod() throws {
    // 27 MHz at 400 Hz: prescale round(16.48) - 1 = 15, period 16 x 4096 / 27 MHz = 2427.3 us,
    // shorter than 1/f = 2500 us.
    let timing = try PCA9685Timing(frequency: .init(hertz: 400), oscillator: .init(hertz: 27_000_000))
    #expect(timing.prescale == 15)
    let yaml = Self.pca(
      "frequency_hz: 400, oscillator_hz: 27000000", output: "min_us: 1000, max_us: 2450, safe: 1500us")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.outOfRange])
    #expect(errors.first?.keyPath == "pwm.outputs.cam.tilt.max_us")
    #expect(errors.first?.message.contains("2427") == true)
    #expect(
      F.errors(Self.pca("frequency_hz: 400, oscillator_hz: 27000000", output: "min_us: 1000, max_us: 2400, safe: off"))
        == [])
  }

  @Test("a PWM hatch actuator safe 'hold' validates and its limits build (hold is no pulses)")
  func pwmHatchHold() throws {
    let yaml = Self.pca("frequency_hz: 50", output: "min_us: 1000, max_us: 2000, safe: hold")
      .replacingOccurrences(of: "cam.tilt:", with: "hatch.node1.drive:")
    #expect(F.errors(yaml) == [])
    let board = try BoardLoader.load(yaml: yaml, file: "boards/bad.yaml", expectedName: "bad")
    let limits = try #require(board.pwmOutputs["hatch.node1.drive"]?.servoLimits)
    #expect(limits.validate(period: .milliseconds(20)) == nil)
    #expect(limits.safeValue.pwmOutput == .off)
  }

  @Test(
    "an oscillator beyond the internal oscillator's 23-27 MHz spread is an external clock, refused",
    arguments: [22_000_000, 27_500_000, 40_000_000, 50_000_000])
  func externalClockRefused(oscillator: Int) throws {
    let errors = F.errors(Self.pca("frequency_hz: 50, oscillator_hz: \(oscillator)"))
    #expect(errors.map(\.kind) == [.outOfRange])
    #expect(errors.first?.keyPath == "i2c.devices.pwm.main.oscillator_hz")
    #expect(errors.first?.message.contains("EXTCLK") == true)
  }

  @Test(
    "addresses each chip's pins cannot select are refused, naming the chip's addresses",
    arguments: [
      ("bmp280", "0x40"), ("bme280", "0x75"), ("ms5611", "0x4d"), ("pca9685", "0x3f"), ("pca9685", "0x7a"),
      ("bmp280", "0x05"), ("ms5611", "0x78"),
    ])
  func addressesByChip(kind: String, address: String) throws {
    let extra = kind == "pca9685" ? ", frequency_hz: 50" : ""
    let yaml = F.minimal.replacingOccurrences(
      of: "pressure.node1.a: {kind: bmp280, bus: main, address: 0x76}",
      with: "pressure.node1.a: {kind: \(kind), bus: main, address: \(address)\(extra)}"
    )
    .replacingOccurrences(of: "pressure.node1.a:", with: kind == "pca9685" ? "pwm.main:" : "pressure.node1.a:")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.wrongAddress], "\(kind) at \(address)")
    #expect(errors.first?.message.contains(address) == true)
  }

  @Test(
    "addresses the pins allow are accepted", arguments: [("ms5611", "0x77"), ("bme280", "0x76"), ("pca9685", "0x7f")])
  func goodAddresses(kind: String, address: String) throws {
    let extra = kind == "pca9685" ? ", frequency_hz: 50" : ""
    let yaml = F.minimal.replacingOccurrences(
      of: "pressure.node1.a: {kind: bmp280, bus: main, address: 0x76}",
      with: "dev.x: {kind: \(kind), bus: main, address: \(address)\(extra)}")
    let errors = F.errors(yaml)
    if address == "0x7f" {
      #expect(errors.map(\.kind) == [.wrongAddress], "0x7f is reserved although the PCA9685's pins reach it")
    } else {
      #expect(errors == [])
    }
  }

  @Test("a decimal address whose digits are no valid hex address gets no hint")
  func noHintWithoutAHexReading() throws {
    let yaml = F.minimal.replacingOccurrences(of: "address: 0x76}", with: "address: 64}")
    let error = try #require(F.errors(yaml).first)
    #expect(error.kind == .wrongAddress && !error.message.contains("write"))
  }

  static let twoPCA =
    F.minimal + """

          pwm.a: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50}
          pwm.b: {kind: pca9685, bus: main, address: 0x70, frequency_hz: 50}
      """

  @Test("a device at 0x70 conflicts with every PCA9685 on its bus that keeps ALL_CALL")
  func allCallConflict() throws {
    let errors = F.errors(Self.twoPCA)
    #expect(errors.map(\.kind) == [.addressConflict])
    #expect(errors.first?.keyPath == "i2c.devices.pwm.b.address")
    #expect(errors.first?.message.contains("'pwm.a' (0x40)") == true)
    #expect(errors.first?.message.contains("all_call: disabled") == true)
    let disabled = Self.twoPCA.replacingOccurrences(
      of: "address: 0x40, frequency_hz: 50}", with: "address: 0x40, frequency_hz: 50, all_call: disabled}")
    #expect(F.errors(disabled) == [])
    let otherBus = Self.twoPCA.replacingOccurrences(
      of: "main: {device: /dev/i2c-1}", with: "main: {device: /dev/i2c-1}\n    aux: {device: /dev/i2c-2}"
    )
    .replacingOccurrences(of: "bus: main, address: 0x70", with: "bus: aux, address: 0x70")
    #expect(F.errors(otherBus) == [])
  }

  @Test("a lone PCA9685 at 0x70 answers its own All Call address: no conflict")
  func lonePCAAtAllCall() {
    #expect(F.errors(F.minimal + "\n    pwm.b: {kind: pca9685, bus: main, address: 0x70, frequency_hz: 50}\n") == [])
  }

  /// `minimal` with a PCA9685 whose OE is `status.led`, declared as `led`, and a kill path pulling `pull`.
  static func outputEnable(_ led: String, pull: String) -> String {
    F.minimal.replacingOccurrences(
      of: "status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}",
      with: "status.led: {chip: chip-a, line: L1, direction: output, \(led)}")
      + "\n    pwm.main: {kind: pca9685, bus: main, address: 0x40, frequency_hz: 50, output_enable: status.led}\n"
      + "kill_path:\n  - {role: status.led, pull: \(pull), resistor_ohms: 10000}\n"
  }

  @Test("OE polarity: every declared combination is judged against the chip's active-low OE")
  func outputEnablePolarity() {
    #expect(F.errors(Self.outputEnable("active_low: true, safe: inactive", pull: "up")) == [])
    // Declared active-high with a pull-up: the existing check agreed with the file; the chip does not.
    let flipped = F.errors(Self.outputEnable("safe: active", pull: "up"))
    #expect(flipped.map(\.keyPath) == ["gpio.lines.status.led.active_low"])
    let safeActive = F.errors(Self.outputEnable("active_low: true, safe: active", pull: "up"))
    #expect(safeActive.map(\.keyPath) == ["gpio.lines.status.led.safe"])
    let pulledDown = F.errors(Self.outputEnable("active_low: true, safe: inactive", pull: "down"))
    #expect(pulledDown.map(\.keyPath) == ["kill_path.0.pull"])
  }

  @Test(
    "a chip named by device number or path is refused with the hint to use its label",
    arguments: ["gpiochip4", "/dev/gpiochip0", "gpiochip0"])
  func chipByDeviceName(name: String) throws {
    let yaml = F.minimal.replacingOccurrences(of: "chip-a", with: "\"\(name)\"")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.badValue])
    #expect(errors.first?.keyPath == "gpio.chips.\(name)")
    #expect(errors.first?.message.contains("gpiodetect") == true)
  }

  @Test("labels that merely start like a device name are labels")
  func labelsLikeDeviceNames() {
    #expect(F.errors(F.minimal.replacingOccurrences(of: "chip-a", with: "gpiochip-expander")) == [])
  }
}
