import Drivers
import HAL

/// Cross-checks a parsed board: references, conflicts and safe values. Each problem
/// is reported at the later of the two declarations, so the earlier one stands.
struct BoardChecks {
  let board: BoardDescription
  let diagnostics: Diagnostics

  func run() {
    checkChipLabels()
    checkLines()
    checkRolesUnique()
    checkDevices()
    checkAllCall()
    checkPWMTiming()
    checkOutputs()
    checkSafeValues()
    checkOutputEnablePolarity()
    checkKillPath()
  }

  private func report(_ kind: BoardError.Kind, _ path: [String], _ message: String) {
    diagnostics.report(kind, line: diagnostics.line(of: path), path: path, message)
  }

  private func linePath(_ role: String, _ field: String) -> [String] { ["gpio", "lines", role, field] }

  private var orderedLines: [LineSpec] {
    board.lines.values.sorted { ($0.sourceLine, $0.role) < ($1.sourceLine, $1.role) }
  }

  private func checkLines() {
    var owner: [GPIOLineID: LineSpec] = [:]
    for line in orderedLines {
      guard let chip = board.gpioChips[line.id.chip] else {
        report(.unknownReference, linePath(line.role, "chip"), "no chip labelled '\(line.id.chip)' under gpio.chips")
        continue
      }
      if let names = chip.lineNames, !names.contains(line.id.line) {
        report(.unknownReference, linePath(line.role, "line"), "chip '\(chip.label)' lists no line '\(line.id.line)'")
      }
      if let first = owner[line.id] {
        report(
          .lineConflict, linePath(line.role, "line"),
          "line \(line.id) is already used by role '\(first.role)' (line \(first.sourceLine))")
      } else {
        owner[line.id] = line
      }
    }
  }

  private func checkRolesUnique() {
    for role in board.pwmOutputs.keys.sorted() where board.lines[role] != nil {
      report(.duplicateKey, ["pwm", "outputs", role], "role is also declared under gpio.lines")
    }
    for role in board.i2cDevices.keys.sorted() where board.lines[role] != nil || board.pwmOutputs[role] != nil {
      report(.duplicateKey, ["i2c", "devices", role], "role is also declared as a GPIO line or PWM output")
    }
  }

  private func checkDevices() {
    let ordered = board.i2cDevices.values.sorted {
      (diagnostics.line(of: ["i2c", "devices", $0.role]), $0.role) < (
        diagnostics.line(of: ["i2c", "devices", $1.role]), $1.role
      )
    }
    var owner: [String: String] = [:]
    for device in ordered {
      let path = ["i2c", "devices", device.role]
      guard board.i2cBuses[device.bus] != nil else {
        report(.unknownReference, path + ["bus"], "no bus named '\(device.bus)' under i2c.buses")
        continue
      }
      let slot = "\(device.bus)@\(device.address)"
      if let first = owner[slot] {
        report(
          .addressConflict, path + ["address"],
          "address \(hex(device.address)) on bus '\(device.bus)' is already used by '\(first)'")
      } else {
        owner[slot] = device.role
      }
      if let enable = device.outputEnableRole {
        if board.lines[enable]?.direction != .output {
          report(.unknownReference, path + ["output_enable"], "'\(enable)' is not a GPIO output role")
        } else if !board.killPath.contains(where: { $0.role == enable }) {
          report(
            .killPathUnsafe, path + ["output_enable"], "the output-enable line '\(enable)' must be on the kill_path")
        }
      }
    }
  }

  private func checkOutputs() {
    var owner: [String: String] = [:]
    for output in board.pwmOutputs.values.sorted(by: { ($0.sourceLine, $0.role) < ($1.sourceLine, $1.role) }) {
      let path = ["pwm", "outputs", output.role]
      let slot: String
      switch output.source {
      case .pca9685(let device, let channel):
        guard let chip = board.i2cDevices[device], chip.kind == .pca9685 else {
          report(.unknownReference, path + ["pca9685"], "no pca9685 device with role '\(device)' under i2c.devices")
          continue
        }
        slot = "pca9685 '\(device)' channel \(channel)"
      case .sysfs(let node, let channel, _):
        slot = "sysfs PWM '\(node)' channel \(channel)"
      }
      if let first = owner[slot] {
        report(.channelConflict, path + ["channel"], "\(slot) is already used by '\(first)'")
      } else {
        owner[slot] = output.role
      }
      if let arming = output.arming, board.lines[arming]?.direction != .output {
        report(.unknownReference, path + ["arming"], "'\(arming)' is not a GPIO output role")
      }
    }
  }

  private static let hatchRule =
    "a hatch's safe action is to hold position (nothing closes a hatch as a safety reflex)"

  private func checkSafeValues() {
    for line in orderedLines {
      guard let safe = line.safe else { continue }
      let isHatch = line.role.hasPrefix("hatch.")
      if isHatch, safe == .level(true) {
        report(.unsafeSafeValue, linePath(line.role, "safe"), "must be inactive or hold: \(Self.hatchRule)")
      } else if !isHatch, safe == .hold {
        report(.unsafeSafeValue, linePath(line.role, "safe"), "'hold' is only for hatch drives; use active or inactive")
      } else if line.role.hasPrefix("drone."), line.role.hasSuffix(".arm"), safe != .level(false) {
        report(.unsafeSafeValue, linePath(line.role, "safe"), "a drone's arm line must be safe inactive")
      }
    }
    for output in board.pwmOutputs.values {
      let path = ["pwm", "outputs", output.role, "safe"]
      let isHatch = output.role.hasPrefix("hatch.")
      if isHatch, output.safe != .hold {
        report(.unsafeSafeValue, path, "must be hold: \(Self.hatchRule)")
      } else if !isHatch, output.safe == .hold {
        report(.unsafeSafeValue, path, "'hold' is only for hatch actuators; use off or a pulse")
      } else if output.kind == .esc, case .pulse(let width) = output.safe, width > output.minPulse {
        report(.unsafeSafeValue, path, "an ESC's safe value is off or its idle pulse (min_us), never thrust")
      }
    }
  }

  private func checkKillPath() {
    var seen: Set<String> = []
    for (index, entry) in board.killPath.enumerated() {
      let path = ["kill_path", "\(index)"]
      guard let line = board.lines[entry.role], line.direction == .output else {
        report(.unknownReference, path + ["role"], "'\(entry.role)' is not a GPIO output role")
        continue
      }
      guard seen.insert(entry.role).inserted else {
        report(.duplicateKey, path + ["role"], "'\(entry.role)' is on the kill path twice")
        continue
      }
      // A PCA9685 OE line is judged by the chip's polarity, not the file's
      // (checkOutputEnablePolarity): released, OE must float high.
      if let chip = outputEnableChips[entry.role] {
        if entry.pull != .up {
          report(
            .killPathUnsafe, path + ["pull"],
            "pull-\(entry.pull.rawValue) releases '\(entry.role)' low, and the OE input of '\(chip)' is active low "
              + "in the chip (low = every output on): OE needs a pull-up, whatever active_low declares")
        }
        continue
      }
      // Released, the line floats to the resistor's level; that must be its safe level.
      let safeIsHigh = line.safeLevel != line.activeLow
      if safeIsHigh != (entry.pull == .up) {
        let needed = safeIsHigh ? "up" : "down"
        report(
          .killPathUnsafe, path + ["pull"],
          "pull-\(entry.pull.rawValue) would hold '\(entry.role)' away from its safe level when released; it needs pull-\(needed)"
        )
      }
    }
  }

  /// GPIO outputs wired to a PCA9685's OE pin, with the chip's role.
  private var outputEnableChips: [String: String] {
    var chips: [String: String] = [:]
    for device in board.i2cDevices.values.sorted(by: { $0.role < $1.role }) where device.kind == .pca9685 {
      if let enable = device.outputEnableRole, chips[enable] == nil { chips[enable] = device.role }
    }
    return chips
  }

  /// `gpiochip4`, `/dev/gpiochip0`: a device name or path where a label belongs. Device
  /// numbers change across kernels and boards (the Raspberry Pi 5's header chip was
  /// gpiochip4 before kernel 6.6.45 and gpiochip0 since); labels do not.
  static func looksLikeChipDevice(_ name: String) -> Bool {
    if name.hasPrefix("/") { return true }
    guard name.hasPrefix("gpiochip") else { return false }
    let digits = name.dropFirst("gpiochip".count)
    return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
  }

  private func checkChipLabels() {
    for label in board.gpioChips.keys.sorted() where Self.looksLikeChipDevice(label) {
      report(
        .badValue, ["gpio", "chips", label],
        "'\(label)' is a device name or path, not a chip label: device numbers change across kernels and boards; "
          + "use the label that `gpiodetect` shows in brackets (e.g. pinctrl-bcm2711)")
    }
  }

  /// The PCA9685 LED All Call address (0x70 at power-up) is acknowledged by every
  /// PCA9685 on the bus whose MODE1.ALLCALL is set (NXP datasheet 7.1.2: it "must not be
  /// used as a regular I2C-bus slave address"). A device placed there conflicts with
  /// each of them unless the board disables ALL_CALL on them (bring-up then clears it
  /// before anything at 0x70 is addressed).
  private func checkAllCall() {
    let address = PCA9685.allCallAddress
    for device in board.i2cDevices.values.sorted(by: { $0.role < $1.role }) where device.address == address {
      let answering = board.i2cDevices.values.filter {
        $0.kind == .pca9685 && $0.bus == device.bus && $0.role != device.role && $0.allCall == .enabled
      }.sorted { $0.role < $1.role }
      guard !answering.isEmpty else { continue }
      let names = answering.map { "'\($0.role)' (\(hex($0.address)))" }.joined(separator: ", ")
      report(
        .addressConflict, ["i2c", "devices", device.role, "address"],
        "\(hex(address)) is the PCA9685 LED All Call address: \(names) on bus '\(device.bus)' also answer\(answering.count == 1 ? "s" : "") "
          + "there while MODE1.ALLCALL is set (its power-up state); set 'all_call: disabled' on "
          + (answering.count == 1 ? "it" : "them") + " (bring-up then clears ALLCALL first) or move this device")
    }
  }

  /// The driver's own arithmetic (``PCA9685Timing``): the prescale it will program for
  /// the declared oscillator and frequency, and the period that prescale really gives;
  /// then every output's limits against that period through ``ServoLimits/problems(period:)``,
  /// the check the actuators make at assembly.
  private func checkPWMTiming() {
    var periods: [String: Duration] = [:]
    for device in board.i2cDevices.values.sorted(by: { $0.role < $1.role }) where device.kind == .pca9685 {
      guard let hertz = device.pwmFrequencyHz else { continue }
      let oscillator = Frequency(hertz: Double(device.oscillatorHz ?? Int(PCA9685Timing.nominalOscillator.hertz)))
      let path = ["i2c", "devices", device.role]
      do {
        periods[device.role] = try PCA9685Timing(frequency: Frequency(hertz: Double(hertz)), oscillator: oscillator)
          .period
      } catch {
        let key: String
        if case .externalClock = error { key = "oscillator_hz" } else { key = "frequency_hz" }
        report(.outOfRange, path + [key], error.description)
      }
    }
    for output in board.pwmOutputs.values.sorted(by: { ($0.sourceLine, $0.role) < ($1.sourceLine, $1.role) }) {
      let period: Duration
      switch output.source {
      case .pca9685(let device, _):
        guard let known = periods[device] else { continue }
        period = known
      case .sysfs(_, _, let declared):
        period = declared
      }
      guard let limits = output.servoLimits else { continue }
      let path = ["pwm", "outputs", output.role]
      for problem in limits.problems(period: period) {
        let key: String
        switch problem {
        case .minimumNotPositive: key = "min_us"
        case .maximumNotBelowPeriod: key = "max_us"
        case .neutralOutsideRange: key = "neutral_us"
        case .slewNotPositive: key = "max_us"
        case .safeValue: key = "safe"
        }
        guard !diagnostics.hasError(at: path + [key]) else { continue }
        var message = problem.description
        if case .maximumNotBelowPeriod = problem, case .pca9685(let device, _) = output.source {
          message += " that pca9685 '\(device)' really generates (prescale from its oscillator_hz, rounded)"
        }
        report(.outOfRange, path + [key], message)
      }
    }
  }

  /// A PCA9685's OE input is active low in the silicon (NXP datasheet 7.4: OE low enables
  /// the outputs, high puts them in their off state). The driver drives the line
  /// logically (true = outputs enabled), so the line must be declared active low and be
  /// safe inactive (wire high). Judged against the chip, so flipping `active_low` in the
  /// file cannot hide an inverted kill path.
  private func checkOutputEnablePolarity() {
    for (role, chip) in outputEnableChips.sorted(by: { $0.key < $1.key }) {
      guard let line = board.lines[role], line.direction == .output else { continue }
      if !line.activeLow {
        report(
          .killPathUnsafe, linePath(role, "active_low"),
          "'\(role)' drives the OE input of '\(chip)', which is active low in the chip (low = every output on): "
            + "declare active_low: true; as declared, its safe value '\(line.safe.map(\.description) ?? "?")' "
            + "drives OE \(line.safeLevel ? "high" : "low") and the driver's 'outputs enabled' drives it "
            + "high, so the kill path is inverted")
      } else if line.safeLevel {
        report(
          .killPathUnsafe, linePath(role, "safe"),
          "'\(role)' drives the active-low OE input of '\(chip)': its safe value must be inactive (OE high = "
            + "every output off)")
      }
    }
  }
}
