import Station

/// Large stations built in code for benchmarks (`cloak bench plan`): `modules` modules
/// in a chain with a cross-link every fifth module, 6 m apart; `targets` seals and welds
/// spread over them with intervals of 24-720 h and ages up to 1.2 intervals, one batch
/// in five flagged; `drones` drones docked round the station. Deterministic in `seed`
/// (the project's one SplitMix64, ``Station/SeededRandom``).
public enum SyntheticStation {
  public static func make(modules: Int, targets: Int, drones: Int, seed: UInt64 = 1) -> StationDescription {
    var random = SeededRandom(seed: seed)
    func next() -> Double { random.uniform() }
    let count = max(modules, 2)
    func role(_ text: String) -> BoardRole { BoardRole(unchecked: text) }
    func module(_ i: Int) -> ModuleID { ModuleID(unchecked: "m\(i)") }
    let moduleList = (0..<count).map { i in
      StationDescription.Module(
        id: module(i), volumeM3: 60, nominalTemperatureC: 22,
        positionM: [Double(i % 10) * 6, Double(i / 10) * 6, 0],
        sensors: [role("pressure.m\(i).a"), role("pressure.m\(i).b")], returnVehicle: i == 0)
    }
    var hatches: [StationDescription.Hatch] = []
    for i in 1..<count {
      let parent = i % 10 == 0 ? i - 10 : i - 1
      hatches.append(
        .init(
          id: HatchID(unchecked: "h\(i)"), between: [module(parent), module(i)], role: role("hatch.h\(i)"), travelS: 8))
    }
    for i in stride(from: 15, to: count, by: 5) {
      hatches.append(
        .init(
          id: HatchID(unchecked: "x\(i)"), between: [module(i - 10), module(i)], role: role("hatch.x\(i)"), travelS: 8))
    }
    let batches: [BatchID: StationDescription.Batch] = [
      BatchID(unchecked: "plain"): .init(supplier: "a", flags: []),
      BatchID(unchecked: "flagged"): .init(supplier: "b", flags: ["no-bid", "falsified-records"]),
    ]
    let targetList = (0..<max(targets, 0)).map { t -> StationDescription.Target in
      let m = Int(next() * Double(count)) % count
      let seal = t % 2 == 0 && m > 0
      let interval = (24 + next() * 696).rounded()
      return StationDescription.Target(
        id: TargetID(unchecked: "t\(t)"), kind: seal ? .seal : .weld, module: module(m),
        hatch: seal ? HatchID(unchecked: "h\(m)") : nil, intervalH: interval,
        batch: BatchID(unchecked: t % 5 == 0 ? "flagged" : "plain"),
        lastInspectedHAgo: (next() * 1.2 * interval).rounded(),
        lastFinding: t % 17 == 0 ? .minor : .none)
    }
    let droneList = (0..<max(drones, 0)).map { d in
      StationDescription.Drone(
        id: DroneID(unchecked: "d\(d)"), dock: module(d * count / max(drones, 1)), armRole: role("drone.d\(d).arm"),
        thrustRoles: [role("drone.d\(d).motor1")], batteryWh: 100, speedMS: 0.4, scanS: [.seal: 90, .weld: 240])
    }
    return StationDescription(
      name: "synthetic-\(count)m-\(targets)t-\(drones)d", file: "<synthetic>", modules: moduleList, hatches: hatches,
      crew: .init(modules: [module(0)], overrideRole: role("crew.override_switch")), batches: batches,
      targets: targetList, drones: droneList)
  }
}
