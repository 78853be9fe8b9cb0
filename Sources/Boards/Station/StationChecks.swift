import Station

/// Whole-station rules, checked once every part has parsed: a return vehicle, one
/// connected module graph, and no board role used twice. The loader runs all of them;
/// ``StationBinding`` runs ``checkRoleConflicts()`` again because a station can also be
/// built in code.
struct StationChecks {
  let station: StationDescription
  let diagnostics: Diagnostics

  func run() {
    checkReturnVehicle()
    checkConnected()
    checkRoleConflicts()
  }

  private func report(_ kind: BoardError.Kind, _ keyPath: String, _ message: String) {
    diagnostics.report(
      kind, line: station.line(of: keyPath), path: keyPath.split(separator: ".").map(String.init), message)
  }

  func checkReturnVehicle() {
    guard station.returnVehicleModules.isEmpty else { return }
    report(
      .noReturnVehicle, "modules",
      "no module has return_vehicle: true (the crew's way home must be docked somewhere)")
  }

  /// Every module must be reachable from the first through hatches (all open).
  func checkConnected() {
    let graph = StationGraph(station)
    guard !graph.isConnected, let first = station.modules.first else { return }
    let segment = graph.segments(open: Array(repeating: true, count: graph.hatchEnds.count))
    for (index, module) in station.modules.enumerated() where segment[index] != segment[0] {
      report(
        .disconnected, "modules.\(index).id",
        "module '\(module.id)' is not joined to module '\(first.id)' by any chain of hatches")
    }
  }

  /// A role named twice is reported at the later use, naming the first.
  func checkRoleConflicts() {
    var first: [BoardRole: StationRoleUse] = [:]
    var reported: Set<[String]> = []
    let uses = station.roleUses.enumerated().sorted {
      (station.line(of: $0.element.keyPath), $0.offset) < (station.line(of: $1.element.keyPath), $1.offset)
    }.map(\.element)
    for use in uses {
      guard let earlier = first[use.role] else {
        first[use.role] = use
        continue
      }
      // A hatch prefix given twice clashes on all four of its roles: say it once.
      guard reported.insert([use.keyPath, earlier.keyPath]).inserted else { continue }
      let at = station.line(of: earlier.keyPath)
      report(
        .roleConflict, use.keyPath,
        "role '\(use.role)' (\(use.purpose)) is already used as the \(earlier.purpose) at \(earlier.keyPath)"
          + (at > 0 ? " (line \(at))" : ""))
    }
  }
}
