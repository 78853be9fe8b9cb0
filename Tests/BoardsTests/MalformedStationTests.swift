import Boards
import Station
import Testing

/// Each malformed station gives exactly the documented error: kind, line and key path
/// (docs/station-format.md, "Errors").
@Suite("Malformed station files")
struct MalformedStationTests {
  typealias F = StationFixtures

  /// The single error of `yaml`, checked against kind, the line holding `at` and `path`.
  func expectOne(
    _ yaml: String, _ kind: BoardError.Kind, at needle: String, occurrence: Int = 1, path: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let errors = F.errors(yaml)
    #expect(errors.count == 1, "\(errors)", sourceLocation: sourceLocation)
    guard let error = errors.first else { return }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(
      error.line == BoardFixtures.line(of: needle, occurrence: occurrence, in: yaml), "\(error)",
      sourceLocation: sourceLocation)
    #expect(error.keyPath == path, "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix("stations/mini.yaml:\(error.line): \(path): "), sourceLocation: sourceLocation)
  }

  @Test("the minimal fixture itself is valid")
  func minimalIsValid() {
    #expect(F.errors(F.minimal) == [])
  }

  @Test("an unknown key inside a module")
  func unknownModuleKey() {
    let yaml = F.replacing("    volume_m3: 40\n", with: "    volume_m3: 40\n    colour: red\n")
    expectOne(yaml, .unknownKey, at: "colour: red", path: "modules.0.colour")
  }

  @Test("an unknown top-level key (a typo) is an error, not ignored")
  func unknownTopLevelKey() {
    let yaml = F.minimal + "\nstale_dta: {safe_mode: never}\n"
    expectOne(yaml, .unknownKey, at: "stale_dta", path: "stale_dta")
  }

  @Test("version other than 1 stops the load at the version")
  func unsupportedVersion() {
    let yaml = F.replacing("version: 1", with: "version: 2")
    expectOne(yaml, .unsupportedVersion, at: "version: 2", path: "version")
  }

  @Test("a required key is missing, reported at its item")
  func missingKey() {
    let yaml = F.replacing("    volume_m3: 60.5\n", with: "")
    expectOne(yaml, .missingKey, at: "- id: b", path: "modules.1.volume_m3")
  }

  @Test("two modules with one id: reported at the second")
  func duplicateModule() {
    let yaml = F.replacing("  - id: b\n", with: "  - id: a\n")
    let errors = F.errors(yaml)
    #expect(errors.first?.kind == .duplicateID)
    #expect(errors.first?.line == BoardFixtures.line(of: "- id: a", occurrence: 2, in: yaml))
    #expect(errors.first?.keyPath == "modules.1.id")
    #expect(errors.first?.message.contains("first at line 4") == true)
  }

  @Test("two targets with one id")
  func duplicateTarget() {
    let yaml = F.replacing("{id: weld-1,", with: "{id: seal-1,")
    expectOne(yaml, .duplicateID, at: "seal-1", occurrence: 2, path: "targets.1.id")
  }

  @Test("an id outside the grammar (upper case)")
  func badID() {
    let yaml = F.replacing("  - id: b\n", with: "  - id: Lab\n")
    let errors = F.errors(yaml)
    // The module is left out, so its references echo as unknown: the id comes first.
    #expect(errors.first?.kind == .badValue)
    #expect(errors.first?.keyPath == "modules.1.id")
    #expect(errors.first?.line == BoardFixtures.line(of: "- id: Lab", in: yaml))
  }

  @Test("a sensor role outside the grammar (one word)")
  func badRole() {
    let yaml = F.replacing("[pressure.b.a, pressure.b.b]", with: "[pressure.b.a, pressure]")
    expectOne(yaml, .badValue, at: "[pressure.b.a, pressure]", path: "modules.1.sensors.1")
  }

  @Test("a module with one pressure sensor cannot vote")
  func tooFewSensors() {
    let yaml = F.replacing("[pressure.b.a, pressure.b.b]", with: "[pressure.b.a]")
    let errors = F.errors(yaml)
    #expect(errors.first?.kind == .tooFewSensors)
    #expect(errors.first?.keyPath == "modules.1.sensors")
    #expect(errors.first?.line == BoardFixtures.line(of: "sensors: [pressure.b.a]", in: yaml))
  }

  @Test("a sensor role listed by two modules")
  func sensorInTwoModules() {
    let yaml = F.replacing("[pressure.b.a, pressure.b.b]", with: "[pressure.a.b, pressure.b.b]")
    let errors = F.errors(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .roleConflict)
    #expect(errors.first?.keyPath == "modules.1.sensors.0")
    #expect(errors.first?.line == BoardFixtures.line(of: "[pressure.a.b, pressure.b.b]", in: yaml))
    #expect(errors.first?.message.contains("modules.0.sensors.1") == true)
  }

  @Test("a hatch joining an unknown module")
  func hatchToUnknownModule() {
    let yaml = F.replacing("between: [a, b]", with: "between: [a, c]")
    expectOne(yaml, .unknownReference, at: "between: [a, c]", path: "hatches.0.between.1")
  }

  @Test("a hatch joining a module to itself")
  func hatchToItself() {
    let yaml = F.replacing("between: [a, b]", with: "between: [a, a]")
    let errors = F.errors(yaml)
    #expect(errors.first?.kind == .mismatchedReference)
    #expect(errors.first?.keyPath == "hatches.0.between.1")
    #expect(errors.first?.line == BoardFixtures.line(of: "between: [a, a]", in: yaml))
  }

  @Test("a target in an unknown module")
  func targetInUnknownModule() {
    let yaml = F.replacing("kind: weld, module: b,", with: "kind: weld, module: z,")
    expectOne(yaml, .unknownReference, at: "module: z", path: "targets.1.module")
  }

  @Test("a seal on an unknown hatch, and one from an unknown batch")
  func targetUnknownHatchAndBatch() {
    let yaml = F.replacing(
      "hatch: a-b, interval_h: 720, batch: lot-1", with: "hatch: a-c, interval_h: 720, batch: lot-9")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.unknownReference, .unknownReference])
    #expect(errors.map(\.keyPath) == ["targets.0.hatch", "targets.0.batch"])
    let line = BoardFixtures.line(of: "hatch: a-c", in: yaml)
    #expect(errors.allSatisfy { $0.line == line })
  }

  @Test("a seal whose hatch does not join the seal's module")
  func sealOnAHatchElsewhere() {
    // A third module c, joined to b; the seal says module c but hatch a-b.
    var yaml = F.replacing(
      "hatches:\n",
      with: """
          - id: c
            volume_m3: 30
            nominal_temperature_c: 22
            position_m: [12, 0, 0]
            sensors: [pressure.c.a, pressure.c.b]
        hatches:
          - {id: b-c, between: [b, c], role: hatch.b-c, travel_s: 10}

        """)
    yaml = F.replacing("kind: seal, module: a, hatch: a-b", with: "kind: seal, module: c, hatch: a-b", in: yaml)
    expectOne(yaml, .mismatchedReference, at: "module: c, hatch: a-b", path: "targets.0.hatch")
  }

  @Test("a weld with a hatch")
  func weldWithAHatch() {
    let yaml = F.replacing("kind: weld, module: b,", with: "kind: weld, module: b, hatch: a-b,")
    expectOne(yaml, .mismatchedReference, at: "kind: weld", path: "targets.1.hatch")
  }

  @Test("no module holds the return vehicle")
  func noReturnVehicle() {
    let yaml = F.replacing("    return_vehicle: true\n", with: "")
    expectOne(yaml, .noReturnVehicle, at: "modules:", path: "modules")
  }

  @Test("a module no hatch reaches")
  func disconnected() {
    let yaml = F.replacing(
      "hatches:\n",
      with: """
          - id: c
            volume_m3: 30
            nominal_temperature_c: 22
            position_m: [12, 0, 0]
            sensors: [pressure.c.a, pressure.c.b]
        hatches:

        """)
    expectOne(yaml, .disconnected, at: "- id: c", path: "modules.2.id")
  }

  @Test("a negative volume")
  func negativeVolume() {
    let yaml = F.replacing("volume_m3: 40", with: "volume_m3: -40")
    expectOne(yaml, .outOfRange, at: "volume_m3: -40", path: "modules.0.volume_m3")
  }

  @Test("a zero hatch travel time")
  func zeroTravel() {
    let yaml = F.replacing("travel_s: 10", with: "travel_s: 0")
    expectOne(yaml, .outOfRange, at: "travel_s: 0", path: "hatches.0.travel_s")
  }

  @Test("non-finite numbers (.inf, .nan, overflow) and text where a number belongs")
  func nonFinite() {
    for (text, kind) in [
      (".inf", BoardError.Kind.outOfRange), (".nan", .outOfRange), ("1e999", .outOfRange), ("ninety", .badValue),
      ("0x5A", .badValue),
    ] {
      let yaml = F.replacing("battery_wh: 90", with: "battery_wh: \(text)")
      expectOne(yaml, kind, at: "battery_wh: \(text)", path: "drones.0.battery_wh")
    }
  }

  @Test("a cabin temperature in kelvin is out of range")
  func kelvin() {
    let yaml = F.replacing("nominal_temperature_c: 21", with: "nominal_temperature_c: 294.15")
    expectOne(yaml, .outOfRange, at: "294.15", path: "modules.1.nominal_temperature_c")
  }

  @Test("a negative time since the last inspection")
  func negativeAge() {
    let yaml = F.replacing("last_inspected_h_ago: 10", with: "last_inspected_h_ago: -1")
    expectOne(yaml, .outOfRange, at: "last_inspected_h_ago: -1", path: "targets.0.last_inspected_h_ago")
  }

  @Test("position_m not three numbers")
  func positionNotThree() {
    let yaml = F.replacing("position_m: [0, 0, 0]", with: "position_m: [0, 0]")
    expectOne(yaml, .badValue, at: "position_m: [0, 0]", path: "modules.0.position_m")
  }

  @Test("crew in an unknown module")
  func crewInUnknownModule() {
    let yaml = F.replacing("  modules: [b]", with: "  modules: [b, galley]")
    expectOne(yaml, .unknownReference, at: "modules: [b, galley]", path: "crew.modules.1")
  }

  @Test("a drone docked in an unknown module")
  func droneDockUnknown() {
    let yaml = F.replacing("dock: a", with: "dock: hangar")
    expectOne(yaml, .unknownReference, at: "dock: hangar", path: "drones.0.dock")
  }

  @Test("a drone with no thrust roles")
  func droneWithoutThrust() {
    let yaml = F.replacing("thrust_roles: [drone.d1.motor1, drone.d1.motor2]", with: "thrust_roles: []")
    expectOne(yaml, .badValue, at: "thrust_roles: []", path: "drones.0.thrust_roles")
  }

  @Test("a thrust role that is also a hatch line")
  func thrustRoleUsedTwice() {
    let yaml = F.replacing("[drone.d1.motor1, drone.d1.motor2]", with: "[drone.d1.motor1, hatch.a-b.open]")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.roleConflict])
    #expect(errors.first?.keyPath == "drones.0.thrust_roles.1")
    #expect(errors.first?.message.contains("open drive of hatch 'a-b'") == true)
  }

  @Test("an unknown stale-data policy word")
  func badPolicy() {
    let yaml = F.minimal + "\nstale_data: {safe_mode: sometimes}\n"
    expectOne(yaml, .badValue, at: "safe_mode: sometimes", path: "stale_data.safe_mode")
  }

  @Test("a batch declared twice (a YAML duplicate key)")
  func duplicateBatch() {
    let yaml = F.replacing(
      "  lot-1: {supplier: Acme Seals, flags: [no-bid]}\n",
      with: "  lot-1: {supplier: Acme Seals, flags: [no-bid]}\n  lot-1: {supplier: Other, flags: []}\n")
    let errors = F.errors(yaml)
    #expect(errors.map(\.kind) == [.duplicateKey])
    #expect(errors.first?.line == BoardFixtures.line(of: "lot-1:", occurrence: 2, in: yaml))
    #expect(errors.first?.keyPath == "batches.lot-1")
  }

  @Test("modules as a mapping instead of a list")
  func wrongShape() {
    let yaml = "version: 1\nname: x\nmodules: {a: {volume_m3: 1}}\n"
    let errors = F.errors(yaml).filter { $0.keyPath == "modules" }
    #expect(errors.map(\.kind) == [.wrongType])
    #expect(errors.first?.line == 3)
  }

  @Test("every problem is reported, in file order")
  func everyProblemAtOnce() {
    var yaml = F.replacing("volume_m3: 40", with: "volume_m3: 0")
    yaml = F.replacing("travel_s: 10", with: "travel_s: -3", in: yaml)
    yaml = F.replacing("speed_m_s: 0.5", with: "speed_m_s: fast", in: yaml)
    let errors = F.errors(yaml)
    #expect(errors.map(\.keyPath) == ["modules.0.volume_m3", "hatches.0.travel_s", "drones.0.speed_m_s"])
    #expect(errors.map(\.line) == errors.map(\.line).sorted())
  }

  @Test("not YAML at all: a syntax error with its line")
  func syntaxError() {
    let errors = F.errors("version: 1\nmodules: [\n")
    #expect(errors.first?.kind == .yamlSyntax)
    #expect((errors.first?.line ?? 0) > 0)
  }
}
