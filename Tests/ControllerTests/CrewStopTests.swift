import HAL
import Station
import Testing

@testable import Controller

/// A crew `stop_all_drones` holds: autonomy may not fly the drones again until the crew's
/// `scan_resume`, and no one else can resume them (docs/authority.md).
@Suite struct CrewStopTests {
  static let d1 = DroneID(unchecked: "d1")

  static func rules() -> AuthorityRules {
    let node1 = ModuleID(unchecked: "node1")
    let dock = ModuleID(unchecked: "dock")
    let station = StationDescription(
      name: "crew-stop", file: "<test>",
      modules: [
        .init(
          id: node1, volumeM3: 60, nominalTemperatureC: 22, positionM: [0, 0, 0], sensors: [], returnVehicle: false),
        .init(
          id: dock, volumeM3: 26, nominalTemperatureC: 22, positionM: [-6, 0, 0], sensors: [], returnVehicle: true),
      ],
      hatches: [
        .init(id: HatchID(unchecked: "h0"), between: [node1, dock], role: BoardRole(unchecked: "hatch.h0"), travelS: 8)
      ],
      crew: .init(modules: [node1], overrideRole: BoardRole(unchecked: "crew.override_switch")), batches: [:],
      targets: [], drones: [])
    return AuthorityRules(station: station, events: nil)
  }

  static func request(_ principal: Principal, _ command: Command) -> CommandRequest {
    CommandRequest(id: 1, principal: principal, command: command)
  }

  /// Asks, and when allowed, applies (as the arbiter does on acceptance).
  @discardableResult
  static func send(_ rules: AuthorityRules, _ principal: Principal, _ command: Command) -> Bool {
    let request = request(principal, command)
    guard rules.deny(request, safeMode: false, now: .zero) == nil else { return false }
    rules.accepted(request, now: .zero)
    return true
  }

  static let flights: [Command] = [
    .droneArm(d1), .actuatorPulse(BoardRole(unchecked: "drone.d1.motor1"), microseconds: 1_300),
    .droneOrder(d1, .goTo(ModuleID(unchecked: "dock"))),
  ]

  @Test func aCrewStopHoldsUntilTheCrewResumes() {
    let rules = Self.rules()
    for command in Self.flights { #expect(Self.send(rules, .autonomy, command)) }
    #expect(Self.send(rules, .crewConsole, .stopAllDrones))
    #expect(rules.dronesStoppedBy == .crewConsole)
    for command in Self.flights { #expect(!Self.send(rules, .autonomy, command), "\(command) after a crew stop") }
    // Hold and return are still allowed: they only make a flying drone safer.
    #expect(Self.send(rules, .autonomy, .droneOrder(Self.d1, .hold)))
    #expect(Self.send(rules, .autonomy, .droneOrder(Self.d1, .returnToDock)))
    // Ground, even holding control under a lease, cannot resume what the crew stopped.
    #expect(Self.send(rules, .ground, .leaseTake(seconds: 600)))
    #expect(!Self.send(rules, .ground, .scanResume))
    #expect(!Self.send(rules, .autonomy, .droneArm(Self.d1)))
    #expect(Self.send(rules, .crewConsole, .controlGrab))
    #expect(Self.send(rules, .crewConsole, .scanResume))
    #expect(rules.dronesStoppedBy == nil)
    for command in Self.flights { #expect(Self.send(rules, .autonomy, command)) }
  }

  @Test func aCrewStopOnTopOfGroundsBecomesTheCrews() {
    let rules = Self.rules()
    #expect(Self.send(rules, .ground, .leaseTake(seconds: 600)))
    #expect(Self.send(rules, .ground, .stopAllDrones))
    #expect(!Self.send(rules, .autonomy, .droneArm(Self.d1)))
    // A crew stop on top of ground's makes it the crew's.
    #expect(Self.send(rules, .crewConsole, .stopAllDrones))
    #expect(rules.dronesStoppedBy == .crewConsole)
    #expect(!Self.send(rules, .ground, .scanResume))
  }

  @Test func groundsOwnStopGroundResumesAndAutonomyNever() {
    let rules = Self.rules()
    #expect(Self.send(rules, .ground, .leaseTake(seconds: 600)))
    #expect(Self.send(rules, .ground, .stopAllDrones))
    #expect(!Self.send(rules, .autonomy, .scanResume))
    #expect(Self.send(rules, .ground, .scanResume))
    #expect(Self.send(rules, .autonomy, .droneArm(Self.d1)))
  }
}
