import Boards
import Composition
import Controller
import Emulators
import Foundation
import HAL
import MockHAL
import Station

/// An injection or set-up names something the station or board does not have.
public struct SimulationSetupError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The station without hardware: the physics (``StationPhysics``) wired to a ``SimBackend``
/// so the unchanged controller reads and drives it through its drivers.
///
/// - every pressure sensor the station lists is a ``SimulatedPressureSensor`` over the
///   backend's register emulator;
/// - every hatch is a ``SimulatedHatch`` reading its drive lines and actuator power
///   (`actuator.power_enable`) from simulated GPIO and driving its position sensors;
/// - every drone is a ``SimulatedDrone`` on its arming line and PCA9685 emulator
///   channels, with a ``SimulatedDroneLink``; each PCA9685 emulator's output-enable pin
///   follows its OE line.
///
/// ``step()`` advances everything by one physics step (``PhysicsParameters/stepS``).
/// One seed fixes every random draw (sensor parts, noise, spikes, scan findings).
/// Confined to the thread that runs the virtual clock.
public final class StationSimulation {
  public let station: StationDescription
  public let physics: StationPhysics
  public let sensors: [SimulatedPressureSensor]
  public let hatches: [SimulatedHatch]
  public let drones: [SimulatedDrone]
  /// The mission link of each drone (what a scheduler sends orders over).
  public let links: [DroneID: SimulatedDroneLink]
  /// Crew members per module.
  public private(set) var crew: [ModuleID: Int] = [:]
  public let seed: UInt64

  private let gpio: SimulatedGPIO
  private let power: GPIOLineID?
  /// The crew override switch's input line and whether it is active-low.
  private let overrideLine: (id: GPIOLineID, activeLow: Bool)?
  private let outputEnables: [(chip: PCA9685Emulator, line: GPIOLineID)]
  private let routing: DroneRouting
  private let targets: [TargetID: StationDescription.Target]
  private var sensorIndex: [SensorRole: Int] = [:]

  /// The board role of the relay feeding actuator power.
  public static let powerRole = "actuator.power_enable"

  /// Builds the simulation over `backend` (the sim backend of a board brought up from
  /// `board`). Throws naming a sensor, hatch line or drone output the board lacks.
  public init(
    station: StationDescription, backend: SimBackend, board: BoardDescription, seed: UInt64,
    settings: ScenarioDescription.PhysicsSettings = .init()
  ) throws(SimulationSetupError) {
    self.station = station
    self.seed = seed
    gpio = backend.simulatedGPIO
    overrideLine = board.lines[station.crew.overrideRole.rawValue].map { ($0.id, $0.activeLow) }
    var parameters = PhysicsParameters()
    if let value = settings.thermalAmplitudeK { parameters.thermalAmplitudeK = value }
    if let value = settings.thermalPeriodS { parameters.thermalPeriodS = value }
    if let value = settings.backgroundLossPctPerDay { parameters.backgroundLossPctPerDay = value }
    let closed = Set(settings.closedHatches)
    physics = StationPhysics(
      station: station, parameters: parameters, initialPressurePa: settings.initialPressurePa ?? 101_325,
      hatchOpening: station.hatches.map { closed.contains($0.id) ? 0 : 1 })
    if let supply = settings.supply {
      physics.supply = .init(
        module: supply.module, belowPa: supply.belowPa, toPa: supply.toPa, rateKgPerH: supply.rateKgPerH,
        tankKg: supply.tankKg)
    }
    let root = SeededRandom(seed: seed)
    var sensors: [SimulatedPressureSensor] = []
    var stream: UInt64 = 0
    for (moduleIndex, module) in station.modules.enumerated() {
      for role in module.sensors {
        guard let model = backend.pressureModels[role.rawValue], let spec = board.i2cDevices[role.rawValue] else {
          throw SimulationSetupError("board \(board.name) has no emulated pressure sensor '\(role)'")
        }
        stream += 1
        sensorIndex[role] = sensors.count
        sensors.append(
          SimulatedPressureSensor(
            role: role, module: module.id, moduleIndex: moduleIndex, model: model, bus: backend.buses[spec.bus],
            address: spec.address, random: root.stream(stream), noisePa: settings.noisePa ?? 1.3,
            airK: physics.modules[moduleIndex].temperatureK))
      }
    }
    self.sensors = sensors
    func line(_ role: BoardRole) throws(SimulationSetupError) -> GPIOLineID {
      guard let spec = board.lines[role.rawValue] else {
        throw SimulationSetupError("board \(board.name) has no GPIO line '\(role)'")
      }
      return spec.id
    }
    var hatches: [SimulatedHatch] = []
    for hatch in station.hatches {
      hatches.append(
        SimulatedHatch(
          id: hatch.id, travelS: hatch.travelS, open: !closed.contains(hatch.id), openDrive: try line(hatch.openRole),
          closeDrive: try line(hatch.closeRole), openSensor: try line(hatch.openSensorRole),
          closedSensor: try line(hatch.closedSensorRole)))
    }
    self.hatches = hatches
    power = board.lines[Self.powerRole]?.id
    var enables: [(PCA9685Emulator, GPIOLineID)] = []
    for (role, device) in board.i2cDevices.sorted(by: { $0.key < $1.key }) {
      guard let chip = backend.pwmModels[role], let oe = device.outputEnableRole, let spec = board.lines[oe] else {
        continue
      }
      enables.append((chip, spec.id))
    }
    outputEnables = enables
    var targets: [TargetID: StationDescription.Target] = [:]
    for target in station.targets { targets[target.id] = target }
    self.targets = targets
    routing = DroneRouting(station: station)
    var drones: [SimulatedDrone] = []
    var links: [DroneID: SimulatedDroneLink] = [:]
    for (index, drone) in station.drones.enumerated() {
      var thrust: [(chip: PCA9685Emulator, channel: Int)] = []
      for role in drone.thrustRoles {
        guard let output = board.pwmOutputs[role.rawValue], case .pca9685(let device, let channel) = output.source,
          let chip = backend.pwmModels[device]
        else {
          throw SimulationSetupError(
            "board \(board.name): drone \(drone.id)'s thrust output '\(role)' is not on an emulated PCA9685")
        }
        thrust.append((chip, channel))
      }
      let model = SimulatedDrone(
        spec: drone, armLine: try line(drone.armRole), thrust: thrust, random: root.stream(1_000 + UInt64(index)))
      drones.append(model)
      links[drone.id] = SimulatedDroneLink(model: model, targets: targets)
    }
    self.drones = drones
    self.links = links
    for module in station.crew.modules { crew[module, default: 0] += 1 }
    // The position sensors show where each hatch starts; the emulators the air.
    for hatch in hatches { hatch.report(gpio) }
    feedSensors(dt: 0)
  }

  /// Simulated time, s.
  public var time: Double { physics.time }

  /// Module `id`'s true pressure now, Pa.
  public func pressure(of id: ModuleID) -> Double? { physics.pressure(of: id) }

  /// The sensor with board role `role`.
  public func sensor(_ role: SensorRole) -> SimulatedPressureSensor? { sensorIndex[role].map { sensors[$0] } }

  /// The hatch `id`.
  public func hatch(_ id: HatchID) -> SimulatedHatch? { hatches.first { $0.id == id } }

  /// The drone `id`.
  public func drone(_ id: DroneID) -> SimulatedDrone? { drones.first { $0.id == id } }

  /// Whether actuator power is on now.
  public var isPowered: Bool { power.flatMap { gpio.level(of: $0)?.logical } ?? true }

  /// One physics step: devices read what the controller drives, the air moves, the
  /// sensors' emulators get the new air. Returns notable changes in words.
  public func step() -> [String] {
    let dt = physics.parameters.stepS
    for (chip, line) in outputEnables {
      // The PCA9685's OE pin is active-low: the outputs run while the wire is low.
      chip.outputEnablePin = gpio.level(of: line)?.physical == false
    }
    let powered = isPowered
    var notes: [String] = []
    for (index, hatch) in hatches.enumerated() {
      let before = hatch.endStop
      hatch.update(gpio: gpio, powered: powered, dt: dt)
      physics.hatchOpening[index] = hatch.position
      routing.open[index] = hatch.position >= 1
      if hatch.endStop != before, let end = hatch.endStop { notes.append("hatch \(hatch.id) \(end.rawValue)") }
    }
    physics.step()
    feedSensors(dt: dt)
    for drone in drones { notes += drone.update(gpio: gpio, graph: routing, targets: targets, dt: dt) }
    return notes
  }

  private func feedSensors(dt: Double) {
    for sensor in sensors {
      let module = physics.modules[sensor.moduleIndex]
      sensor.update(airPa: module.pressurePa, airK: module.temperatureK, dt: dt, now: physics.time)
    }
  }

  /// Applies an injected event that is not a command (commands go to the arbiter);
  /// returns what happened in words.
  public func apply(_ action: ScenarioDescription.Action) -> String? {
    switch action {
    case .leak(let module, let size):
      switch size {
      case .holeMM2(let area):
        physics.addLeak(.hole(areaM2: area / 1e6), to: module)
        return "leak: a \(area) mm^2 hole to vacuum in \(module)"
      case .percentPerHour(let rate):
        physics.addLeak(.fractional(percentPerHour: rate), to: module)
        return "leak: \(module) loses \(rate) %/h"
      }
    case .sealLeak(let module):
      physics.sealLeaks(of: module)
      return "leaks in \(module) sealed"
    case .sensorFault(let role, let fault):
      return sensor(role).map { $0.apply(fault, now: time) }
    case .thermalStep(let module, let delta):
      for id in module.map({ [$0] }) ?? station.modules.map(\.id) { physics.stepSetPoint(of: id, by: delta) }
      return "thermal set-point step \(delta) K in " + (module.map { "\($0)" } ?? "every module")
    case .hatchJam(let id):
      hatch(id)?.jammed = true
      return "hatch \(id) jams"
    case .hatchFree(let id):
      hatch(id)?.jammed = false
      return "hatch \(id) runs freely again"
    case .crewMove(let from, let to, let count):
      let moved = min(count, crew[from, default: 0])
      crew[from, default: 0] -= moved
      crew[to, default: 0] += moved
      if crew[from] == 0 { crew[from] = nil }
      return "crew: \(moved) moved from \(from) to \(to)"
    case .droneOrder(let id, let order):
      guard let link = links[id], let model = drone(id) else { return nil }
      let linkOrder: DroneOrder
      switch order {
      case .goTo(let module): linkOrder = .goTo(module)
      case .scan(let target):
        linkOrder = .scan(target, seconds: targets[target].flatMap { model.spec.scanS[$0.kind] } ?? 60)
      case .returnToDock: linkOrder = .returnToDock
      case .hold: linkOrder = .hold
      }
      do {
        try link.send(linkOrder)
        return "drone \(id) ordered: \(linkOrder)"
      } catch {
        return "drone \(id) order not delivered: \(error)"
      }
    case .droneFailure(let id, let kind):
      drone(id)?.fail(kind)
      return "drone \(id) fails: \(kind.rawValue)"
    case .crewOverride(let active):
      guard let line = overrideLine else { return "crew override: the board has no override switch" }
      do {
        try gpio.drive(line.id, physicalLevel: active != line.activeLow)
        return active ? "crew override switch thrown" : "crew override switch released"
      } catch {
        return "crew override switch: \(error)"
      }
    case .command, .leakEvidence:
      return nil
    }
  }
}
