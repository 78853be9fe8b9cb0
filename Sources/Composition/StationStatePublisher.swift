import Atomics
import Controller
import Foundation
import HAL
import Scheduler
import Station

/// The station's state as the controller last published it: plain numbers in station
/// order (modules, hatches, drones, targets as in the station file), so publishing it
/// copies numbers and never allocates. Names come from the ``StationDescription`` the
/// reader holds. NaN marks a value the controller does not have.
public struct StationStateFrame: Sendable, Equatable {
  /// Counts publications from 1 (0: nothing published yet).
  public var sequence: UInt64 = 0
  /// The publishing tick's deadline, monotonic nanoseconds.
  public var monotonicNanoseconds: Int64 = 0
  /// The controller's wall clock at publication, nanoseconds since 1970 (UTC).
  public var wallNanoseconds: Int64 = 0
  /// Per module: the mean pressure of its sensors with a fresh reading, Pa (NaN: blind).
  public var modulePressurePa: [Double]
  /// Per module: the mean die temperature of the same sensors, degrees C (NaN: blind).
  public var moduleTemperatureC: [Double]
  /// Per module: how many of its sensors gave that mean.
  public var moduleFreshSensors: [Int]
  /// Per module: the leak watch's alarm state, running loss rate and acknowledgement
  /// (``ModuleAlarmStatus``; the default status when no leak watch publishes).
  public var moduleAlarms: [ModuleAlarmStatus]
  /// Every hatch's position bits as the actuators group last published them.
  public var hatches = HatchPositions()
  /// Per drone: ``DroneControlState`` raw value (255: no scheduler runs).
  public var droneState: [UInt8]
  /// Per drone: battery energy left, Wh (NaN: unknown).
  public var droneBatteryWh: [Double]
  /// Per drone: the module index it is in (or heads to), -1 unknown.
  public var droneModule: [Int]
  /// Per drone: whether it sits on its dock.
  public var droneDocked: [Bool]
  /// Per drone: the target index of its current mission (-1: none).
  public var droneTarget: [Int]
  /// Per drone: whether it is scanning that target now.
  public var droneScanning: [Bool]
  /// Per drone: whether it reports a fault.
  public var droneFault: [Bool]
  /// Per drone on a mission: the planner's start (leaving), arrival and scan end for it,
  /// planner time line UTC seconds (NaN: no mission).
  public var droneMissionStartS: [Double]
  public var droneMissionArriveS: [Double]
  public var droneMissionEndS: [Double]
  /// Per target: the scheduler's risk inputs (last scan on the planner time line, UTC
  /// seconds; the drone holding it; finding, skip, requeue, leak evidence), what the API
  /// explains a target's risk from (``InspectionPlanner/explain(target:state:now:)``).
  public var targetRisk: [TargetRiskState]
  /// The planner time line at the scheduler's last tick, UTC seconds (NaN: no scheduler).
  public var plannerNowS: Double = .nan
  /// The control token's holder (``AuthorityRules/Holder`` raw value).
  public var holder: UInt8 = AuthorityRules.Holder.crew.rawValue
  /// Seconds left on the ground lease (NaN: no lease).
  public var leaseRemainingS: Double = .nan
  /// The latched safe mode's ``SafeModeReason`` raw value (0: not latched).
  public var safeMode: UInt8 = 0

  /// An empty frame shaped for `station`.
  public init(station: StationDescription) {
    let m = station.modules.count
    let d = station.drones.count
    let t = station.targets.count
    modulePressurePa = .init(repeating: .nan, count: m)
    moduleTemperatureC = .init(repeating: .nan, count: m)
    moduleFreshSensors = .init(repeating: 0, count: m)
    moduleAlarms = .init(repeating: ModuleAlarmStatus(), count: m)
    droneState = .init(repeating: 255, count: d)
    droneBatteryWh = .init(repeating: .nan, count: d)
    droneModule = .init(repeating: -1, count: d)
    droneDocked = .init(repeating: false, count: d)
    droneTarget = .init(repeating: -1, count: d)
    droneScanning = .init(repeating: false, count: d)
    droneFault = .init(repeating: false, count: d)
    droneMissionStartS = .init(repeating: .nan, count: d)
    droneMissionArriveS = .init(repeating: .nan, count: d)
    droneMissionEndS = .init(repeating: .nan, count: d)
    targetRisk = .init(repeating: TargetRiskState(), count: t)
  }

  /// Copies `other`'s values into this frame's own storage, element by element (same
  /// shape: no allocation while this frame's arrays are not shared).
  mutating func assign(_ other: StationStateFrame) {
    sequence = other.sequence
    monotonicNanoseconds = other.monotonicNanoseconds
    wallNanoseconds = other.wallNanoseconds
    Self.copy(other.modulePressurePa, into: &modulePressurePa)
    Self.copy(other.moduleTemperatureC, into: &moduleTemperatureC)
    Self.copy(other.moduleFreshSensors, into: &moduleFreshSensors)
    Self.copy(other.moduleAlarms, into: &moduleAlarms)
    hatches = other.hatches
    Self.copy(other.droneState, into: &droneState)
    Self.copy(other.droneBatteryWh, into: &droneBatteryWh)
    Self.copy(other.droneModule, into: &droneModule)
    Self.copy(other.droneDocked, into: &droneDocked)
    Self.copy(other.droneTarget, into: &droneTarget)
    Self.copy(other.droneScanning, into: &droneScanning)
    Self.copy(other.droneFault, into: &droneFault)
    Self.copy(other.droneMissionStartS, into: &droneMissionStartS)
    Self.copy(other.droneMissionArriveS, into: &droneMissionArriveS)
    Self.copy(other.droneMissionEndS, into: &droneMissionEndS)
    Self.copy(other.targetRisk, into: &targetRisk)
    plannerNowS = other.plannerNowS
    holder = other.holder
    leaseRemainingS = other.leaseRemainingS
    safeMode = other.safeMode
  }

  private static func copy<T>(_ source: [T], into target: inout [T]) {
    for i in 0..<min(source.count, target.count) { target[i] = source[i] }
  }

  /// A copy with storage of its own (the reader's; it allocates).
  func detached() -> StationStateFrame {
    var out = self
    out.modulePressurePa = modulePressurePa.map { $0 }
    out.moduleTemperatureC = moduleTemperatureC.map { $0 }
    out.moduleFreshSensors = moduleFreshSensors.map { $0 }
    out.moduleAlarms = moduleAlarms.map { $0 }
    out.droneState = droneState.map { $0 }
    out.droneBatteryWh = droneBatteryWh.map { $0 }
    out.droneModule = droneModule.map { $0 }
    out.droneDocked = droneDocked.map { $0 }
    out.droneTarget = droneTarget.map { $0 }
    out.droneScanning = droneScanning.map { $0 }
    out.droneFault = droneFault.map { $0 }
    out.droneMissionStartS = droneMissionStartS.map { $0 }
    out.droneMissionArriveS = droneMissionArriveS.map { $0 }
    out.droneMissionEndS = droneMissionEndS.map { $0 }
    out.targetRisk = targetRisk.map { $0 }
    return out
  }
}

/// The bounded, non-blocking hand-off of ``StationStateFrame``s from the controller to
/// readers on other threads (the operator API). The publisher only ever *tries* the
/// lock: when a reader holds it, that publication is skipped (counted in ``skipped``)
/// and the next one carries the news, so a reader can never make a rate group wait.
/// One frame of storage, copied in place: no allocation on the publishing side.
public final class StationStateHandOff: @unchecked Sendable {
  private let lock = NSLock()
  private var shared: StationStateFrame
  private let skips = ManagedAtomic<UInt64>(0)

  public init(station: StationDescription) { shared = StationStateFrame(station: station) }

  /// Offers `frame` (publisher's thread). Returns false when a reader held the lock.
  @discardableResult
  public func offer(_ frame: StationStateFrame) -> Bool {
    guard lock.try() else {
      skips.wrappingIncrement(ordering: .relaxed)
      return false
    }
    shared.assign(frame)
    lock.unlock()
    return true
  }

  /// The newest published frame, a copy of its own (any thread; `sequence` 0: none yet).
  public func latest() -> StationStateFrame {
    lock.lock()
    defer { lock.unlock() }
    return shared.detached()
  }

  /// Runs `body` holding the readers' lock (tests: a reader that holds it while the
  /// publisher offers).
  func holdingReaderLock<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }

  /// Publications skipped because a reader held the lock.
  public var skipped: UInt64 { skips.load(ordering: .relaxed) }
}

/// Publishes the station's state to a ``StationStateHandOff`` once per cycle of the
/// 1 Hz planner group. It reads only what is safe from that group's thread: its own
/// subscriptions to the samplers' readings, its own hatch-position snapshot (a second
/// ``HatchPositionPublisher`` in the actuators group), the inspection scheduler (same
/// group), the authority rules' published holder and lease (atomics), the safety
/// latch (atomic) and the leak watch's module statuses (``ModuleAlarms``: one triple
/// buffer per module, this publisher its one reader). Nothing here allocates after `init`.
public final class StationStatePublisher: RateGroupMember, @unchecked Sendable {
  public let name = "state-publisher"
  public let handOff: StationStateHandOff
  private let sensors: [[Snapshot<SamplerReading>]]
  private let positions: Snapshot<HatchPositions>
  private let fleet: FleetControl?
  private let authority: AuthorityRules?
  private let latch: SafetyLatch
  private let wallTime: () -> Int64
  private let alarms: ModuleAlarms?
  private var frame: StationStateFrame

  init(
    station: StationDescription, sensors: [[Snapshot<SamplerReading>]], positions: Snapshot<HatchPositions>,
    fleet: FleetControl?, authority: AuthorityRules?, latch: SafetyLatch, alarms: ModuleAlarms? = nil,
    wallTime: @escaping () -> Int64
  ) {
    self.alarms = alarms
    handOff = StationStateHandOff(station: station)
    self.sensors = sensors
    self.positions = positions
    self.fleet = fleet
    self.authority = authority
    self.latch = latch
    self.wallTime = wallTime
    frame = StationStateFrame(station: station)
  }

  public func run(_ tick: TickContext) {
    frame.sequence &+= 1
    frame.monotonicNanoseconds = tick.deadline.nanoseconds
    frame.wallNanoseconds = wallTime()
    for (m, readings) in sensors.enumerated() where m < frame.modulePressurePa.count {
      var pressure = 0.0
      var temperature = 0.0
      var count = 0
      for snapshot in readings {
        let reading = snapshot.read()
        guard reading.status == .fresh, let sample = reading.sample else { continue }
        pressure += sample.pressure.pascals
        temperature += sample.temperature.celsius
        count += 1
      }
      frame.moduleFreshSensors[m] = count
      frame.modulePressurePa[m] = count > 0 ? pressure / Double(count) : .nan
      frame.moduleTemperatureC[m] = count > 0 ? temperature / Double(count) : .nan
    }
    if let alarms {
      for m in frame.moduleAlarms.indices where m < alarms.statuses.count {
        frame.moduleAlarms[m] = alarms.statuses[m].read()
      }
    }
    frame.hatches = positions.read()
    if let fleet {
      let planner = fleet.planner
      for d in frame.droneState.indices where d < fleet.controllers.count && d < planner.drones.count {
        let controller = fleet.controllers[d]
        let drone = planner.drones[d]
        frame.droneState[d] = controller.state.rawValue
        frame.droneBatteryWh[d] = controller.telemetry?.batteryWh ?? .nan
        frame.droneModule[d] = drone.module
        frame.droneDocked[d] = controller.telemetry?.docked ?? drone.docked
        frame.droneTarget[d] = drone.target
        frame.droneScanning[d] = drone.scanning
        frame.droneFault[d] = controller.telemetry?.fault != nil
        let planned = d < fleet.plannedMissions.count ? fleet.plannedMissions[d] : (.nan, .nan, .nan)
        let onMission = controller.mission != nil
        frame.droneMissionStartS[d] = onMission ? planned.startS : .nan
        frame.droneMissionArriveS[d] = onMission ? planned.arriveS : .nan
        frame.droneMissionEndS[d] = onMission ? planned.endS : .nan
      }
      for t in frame.targetRisk.indices where t < planner.lastScanS.count {
        frame.targetRisk[t] = planner.riskState(target: t)
      }
      frame.plannerNowS = fleet.lastStepS
    }
    if let authority {
      let published = authority.published
      frame.holder = published.holder.rawValue
      frame.leaseRemainingS =
        published.leaseExpiry.map { Double($0.nanoseconds &- tick.deadline.nanoseconds) / 1e9 } ?? .nan
    }
    frame.safeMode = latch.reason?.rawValue ?? 0
    handOff.offer(frame)
  }
}

extension ControllerAssembly {
  /// Adds the ``StationStatePublisher`` to the 1 Hz `planner` group (after `fleet`, when
  /// the inspection scheduler runs) and a second hatch-position publisher to the
  /// actuators group for it; returns the hand-off readers take frames from. Call once,
  /// at set-up, before the executive runs.
  public func addStatePublisher(fleet: FleetControl?) throws(ExecutiveConfigurationError) -> StationStateHandOff {
    let positions = HatchPositionPublisher(hatches: station.hatches.compactMap { hatches[$0.id] })
    try executive.add(positions, to: "actuators")
    let events = executive.events
    let publisher = StationStatePublisher(
      station: station,
      sensors: station.modules.map { module in module.sensors.compactMap { samplers[$0]?.subscribe() } },
      positions: positions.positions, fleet: fleet, authority: authority as? AuthorityRules, latch: executive.safety,
      alarms: alarms, wallTime: { events.wallTime })
    try executive.add(publisher, to: "planner")
    return publisher.handOff
  }
}
