import Boards
import Foundation
import Station
import Testing

@Suite("Station files: loading")
struct StationLoadingTests {
  typealias F = StationFixtures

  @Test("the minimal station loads into typed values, with defaults")
  func minimalValues() throws {
    let station = try F.load()
    #expect(station.name == "mini")
    #expect(station.file == "stations/mini.yaml")
    #expect(station.modules.map(\.id) == [ModuleID(unchecked: "a"), ModuleID(unchecked: "b")])
    let b = try #require(station.module(ModuleID(unchecked: "b")))
    #expect(b.volumeM3 == 60.5)
    #expect(b.positionM == [6, -1.5, 0])
    #expect(b.returnVehicle == false)  // default
    #expect(station.returnVehicleModules == [ModuleID(unchecked: "a")])
    let hatch = try #require(station.hatches.first)
    #expect(hatch.closedSensorRole == BoardRole(unchecked: "hatch.a-b.closed_sensor"))
    #expect(hatch.travelS == 10)
    #expect(station.crew.modules == [ModuleID(unchecked: "b")])
    #expect(station.batches[BatchID(unchecked: "lot-1")]?.flags == ["no-bid"])
    let weld = try #require(station.target(TargetID(unchecked: "weld-1")))
    #expect(weld.kind == .weld && weld.hatch == nil && weld.lastFinding == .minor && weld.lastInspectedHAgo == 0)
    let drone = try #require(station.drones.first)
    #expect(drone.scanS == [.seal: 60, .weld: 200])
    #expect(station.blindPolicy == .safeModeWhenAllBlind)  // default
    // Lines are kept for messages after loading.
    #expect(station.line(of: "drones.0.thrust_roles.1") == BoardFixtures.line(of: "thrust_roles:", in: F.minimal))
  }

  @Test("stale_data.safe_mode maps to the blind policy")
  func blindPolicy() throws {
    for policy in StationDescription.BlindPolicy.allCases {
      let station = try F.load(F.minimal + "\nstale_data:\n  safe_mode: \(policy.rawValue)\n")
      #expect(station.blindPolicy == policy)
    }
  }

  @Test("stations are found by name like boards, and a missing one says where it looked")
  func catalogue() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-stations-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try F.minimal.write(to: directory.appendingPathComponent("mini.yaml"), atomically: true, encoding: .utf8)
    let catalog = StationCatalog.standard(
      environment: ["CLOAK_STATIONS_DIR": directory.path], currentDirectory: "/nonexistent", executablePath: nil)
    // The one search order (decision 1101): override, configuration, working directory.
    #expect(catalog.files.directories == [directory.path, "/etc/cloak/stations", "/nonexistent/stations"])
    #expect(try catalog.load("mini").name == "mini")
    #expect(catalog.stations().map(\.name) == ["mini"])
    do {
      _ = try catalog.load("nope")
      Issue.record("loaded a station that does not exist")
    } catch {
      #expect(error.errors.map(\.kind) == [.fileNotFound])
      #expect(error.errors.first?.message.contains("no station named 'nope'") == true)
      #expect(error.errors.first?.message.contains("CLOAK_STATIONS_DIR") == true)
    }
  }
}

@Suite("Station binding to a board")
struct StationBindingTests {
  typealias F = StationFixtures

  @Test("the minimal station binds to its board, with typed lookups and the roles left over")
  func binds() throws {
    let binding = try StationBinding(station: try F.load(), board: try F.board())
    #expect(
      binding.sensors(of: ModuleID(unchecked: "b"))
        == [BoardRole(unchecked: "pressure.b.a"), BoardRole(unchecked: "pressure.b.b")])
    #expect(binding.module(ofSensor: BoardRole(unchecked: "pressure.a.b")) == ModuleID(unchecked: "a"))
    let hatch = try #require(binding.roles(of: HatchID(unchecked: "a-b")))
    #expect(hatch.open.rawValue == "hatch.a-b.open" && hatch.openSensor.rawValue == "hatch.a-b.open_sensor")
    let drone = try #require(binding.roles(of: DroneID(unchecked: "d1")))
    #expect(drone.arm.rawValue == "drone.d1.arm")
    #expect(drone.thrust.map(\.rawValue) == ["drone.d1.motor1", "drone.d1.motor2"])
    #expect(binding.overrideRole.rawValue == "crew.override_switch")
    #expect(binding.unused.gpioOutputs.map(\.rawValue) == ["pwm.output_enable", "status.led"])
    #expect(binding.unused.gpioInputs.isEmpty && binding.unused.pwmOutputs.isEmpty)
    #expect(binding.unused.i2cDevices.map(\.rawValue) == ["pwm.main"])
  }

  @Test("a role the board lacks: missingRole at the station line that names it")
  func missingRole() throws {
    let board = try F.board(
      F.replacing("    pressure.b.b: {kind: bmp280, bus: bus-b, address: 0x77}\n", with: "", in: F.board))
    let errors = F.bindingErrors(try F.load(), board)
    #expect(errors.map(\.kind) == [.missingRole])
    #expect(errors.first?.keyPath == "modules.1.sensors.1")
    #expect(errors.first?.line == BoardFixtures.line(of: "[pressure.b.a, pressure.b.b]", in: F.minimal))
    #expect(errors.first?.file == "stations/mini.yaml")
    #expect(errors.first?.message.contains("board 'mini-board'") == true)
  }

  @Test("a hatch drive wired as an input: roleMismatch")
  func wrongDirection() throws {
    let board = try F.board(
      F.replacing(
        "hatch.a-b.open: {chip: chip-a, line: OPEN, direction: output, safe: inactive}",
        with: "hatch.a-b.open: {chip: chip-a, line: OPEN, direction: input}", in: F.board))
    let errors = F.bindingErrors(try F.load(), board)
    #expect(errors.map(\.kind) == [.roleMismatch])
    #expect(errors.first?.keyPath == "hatches.0.role")
    #expect(errors.first?.line == BoardFixtures.line(of: "id: a-b", in: F.minimal))
    #expect(errors.first?.message.contains("is a GPIO input") == true)
  }

  @Test("a sensor role that is a PWM controller: roleMismatch naming the device kind")
  func wrongDeviceKind() throws {
    let station = try F.load(F.replacing("[pressure.b.a, pressure.b.b]", with: "[pressure.b.a, pwm.main]"))
    let errors = F.bindingErrors(station, try F.board())
    #expect(errors.map(\.kind) == [.roleMismatch])
    #expect(errors.first?.keyPath == "modules.1.sensors.1")
    #expect(errors.first?.message.contains("pca9685") == true)
  }

  @Test("a crew override wired as an output, an arm line that is a PWM output")
  func wrongSections() throws {
    var station = try F.load()
    station.crew.overrideRole = BoardRole(unchecked: "status.led")
    station.drones[0].armRole = BoardRole(unchecked: "drone.d1.motor2")
    station.drones[0].thrustRoles = [BoardRole(unchecked: "drone.d1.motor1")]
    let errors = F.bindingErrors(station, try F.board())
    #expect(errors.map(\.kind) == [.roleMismatch, .roleMismatch, .armingMismatch])
    #expect(errors.map(\.keyPath) == ["crew.override_role", "drones.0.arm_role", "drones.0.thrust_roles.0"])
  }

  @Test("a role used twice by a station built in code: roleConflict")
  func roleUsedTwice() throws {
    var station = try F.load()
    station.drones[0].thrustRoles = [BoardRole(unchecked: "drone.d1.motor1"), BoardRole(unchecked: "drone.d1.motor1")]
    let errors = F.bindingErrors(station, try F.board())
    #expect(errors.map(\.kind) == [.roleConflict])
    #expect(errors.first?.keyPath == "drones.0.thrust_roles.1")
  }

  @Test("a thrust output armed by another line: armingMismatch")
  func notArmedByTheDrone() throws {
    let board = try F.board(
      F.replacing(
        "channel: 1, kind: esc, min_us: 1000, max_us: 2000, safe: off, arming: drone.d1.arm}",
        with: "channel: 1, kind: esc, min_us: 1000, max_us: 2000, safe: off, arming: status.led}", in: F.board))
    let errors = F.bindingErrors(try F.load(), board)
    #expect(errors.map(\.kind) == [.armingMismatch])
    #expect(errors.first?.keyPath == "drones.0.thrust_roles.1")
    #expect(errors.first?.message.contains("armed by 'status.led'") == true)
  }
}

@Suite("Shipped station")
struct ShippedStationTests {
  static func demo() throws -> StationDescription {
    try StationCatalog(directories: [StationFixtures.repositoryStations]).load(StationCatalog.defaultStationName)
  }

  @Test("every station file shipped in stations/ validates (cloak stations list shows none INVALID)")
  func everyShippedStationValidates() throws {
    let catalog = StationCatalog(directories: [StationFixtures.repositoryStations])
    let stations = catalog.stations()
    #expect(stations.map(\.name).contains(StationCatalog.defaultStationName))
    for (name, path) in stations {
      do { _ = try StationLoader.load(path: path) } catch {
        Issue.record("\(name) (\(path)) does not validate: \(error.errors.map(\.description))")
      }
    }
  }

  @Test("stations/demo.yaml is a plausible station of the size the issue asks for")
  func demoShape() throws {
    let station = try Self.demo()
    #expect(station.modules.count >= 6)
    #expect(station.modules.allSatisfy { (10...110).contains($0.volumeM3) })
    #expect(station.hatches.count == 8)
    #expect(station.targets.count == 40)
    #expect(station.drones.count == 3)
    #expect(!station.returnVehicleModules.isEmpty)
    #expect(!station.crew.modules.isEmpty)
    // More hatches than a tree has: the graph has a cycle, so a split needs two closures.
    #expect(station.hatches.count >= station.modules.count)
    #expect(StationGraph(station).isConnected)
    // Seals on hatches (each on one of its hatch's modules), welds on shells.
    let seals = station.targets.filter { $0.kind == .seal }
    let welds = station.targets.filter { $0.kind == .weld }
    #expect(!seals.isEmpty && !welds.isEmpty)
    for seal in seals {
      let hatch = try #require(seal.hatch.flatMap { station.hatch($0) })
      #expect(hatch.between.contains(seal.module))
    }
    // Some parts come from the no-bid batch with falsified records.
    let flagged = station.batches.filter { Set($0.value.flags).isSuperset(of: ["no-bid", "falsified-records"]) }
    let fromFlagged = station.targets.filter { flagged.keys.contains($0.batch) }
    #expect(fromFlagged.contains { $0.kind == .seal } && fromFlagged.contains { $0.kind == .weld })
    // The ids the older tests and tools use are kept.
    #expect(station.module(ModuleID(unchecked: "node1")) != nil && station.drone(DroneID(unchecked: "d1")) != nil)
  }

  @Test("the demo station binds to the sim board; the board's other outputs are left to the controller")
  func demoOnSim() throws {
    let board = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("sim")
    let binding = try StationBinding(station: try Self.demo(), board: board)
    #expect(binding.modules.allSatisfy { $0.sensors.count >= 2 })
    #expect(binding.roles(of: HatchID(unchecked: "node1"))?.close.rawValue == "hatch.node1.close")
    let unused = Set(binding.unused.all.map(\.rawValue))
    #expect(unused.isSuperset(of: ["status.led", "actuator.power_enable", "pwm.output_enable", "drone.d1.gimbal"]))
    // Every pressure sensor, hatch line and drone line of the sim board belongs to the station.
    #expect(!unused.contains { $0.hasPrefix("pressure.") || $0.hasPrefix("hatch.") || $0.contains(".motor") })
  }
}
