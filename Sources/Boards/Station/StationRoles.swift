import Station

/// What a board role named by a station must be on the board it is bound to.
enum StationRoleNeed: Hashable {
  /// An I2C pressure sensor (bmp280, bme280, ms5611).
  case pressureSensor
  case gpioOutput
  case gpioInput
  /// A PWM output whose `arming:` is this GPIO output role.
  case pwmOutput(armedBy: BoardRole)
}

/// One use of a board role by a station: the role, what it must be on the board, the
/// key path of the station-file key that names it, and what it is for (for messages).
struct StationRoleUse {
  let role: BoardRole
  let need: StationRoleNeed
  let keyPath: String
  let purpose: String
}

extension StationDescription {
  /// Every board role the station uses, in file order (modules, hatches, crew, drones):
  /// the one table of station-to-board requirements, read by the loader (roles used
  /// twice) and by ``StationBinding`` (kind and direction on the board).
  var roleUses: [StationRoleUse] {
    var uses: [StationRoleUse] = []
    for (m, module) in modules.enumerated() {
      for (s, sensor) in module.sensors.enumerated() {
        uses.append(
          StationRoleUse(
            role: sensor, need: .pressureSensor, keyPath: "modules.\(m).sensors.\(s)",
            purpose: "pressure sensor of module '\(module.id)'"))
      }
    }
    for (h, hatch) in hatches.enumerated() {
      let path = "hatches.\(h).role"
      let lines: [(BoardRole, StationRoleNeed, String)] = [
        (hatch.openRole, .gpioOutput, "open drive"), (hatch.closeRole, .gpioOutput, "close drive"),
        (hatch.openSensorRole, .gpioInput, "open sensor"), (hatch.closedSensorRole, .gpioInput, "closed sensor"),
      ]
      for (role, need, what) in lines {
        uses.append(StationRoleUse(role: role, need: need, keyPath: path, purpose: "\(what) of hatch '\(hatch.id)'"))
      }
    }
    uses.append(
      StationRoleUse(
        role: crew.overrideRole, need: .gpioInput, keyPath: "crew.override_role", purpose: "crew override switch"))
    for (d, drone) in drones.enumerated() {
      uses.append(
        StationRoleUse(
          role: drone.armRole, need: .gpioOutput, keyPath: "drones.\(d).arm_role",
          purpose: "arm line of drone '\(drone.id)'"))
      for (t, thrust) in drone.thrustRoles.enumerated() {
        uses.append(
          StationRoleUse(
            role: thrust, need: .pwmOutput(armedBy: drone.armRole), keyPath: "drones.\(d).thrust_roles.\(t)",
            purpose: "thrust output of drone '\(drone.id)'"))
      }
    }
    return uses
  }
}
