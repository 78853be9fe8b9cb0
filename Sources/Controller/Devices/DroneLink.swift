import Station

/// What a drone is told to do over its mission link. The drone's own autopilot flies
/// the route; the station controller decides where, supervises, and keeps the power
/// path (arming line, thrust channels through the ``CommandArbiter``): a drone moves only
/// while armed with its thrust channels above idle, whatever its link was told.
public enum DroneOrder: Sendable, Hashable {
  /// Fly to a module along the station graph (through open hatches only).
  case goTo(ModuleID)
  /// Scan a target in the module where the drone is, for `seconds`.
  case scan(TargetID, seconds: Double)
  /// Fly back to the dock and charge.
  case returnToDock
  /// Stop where it is and hover.
  case hold
}

/// A drone's report of a finished scan.
public struct ScanReport: Sendable, Hashable {
  public var target: TargetID
  public var finding: StationDescription.Finding
  /// Free text from the drone's inspection payload (ASCII, at most 200 characters).
  public var note: String
  public init(target: TargetID, finding: StationDescription.Finding, note: String) {
    self.target = target
    self.finding = finding
    self.note = note
  }
}

/// A drone's telemetry, as its link last reported it.
public struct DroneTelemetry: Sendable, Hashable {
  /// The module the drone is in (the one it left, while between modules).
  public var module: ModuleID
  /// The module it is flying to, if in transit.
  public var enRouteTo: ModuleID?
  /// Battery energy left, Wh.
  public var batteryWh: Double
  /// Whether it sits on its dock (charging when the dock has power).
  public var docked: Bool
  /// The target being scanned, if any.
  public var scanning: TargetID?
  /// The last finished scan (kept until the next one finishes).
  public var lastScan: ScanReport?
  /// Increments with every finished scan, so a reader sees each report once.
  public var scanCount: UInt64
  /// A fault the drone reports (lost propulsion, blocked path), if any.
  public var fault: String?

  public init(
    module: ModuleID, enRouteTo: ModuleID? = nil, batteryWh: Double, docked: Bool, scanning: TargetID? = nil,
    lastScan: ScanReport? = nil, scanCount: UInt64 = 0, fault: String? = nil
  ) {
    self.module = module
    self.enRouteTo = enRouteTo
    self.batteryWh = batteryWh
    self.docked = docked
    self.scanning = scanning
    self.lastScan = lastScan
    self.scanCount = scanCount
    self.fault = fault
  }
}

/// A drone's link failed (no answer, a garbled frame), naming the drone.
public struct DroneLinkError: Error, Sendable, Hashable, CustomStringConvertible {
  public var drone: DroneID
  public var problem: String
  public init(drone: DroneID, problem: String) {
    self.drone = drone
    self.problem = problem
  }
  public var description: String { "drone \(drone): \(problem)" }
}

/// The mission link to one drone: orders up, telemetry down. The simulation provides
/// one per simulated drone; a real radio link would implement the same protocol. Calls
/// come from the actuator group's thread (the arbiter) and must not block beyond a
/// bounded transfer.
public protocol DroneLink: AnyObject {
  var drone: DroneID { get }
  /// Sends an order; the drone acts on it while it has propulsion.
  func send(_ order: DroneOrder) throws(DroneLinkError)
  /// The latest telemetry.
  func telemetry() throws(DroneLinkError) -> DroneTelemetry
}

/// What the arbiter last read from a drone's link, published once per read for the
/// planner group (the drone controller): the telemetry, or the failure, with a
/// sequence number that grows with every read so a reader sees a stale link.
public struct DroneLinkReading: Sendable, Hashable {
  /// The telemetry of the last successful read.
  public var telemetry: DroneTelemetry?
  /// The failure of the last read, if it failed.
  public var failure: DroneLinkError?
  /// Increments with every read (successful or not).
  public var sequence: UInt64

  public init(telemetry: DroneTelemetry?, failure: DroneLinkError?, sequence: UInt64) {
    self.telemetry = telemetry
    self.failure = failure
    self.sequence = sequence
  }
}
