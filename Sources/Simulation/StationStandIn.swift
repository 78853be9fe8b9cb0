import Boards
import Composition
import Foundation
import HAL
import Station

/// A leak injected into a simulated run: the module loses `percentPerHour` of its
/// pressure per hour (exponential decay) from `startSeconds` on.
public struct LeakInjection: Sendable, Hashable {
  public var module: ModuleID
  public var percentPerHour: Double
  public var startSeconds: Double
  public init(module: ModuleID, percentPerHour: Double, startSeconds: Double) {
    self.module = module
    self.percentPerHour = percentPerHour
    self.startSeconds = startSeconds
  }
}

/// A pressure sensor that leaves its bus at `atSeconds` (a dropout).
public struct SensorDropout: Sendable, Hashable {
  public var sensor: SensorRole
  public var atSeconds: Double
  public init(sensor: SensorRole, atSeconds: Double) {
    self.sensor = sensor
    self.atSeconds = atSeconds
  }
}

/// An injection names something the station or board does not have.
public struct SimulationSetupError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The station without hardware, as far as it exists today: each module's pressure
/// stays at its sensors' baseline unless a leak is injected (exponential loss at the
/// given rate from its start), and a sensor dropout detaches the sensor's emulator from
/// its simulated bus. Drives the register emulators of a ``SimBackend`` so the
/// unchanged controller reads them through its drivers.
public final class StationStandIn {
  public let station: StationDescription
  private let backend: SimBackend
  private let board: BoardDescription
  private let leaks: [LeakInjection]
  private let dropouts: [SensorDropout]
  private var dropped: Set<SensorRole> = []
  private var baseline: [SensorRole: Double] = [:]
  private var moduleOfSensor: [SensorRole: ModuleID] = [:]

  /// Checks every injection against the station and board: a leak in a module the
  /// station does not have, or a dropout of a sensor no module lists, is an error
  /// naming it and what exists.
  public init(
    station: StationDescription, backend: SimBackend, board: BoardDescription, leaks: [LeakInjection] = [],
    dropouts: [SensorDropout] = []
  ) throws(SimulationSetupError) {
    self.station = station
    self.backend = backend
    self.board = board
    self.leaks = leaks
    self.dropouts = dropouts
    let modules = station.modules.map(\.id.rawValue).joined(separator: ", ")
    for leak in leaks where station.module(leak.module) == nil {
      throw SimulationSetupError("leak: station \(station.name) has no module '\(leak.module)' (modules: \(modules))")
    }
    for module in station.modules {
      for sensor in module.sensors { moduleOfSensor[sensor] = module.id }
    }
    for dropout in dropouts where moduleOfSensor[dropout.sensor] == nil {
      throw SimulationSetupError(
        "sensor dropout: no module of station \(station.name) lists sensor '\(dropout.sensor)'")
    }
    for (role, model) in backend.pressureModels {
      if let sensor = BoardRole(parsing: role) { baseline[sensor] = model.pressure.pascals }
    }
  }

  /// Sets every emulated sensor's pressure for simulated time `seconds` and applies
  /// dropouts that are due. Returns a line for each dropout applied now.
  @discardableResult
  public func advance(toSeconds seconds: Double) -> [String] {
    for (role, model) in backend.pressureModels {
      guard let sensor = BoardRole(parsing: role), let module = moduleOfSensor[sensor] else { continue }
      var pressure = baseline[sensor] ?? 101_325
      for leak in leaks where leak.module == module && seconds > leak.startSeconds {
        pressure *= Foundation.exp(-leak.percentPerHour / 100 * (seconds - leak.startSeconds) / 3_600)
      }
      model.pressure = Pressure(pascals: pressure)
    }
    var notes: [String] = []
    for dropout in dropouts where seconds >= dropout.atSeconds && !dropped.contains(dropout.sensor) {
      dropped.insert(dropout.sensor)
      if let spec = board.i2cDevices[dropout.sensor.rawValue] {
        backend.buses[spec.bus]?.detach(address: spec.address)
        notes.append("\(dropout.sensor) removed from its bus")
      }
    }
    return notes
  }
}
