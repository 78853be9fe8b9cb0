import Boards
import Controller
import Emulators
import Foundation
import HAL
import MockHAL
import Station

/// One simulated inspection drone: its power path is the board's (arming line, thrust
/// channels on a PCA9685 emulator whose output-enable pin follows its OE line), its
/// mission comes over a ``SimulatedDroneLink``.
///
/// Propulsion: the drone flies (or hovers to scan) only while its arming line is
/// active, the PCA9685's outputs are enabled and the mean pulse of its thrust channels
/// is at least ``thrustThresholdUs`` (1100 us: 10 % of a 1000-2000 us ESC range above
/// idle; below it the ESCs idle and the drone sits or drifts). Without propulsion it
/// keeps its place and order, and continues when propulsion returns.
///
/// Mission: `goTo` flies along the station graph (shortest path by module positions,
/// through fully open hatches only; a closed hatch on the way stops it in the module
/// before it, with a `blocked` fault, until the hatch opens) at `speed_m_s`; `scan`
/// hovers for the target kind's `scan_s` in the module where it is and reports a seeded
/// finding; `returnToDock` flies to its dock and docks; `hold` stops. Battery: drains
/// at ``flightPowerW`` while flying and ``hoverPowerW`` while hovering or scanning,
/// charges at ``chargePowerW`` while docked; a flat battery stops propulsion.
public final class SimulatedDrone {
  public let id: DroneID
  public let spec: StationDescription.Drone
  /// Mean thrust pulse at or above which the drone has propulsion, us.
  public static let thrustThresholdUs = 1_100.0
  /// Power drawn in forward flight, W.
  public static let flightPowerW = 60.0
  /// Power drawn hovering or scanning, W.
  public static let hoverPowerW = 45.0
  /// Charging power on the dock, W.
  public static let chargePowerW = 50.0

  public private(set) var module: ModuleID
  /// The next module on its path while flying between two modules.
  public private(set) var enRouteTo: ModuleID?
  /// Metres flown on the current leg.
  public private(set) var legProgressM = 0.0
  public private(set) var batteryWh: Double
  public private(set) var docked = true
  public private(set) var scanning: TargetID?
  private var scanRemainingS = 0.0
  public private(set) var lastScan: ScanReport?
  public private(set) var scanCount: UInt64 = 0
  public private(set) var fault: String?
  /// The injected failure, if any.
  public private(set) var failure: ScenarioDescription.DroneFailure?
  /// The current order.
  public private(set) var order: DroneOrder = .hold
  /// Whether it had propulsion at the last update.
  public private(set) var propelled = false

  let armLine: GPIOLineID
  let thrust: [(chip: PCA9685Emulator, channel: Int)]
  private var random: SeededRandom

  init(
    spec: StationDescription.Drone, armLine: GPIOLineID, thrust: [(chip: PCA9685Emulator, channel: Int)],
    random: SeededRandom
  ) {
    id = spec.id
    self.spec = spec
    module = spec.dock
    batteryWh = spec.batteryWh
    self.armLine = armLine
    self.thrust = thrust
    self.random = random
  }

  /// The mean thrust pulse the ESCs see now, us (zero while outputs are disabled).
  public var meanThrustUs: Double {
    guard !thrust.isEmpty else { return 0 }
    let total = thrust.reduce(0.0) { $0 + Double($1.chip.pulseWidth(channel: $1.channel).nanosecondsSaturated) / 1_000 }
    return total / Double(thrust.count)
  }

  /// What the drone is doing, in words.
  public var activity: String {
    if let failure { return "failed (\(failure.rawValue))" }
    if let scanning { return "scanning \(scanning)" }
    if let next = enRouteTo { return "flying \(module) -> \(next)" }
    if docked { return batteryWh < spec.batteryWh ? "docked, charging" : "docked" }
    if let fault { return "holding (\(fault))" }
    return propelled ? "hovering" : "idle"
  }

  /// Takes an order from the link.
  func accept(_ order: DroneOrder) {
    self.order = order
    fault = nil
    switch order {
    case .scan(let target, let seconds):
      scanning = target
      scanRemainingS = seconds
    case .hold:
      scanning = nil
    case .goTo, .returnToDock:
      scanning = nil
    }
  }

  func fail(_ failure: ScenarioDescription.DroneFailure) {
    self.failure = failure
    if failure == .battery { batteryWh = 0 }
  }

  /// Advances by `dt`; returns notable changes in words.
  func update(gpio: SimulatedGPIO, graph: DroneRouting, targets: [TargetID: StationDescription.Target], dt: Double)
    -> [String]
  {
    var notes: [String] = []
    let armed = gpio.level(of: armLine)?.logical ?? false
    let canFly = failure != .propulsion && batteryWh > 0
    let wasPropelled = propelled
    propelled = armed && canFly && meanThrustUs >= Self.thrustThresholdUs
    if propelled != wasPropelled {
      notes.append("drone \(id) " + (propelled ? "has propulsion (armed, thrust above idle)" : "lost propulsion"))
    }
    guard propelled else {
      if docked { batteryWh = min(spec.batteryWh, batteryWh + Self.chargePowerW * dt / 3_600) }
      return notes
    }
    // Destination of the current order.
    var destination: ModuleID?
    switch order {
    case .goTo(let target): destination = target
    case .returnToDock: destination = spec.dock
    case .scan, .hold: destination = nil
    }
    if let scanning {
      batteryWh = max(0, batteryWh - Self.hoverPowerW * dt / 3_600)
      docked = false
      scanRemainingS -= dt
      if scanRemainingS <= 0 {
        let report = finding(for: scanning, targets: targets)
        lastScan = report
        scanCount &+= 1
        self.scanning = nil
        order = .hold
        notes.append("drone \(id) finished scanning \(report.target): \(report.finding.rawValue) (\(report.note))")
      }
      return notes
    }
    guard let destination, destination != module || enRouteTo != nil else {
      if case .returnToDock = order, module == spec.dock, !docked {
        docked = true
        notes.append("drone \(id) docked in \(module)")
      }
      if !docked { batteryWh = max(0, batteryWh - Self.hoverPowerW * dt / 3_600) }
      return notes
    }
    // Next leg: re-planned at each module through the hatches open now.
    if enRouteTo == nil {
      guard let next = graph.nextHop(from: module, to: destination) else {
        if fault == nil {
          fault = "blocked"
          notes.append("drone \(id) blocked in \(module): no open way to \(destination)")
        }
        batteryWh = max(0, batteryWh - Self.hoverPowerW * dt / 3_600)
        return notes
      }
      fault = nil
      if docked { notes.append("drone \(id) leaves its dock in \(module)") }
      docked = false
      enRouteTo = next.module
      legProgressM = 0
    }
    guard let next = enRouteTo else { return notes }
    batteryWh = max(0, batteryWh - Self.flightPowerW * dt / 3_600)
    legProgressM += spec.speedMS * dt
    if legProgressM >= graph.distance(module, next) {
      module = next
      enRouteTo = nil
      legProgressM = 0
      notes.append("drone \(id) reached \(module)")
      if module == destination, case .returnToDock = order {
        docked = true
        notes.append("drone \(id) docked in \(module)")
      }
    }
    return notes
  }

  /// A seeded finding: major with 2 %, minor with 10 % for parts of an unflagged batch;
  /// three times as likely for a flagged batch (no-bid, falsified records) or a part
  /// whose last finding was not `none`.
  private func finding(for target: TargetID, targets: [TargetID: StationDescription.Target]) -> ScanReport {
    let spec = targets[target]
    let risky = spec.map { $0.lastFinding != .none } ?? false
    let scale = risky ? 3.0 : 1.0
    let draw = random.uniform()
    let finding: StationDescription.Finding =
      draw < 0.02 * scale ? .major : draw < 0.12 * scale ? .minor : .none
    let note = "simulated \(spec?.kind.rawValue ?? "target") scan, draw \(String(format: "%.3f", draw))"
    return ScanReport(target: target, finding: finding, note: note)
  }
}

/// The mission link to a simulated drone (the ``DroneLink`` seam): orders are taken at
/// once, telemetry is the drone's state now. A `link` failure makes both throw.
public final class SimulatedDroneLink: DroneLink {
  public let drone: DroneID
  let model: SimulatedDrone
  private let targets: [TargetID: StationDescription.Target]

  init(model: SimulatedDrone, targets: [TargetID: StationDescription.Target]) {
    drone = model.id
    self.model = model
    self.targets = targets
  }

  public func send(_ order: DroneOrder) throws(DroneLinkError) {
    guard model.failure != .link else { throw DroneLinkError(drone: drone, problem: "mission link not answering") }
    if case .scan(let target, _) = order, targets[target] == nil {
      throw DroneLinkError(drone: drone, problem: "no target '\(target)' on this station")
    }
    model.accept(order)
  }

  public func telemetry() throws(DroneLinkError) -> DroneTelemetry {
    guard model.failure != .link else { throw DroneLinkError(drone: drone, problem: "mission link not answering") }
    return DroneTelemetry(
      module: model.module, enRouteTo: model.enRouteTo, batteryWh: model.batteryWh, docked: model.docked,
      scanning: model.scanning, lastScan: model.lastScan, scanCount: model.scanCount,
      fault: model.failure.map { "failure: \($0.rawValue)" } ?? model.fault)
  }
}

/// Shortest paths over the station graph by module positions, through open hatches.
final class DroneRouting {
  private let station: StationDescription
  private var positions: [ModuleID: [Double]] = [:]
  /// Which hatches are fully open now (station order), set before each update.
  var open: [Bool]

  init(station: StationDescription) {
    self.station = station
    for module in station.modules { positions[module.id] = module.positionM }
    open = Array(repeating: true, count: station.hatches.count)
  }

  func distance(_ a: ModuleID, _ b: ModuleID) -> Double {
    guard let p = positions[a], let q = positions[b], p.count == q.count else { return 1 }
    return max(zip(p, q).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot(), 0.1)
  }

  /// The first module on a shortest open path from `from` to `to` (Dijkstra; ties by
  /// station order, so it is deterministic), or nil when there is none.
  func nextHop(from: ModuleID, to: ModuleID) -> (module: ModuleID, hatch: HatchID)? {
    var best: [ModuleID: Double] = [from: 0]
    var first: [ModuleID: (ModuleID, HatchID)] = [:]
    var done: Set<ModuleID> = []
    while true {
      guard
        let current = station.modules.map(\.id).filter({ best[$0] != nil && !done.contains($0) }).min(by: {
          best[$0, default: .infinity] < best[$1, default: .infinity]
        })
      else { return nil }
      if current == to { return first[current].map { ($0.0, $0.1) } }
      done.insert(current)
      for (index, hatch) in station.hatches.enumerated() where open[index] && hatch.between.contains(current) {
        guard let other = hatch.between.first(where: { $0 != current }), !done.contains(other) else { continue }
        let cost = best[current, default: .infinity] + distance(current, other)
        if cost < best[other, default: .infinity] {
          best[other] = cost
          first[other] = current == from ? (other, hatch.id) : first[current]
        }
      }
    }
  }
}
