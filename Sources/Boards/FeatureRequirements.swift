/// Enforces the roles each declared feature requires (the table in boards/README.md).
/// A missing role is reported at the feature's line in `features:`, with the key path
/// where the role belongs.
struct FeatureRequirements {
  let board: BoardDescription
  let diagnostics: Diagnostics

  func run() {
    for feature in board.features {
      switch feature {
      case .crewOverride: requireInput("crew.override_switch", for: feature)
      case .status: requireOutput("status.led", for: feature)
      case .hatches: checkHatches()
      case .drones: checkDrones()
      case .leakWatch: checkLeakWatch()
      }
    }
  }

  private func missing(_ feature: BoardFeature, _ path: [String], _ message: String) {
    let line = diagnostics.line(of: ["features", feature.rawValue])
    diagnostics.report(.missingRole, line: line, path: path, "feature '\(feature.rawValue)' requires \(message)")
  }

  private func requireInput(_ role: String, for feature: BoardFeature) {
    if board.lines[role]?.direction != .input {
      missing(feature, ["gpio", "lines", role], "a GPIO input role '\(role)'")
    }
  }

  private func requireOutput(_ role: String, for feature: BoardFeature) {
    if board.lines[role]?.direction != .output {
      missing(feature, ["gpio", "lines", role], "a GPIO output role '\(role)'")
    }
  }

  /// The second parts of every role starting with `prefix.` (hatch, drone, module ids).
  private func ids(_ prefix: String, in roles: [String]) -> [String] {
    let found = roles.compactMap { role -> String? in
      let parts = role.split(separator: ".")
      return parts.count >= 3 && parts[0] == prefix ? String(parts[1]) : nil
    }
    return Array(Set(found)).sorted()
  }

  private var allRoles: [String] {
    Array(board.lines.keys) + Array(board.pwmOutputs.keys) + Array(board.i2cDevices.keys)
  }

  private func checkHatches() {
    let hatches = ids("hatch", in: allRoles)
    if hatches.isEmpty { missing(.hatches, ["gpio", "lines", "hatch.X.close"], "at least one hatch X") }
    for hatch in hatches {
      requireOutput("hatch.\(hatch).close", for: .hatches)
      requireOutput("hatch.\(hatch).open", for: .hatches)
      requireInput("hatch.\(hatch).closed_sensor", for: .hatches)
      requireInput("hatch.\(hatch).open_sensor", for: .hatches)
    }
  }

  private func checkDrones() {
    let drones = ids("drone", in: allRoles)
    if drones.isEmpty { missing(.drones, ["gpio", "lines", "drone.D.arm"], "at least one drone D") }
    for drone in drones {
      let arm = "drone.\(drone).arm"
      requireOutput(arm, for: .drones)
      let motors = board.pwmOutputs.values.filter { $0.role.hasPrefix("drone.\(drone).motor") }
      if motors.isEmpty {
        missing(.drones, ["pwm", "outputs", "drone.\(drone).motor1"], "a PWM output 'drone.\(drone).motorN'")
      }
      for motor in motors.sorted(by: { $0.role < $1.role }) where motor.arming != arm {
        missing(.drones, ["pwm", "outputs", motor.role, "arming"], "'\(motor.role)' to be armed by '\(arm)'")
      }
    }
    if board.killPath.isEmpty { missing(.drones, ["kill_path"], "a kill_path that cuts motor power") }
  }

  private func checkLeakWatch() {
    let modules = ids("pressure", in: Array(board.i2cDevices.keys))
    if modules.isEmpty {
      missing(.leakWatch, ["i2c", "devices", "pressure.MODULE.a"], "pressure sensors for at least one module")
    }
    for module in modules {
      // Two sensors per module so one faulty sensor can be outvoted.
      for suffix in ["a", "b"] {
        let role = "pressure.\(module).\(suffix)"
        if board.i2cDevices[role]?.kind.isPressureSensor != true {
          missing(.leakWatch, ["i2c", "devices", role], "a pressure sensor '\(role)' (two per module, to vote)")
        }
      }
    }
  }
}
