import Boards
import Foundation
import Station
import Testing

/// Small station and board files for tests.
enum StationFixtures {
  /// A valid minimal station; tests splice faults into copies of it.
  static let minimal = """
    version: 1
    name: mini
    modules:
      - id: a
        volume_m3: 40
        nominal_temperature_c: 22
        position_m: [0, 0, 0]
        sensors: [pressure.a.a, pressure.a.b]
        return_vehicle: true
      - id: b
        volume_m3: 60.5
        nominal_temperature_c: 21
        position_m: [6, -1.5, 0]
        sensors: [pressure.b.a, pressure.b.b]
    hatches:
      - {id: a-b, between: [a, b], role: hatch.a-b, travel_s: 10}
    crew:
      modules: [b]
      override_role: crew.override_switch
    batches:
      lot-1: {supplier: Acme Seals, flags: [no-bid]}
    targets:
      - {id: seal-1, kind: seal, module: a, hatch: a-b, interval_h: 720, batch: lot-1, last_inspected_h_ago: 10, last_finding: none}
      - {id: weld-1, kind: weld, module: b, interval_h: 2160, batch: lot-1, last_inspected_h_ago: 0, last_finding: minor}
    drones:
      - id: d1
        dock: a
        arm_role: drone.d1.arm
        thrust_roles: [drone.d1.motor1, drone.d1.motor2]
        battery_wh: 90
        speed_m_s: 0.5
        scan_s: {seal: 60, weld: 200}
    """

  /// A board carrying ``minimal``.
  static let board = """
    version: 1
    name: mini-board
    backend: sim
    supports: []
    features: []
    gpio:
      chips:
        chip-a:
          lines: [OPEN, CLOSE, OPENED, CLOSED, CREW, ARM, OE, LED]
      lines:
        hatch.a-b.open: {chip: chip-a, line: OPEN, direction: output, safe: inactive}
        hatch.a-b.close: {chip: chip-a, line: CLOSE, direction: output, safe: inactive}
        hatch.a-b.open_sensor: {chip: chip-a, line: OPENED, direction: input}
        hatch.a-b.closed_sensor: {chip: chip-a, line: CLOSED, direction: input}
        crew.override_switch: {chip: chip-a, line: CREW, direction: input}
        drone.d1.arm: {chip: chip-a, line: ARM, direction: output, safe: inactive}
        pwm.output_enable: {chip: chip-a, line: OE, direction: output, active_low: true, safe: inactive}
        status.led: {chip: chip-a, line: LED, direction: output, safe: inactive}
    i2c:
      buses:
        bus-a: {simulated: true}
        bus-b: {simulated: true}
      devices:
        pressure.a.a: {kind: bmp280, bus: bus-a, address: 0x76}
        pressure.a.b: {kind: ms5611, bus: bus-a, address: 0x77}
        pressure.b.a: {kind: bme280, bus: bus-b, address: 0x76}
        pressure.b.b: {kind: bmp280, bus: bus-b, address: 0x77}
        pwm.main: {kind: pca9685, bus: bus-a, address: 0x40, frequency_hz: 50, output_enable: pwm.output_enable}
    pwm:
      outputs:
        drone.d1.motor1: {pca9685: pwm.main, channel: 0, kind: esc, min_us: 1000, max_us: 2000, safe: off, arming: drone.d1.arm}
        drone.d1.motor2: {pca9685: pwm.main, channel: 1, kind: esc, min_us: 1000, max_us: 2000, safe: off, arming: drone.d1.arm}
    kill_path:
      - {role: pwm.output_enable, pull: up, resistor_ohms: 10000}
    """

  /// Loads `yaml` as `stations/mini.yaml`; the errors (empty if it loaded).
  static func errors(_ yaml: String) -> [BoardError] {
    do {
      _ = try StationLoader.load(yaml: yaml, file: "stations/mini.yaml")
      return []
    } catch {
      return error.errors
    }
  }

  static func load(_ yaml: String = minimal) throws -> StationDescription {
    try StationLoader.load(yaml: yaml, file: "stations/mini.yaml")
  }

  static func board(_ yaml: String = board) throws -> BoardDescription {
    try BoardLoader.load(yaml: yaml, file: "boards/mini-board.yaml", expectedName: "mini-board")
  }

  /// The errors of binding `station` to `board` (empty if it bound).
  static func bindingErrors(_ station: StationDescription, _ board: BoardDescription) -> [BoardError] {
    do {
      _ = try StationBinding(station: station, board: board)
      return []
    } catch {
      return error.errors
    }
  }

  /// `text` with `old` (which must occur) replaced by `new`.
  static func replacing(_ old: String, with new: String, in text: String = minimal) -> String {
    #expect(text.contains(old), "fixture lacks \(old)")
    return text.replacingOccurrences(of: old, with: new)
  }

  /// The repository's `stations/` directory, found from this file's path.
  static var repositoryStations: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("stations").path
  }
}
