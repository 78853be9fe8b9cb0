import Composition
import Controller
import Foundation
import HAL
import Scheduler
import Station

/// The station state document of `GET /api/v1/state` and the WebSocket's `state`
/// messages (docs/api/openapi.yaml, schema `State`): the controller's last published
/// ``StationStateFrame`` with names from the station file (each module's alarm, running
/// loss rate and acknowledgement as the leak watch published them into the frame).
/// Absent values (a blind module, an unknown battery) are null.
struct StateView: Codable, Sendable, Equatable {
  struct Module: Codable, Sendable, Equatable {
    var id: String
    var pressurePa: Double?
    var temperatureC: Double?
    var freshSensors: Int
    /// The leak watch's running loss rate of the module's segment, %/h.
    var lossRatePctPerH: Double?
    /// `none`, `trend`, `alarm` or `rapid_depress`.
    var alarm: String
    var lowPressure: Bool
    var alarmThresholdPctPerH: Double
    /// Who acknowledged the current alarm (`crew_console`, `crew_panel`; null: nobody).
    var acknowledgedBy: String?
    /// When, RFC 3339 UTC (null: not acknowledged).
    var acknowledgedUtc: String?
  }
  struct Hatch: Codable, Sendable, Equatable {
    var id: String
    var between: [String]
    /// `open`, `closed`, `moving` or `between`.
    var position: String
    var fault: Bool
  }
  struct Drone: Codable, Sendable, Equatable {
    var id: String
    /// The drone controller's state (docked, preflight, transit, scanning, returning,
    /// hold, fault), or `unknown` when no scheduler runs.
    var state: String
    var batteryWh: Double?
    var module: String?
    var docked: Bool
    var target: String?
    var scanning: Bool
    var fault: Bool
    /// The planner's times for the drone's current mission (RFC 3339 UTC): leaving,
    /// arriving at the target's module, the scan's end. Null without a mission.
    var plannedStartUtc: String?
    var plannedArrivalUtc: String?
    var plannedEndUtc: String?
  }
  struct PlanEntry: Codable, Sendable, Equatable {
    var target: String
    var module: String
    var drone: String?
    var lastScanUtc: String?
    /// The last scan plus the target's interval from the station file: when it is due.
    var nextDueUtc: String?
  }
  struct Control: Codable, Sendable, Equatable {
    var holder: String
    var leaseRemainingS: Double?
  }
  var sequence: UInt64
  var station: String
  var timeS: Double
  var utc: String
  var modules: [Module]
  var hatches: [Hatch]
  var drones: [Drone]
  var plan: [PlanEntry]
  var control: Control
  var safeMode: String?
  var ticks: UInt64
  var slips: UInt64
  var healthy: Bool

  static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

  /// RFC 3339 UTC of `seconds` since 1970, or nil when not a plausible time.
  static func utc(_ seconds: Double) -> String? {
    seconds.isFinite && abs(seconds) < 1e11 ? EventRecordFormatter.utc(Int64(seconds * 1e9)) : nil
  }

  init(
    frame: StationStateFrame, station: StationDescription, status: ExecutiveStatus, origin: MonotonicInstant,
    alarmThreshold: Double
  ) {
    sequence = frame.sequence
    self.station = station.name
    timeS = Double(frame.monotonicNanoseconds &- origin.nanoseconds) / 1e9
    utc = EventRecordFormatter.utc(frame.wallNanoseconds)
    modules = station.modules.enumerated().map { m, module in
      let state = frame.moduleAlarms.indices.contains(m) ? frame.moduleAlarms[m] : ModuleAlarmStatus()
      return Module(
        id: module.id.rawValue,
        pressurePa: frame.modulePressurePa.indices.contains(m) ? Self.finite(frame.modulePressurePa[m]) : nil,
        temperatureC: frame.moduleTemperatureC.indices.contains(m) ? Self.finite(frame.moduleTemperatureC[m]) : nil,
        freshSensors: frame.moduleFreshSensors.indices.contains(m) ? frame.moduleFreshSensors[m] : 0,
        lossRatePctPerH: Self.finite(state.lossRatePctPerHour), alarm: "\(state.tier)",
        lowPressure: state.lowPressure, alarmThresholdPctPerH: alarmThreshold,
        acknowledgedBy: state.acknowledgedBy.map { "\($0)" },
        acknowledgedUtc: state.acknowledgedBy == nil ? nil : EventRecordFormatter.utc(state.acknowledgedWallNanoseconds)
      )
    }
    let bits = frame.hatches
    hatches = station.hatches.enumerated().map { h, hatch in
      let bit: UInt64 = h < HatchPositions.capacity ? 1 << UInt64(h) : 0
      let position: String
      if bits.moving & bit != 0 {
        position = "moving"
      } else if bits.open & bit != 0 {
        position = "open"
      } else if bits.closed & bit != 0 {
        position = "closed"
      } else {
        position = "between"
      }
      return Hatch(
        id: hatch.id.rawValue, between: hatch.between.map(\.rawValue), position: position,
        fault: bits.faulted & bit != 0)
    }
    let moduleName: (Int) -> String? = { station.modules.indices.contains($0) ? station.modules[$0].id.rawValue : nil }
    let targetName: (Int) -> String? = { station.targets.indices.contains($0) ? station.targets[$0].id.rawValue : nil }
    drones = station.drones.enumerated().map { d, drone in
      let raw = frame.droneState.indices.contains(d) ? frame.droneState[d] : 255
      return Drone(
        id: drone.id.rawValue, state: DroneControlState(rawValue: raw).map { "\($0)" } ?? "unknown",
        batteryWh: frame.droneBatteryWh.indices.contains(d) ? Self.finite(frame.droneBatteryWh[d]) : nil,
        module: frame.droneModule.indices.contains(d) ? moduleName(frame.droneModule[d]) : nil,
        docked: frame.droneDocked.indices.contains(d) && frame.droneDocked[d],
        target: frame.droneTarget.indices.contains(d) ? targetName(frame.droneTarget[d]) : nil,
        scanning: frame.droneScanning.indices.contains(d) && frame.droneScanning[d],
        fault: frame.droneFault.indices.contains(d) && frame.droneFault[d],
        plannedStartUtc: frame.droneMissionStartS.indices.contains(d) ? Self.utc(frame.droneMissionStartS[d]) : nil,
        plannedArrivalUtc: frame.droneMissionArriveS.indices.contains(d)
          ? Self.utc(frame.droneMissionArriveS[d]) : nil,
        plannedEndUtc: frame.droneMissionEndS.indices.contains(d) ? Self.utc(frame.droneMissionEndS[d]) : nil)
    }
    plan = station.targets.enumerated().map { t, target in
      let risk = frame.targetRisk.indices.contains(t) ? frame.targetRisk[t] : TargetRiskState()
      let claimed = risk.claimedBy
      let last = risk.lastScanS
      let due = last + target.intervalH * 3600
      return PlanEntry(
        target: target.id.rawValue, module: target.module.rawValue,
        drone: station.drones.indices.contains(claimed) ? station.drones[claimed].id.rawValue : nil,
        lastScanUtc: Self.utc(last), nextDueUtc: Self.utc(due))
    }
    control = Control(
      holder: "\(AuthorityRules.Holder(rawValue: frame.holder) ?? .nobody)",
      leaseRemainingS: Self.finite(frame.leaseRemainingS).map { max($0, 0) })
    safeMode = SafeModeReason(rawValue: frame.safeMode).map { "\($0)" }
    ticks = status.ticks
    slips = status.slips
    healthy = status.healthy
  }

  /// The document as JSON (snake_case keys, sorted for stable bytes).
  func json() -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
