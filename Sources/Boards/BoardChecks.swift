import HAL

/// Cross-checks a parsed board: references, conflicts and safe values. Each problem
/// is reported at the later of the two declarations, so the earlier one stands.
struct BoardChecks {
  let board: BoardDescription
  let diagnostics: Diagnostics

  func run() {
    checkLines()
    checkRolesUnique()
    checkDevices()
    checkOutputs()
    checkSafeValues()
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
        if let hertz = chip.pwmFrequencyHz, output.maxPulse.nanosecondsSaturated >= 1_000_000_000 / Int64(hertz) {
          report(.outOfRange, path + ["max_us"], "max_us does not fit in one period at \(hertz) Hz")
        }
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
}
