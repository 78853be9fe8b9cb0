import Station

/// A small station built in code over the sim board's first roles (modules node1 and
/// node2 with their two pressure sensors each, hatches node1 and node2 between them,
/// drone d1), so assembly tests do not depend on the demo station's contents.
enum TestStation {
  static let node1 = ModuleID(unchecked: "node1")
  static let node2 = ModuleID(unchecked: "node2")
  static let hatch1 = HatchID(unchecked: "node1")
  static let hatch2 = HatchID(unchecked: "node2")
  static let d1 = DroneID(unchecked: "d1")

  static func role(_ text: String) -> BoardRole { BoardRole(unchecked: text) }

  static func make(blindPolicy: StationDescription.BlindPolicy = .safeModeWhenAllBlind) -> StationDescription {
    StationDescription(
      name: "test-pair", file: "<test>",
      modules: [
        .init(
          id: node1, volumeM3: 70, nominalTemperatureC: 22, positionM: [0, 0, 0],
          sensors: [role("pressure.node1.a"), role("pressure.node1.b")], returnVehicle: true),
        .init(
          id: node2, volumeM3: 60, nominalTemperatureC: 22, positionM: [8, 0, 0],
          sensors: [role("pressure.node2.a"), role("pressure.node2.b")], returnVehicle: false),
      ],
      hatches: [
        .init(id: hatch1, between: [node1, node2], role: role("hatch.node1"), travelS: 8),
        .init(id: hatch2, between: [node2, node1], role: role("hatch.node2"), travelS: 8),
      ],
      crew: .init(modules: [node1], overrideRole: role("crew.override_switch")), batches: [:], targets: [],
      drones: [
        .init(
          id: d1, dock: node1, armRole: role("drone.d1.arm"),
          thrustRoles: (1...4).map { role("drone.d1.motor\($0)") }, batteryWh: 90, speedMS: 0.5,
          scanS: [.seal: 120, .weld: 300])
      ], blindPolicy: blindPolicy)
  }

  /// A station with nothing in it (assembly tests of a board's outputs alone).
  static func empty() -> StationDescription {
    StationDescription(
      name: "empty", file: "<test>", modules: [], hatches: [],
      crew: .init(modules: [], overrideRole: role("crew.override_switch")), batches: [:], targets: [], drones: [])
  }
}
