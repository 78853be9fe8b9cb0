import Boards
import Foundation
import HAL
import Testing

@Suite("Runtime configuration and the configuration search order")
struct RuntimeConfigurationTests {
  @Test func aFullFileGivesEveryValueWithRelativePathsResolvedAgainstTheFile() throws {
    let yaml = """
      version: 1
      board: ./my-board.yaml
      station: demo
      keys: keys
      audit: logs/audit.log
      realtime:
        priority: 80
        cpu: 3
        lock_memory: true
        hold_cpu_latency: true
      api:
        listen: "[::1]:8081"
        history: history.db
        crew_secret: /var/lib/cloak/crew.secret
      """
    let configuration = try RuntimeConfiguration.load(yaml: yaml, file: "/etc/cloak/cloak.yaml")
    #expect(
      configuration.api
        == .init(host: "::1", port: 8081, history: "/etc/cloak/history.db", crewSecret: "/var/lib/cloak/crew.secret"))
    #expect(configuration.board == "/etc/cloak/./my-board.yaml")
    #expect(configuration.station == "demo")
    #expect(configuration.keysDirectory == "/etc/cloak/keys")
    #expect(configuration.auditLog == "/etc/cloak/logs/audit.log")
    #expect(configuration.realtime == RealtimeOptions(priority: 80, cpu: 3, lockMemory: true, holdCPULatency: true))
  }

  @Test func onlyTheVersionIsRequired() throws {
    let configuration = try RuntimeConfiguration.load(yaml: "version: 1\n", file: "c.yaml")
    #expect(configuration.board == nil && configuration.realtime == .none && configuration.api == nil)
  }

  @Test func thePackagedConfigurationLeavesTheAPIOff() throws {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
      directory.deleteLastPathComponent()
    }
    let configuration = try RuntimeConfiguration.load(
      path: directory.appendingPathComponent("packaging/etc/cloak.yaml").path)
    #expect(configuration.api?.host == nil)
    let address = RuntimeConfiguration.listenAddress("127.0.0.1:8080")
    #expect(address?.host == "127.0.0.1" && address?.port == 8080)
    for bad in ["8080", ":8080", "host:", "host:65536", "host:-1", "a b:80"] {
      #expect(RuntimeConfiguration.listenAddress(bad) == nil, "\(bad)")
    }
  }

  @Test(arguments: [
    ("version: 1\nbord: sim\n", "c.yaml:2: bord: unknown key"),
    ("version: 1\naudit: [a, b]\n", "c.yaml:2: audit: "),
    ("version: 2\n", "c.yaml:1: version: version 2 is not supported"),
    ("version: 1\nrealtime:\n  priority: 120\n", "c.yaml:3: realtime.priority: 120 is out of range 1...99"),
    ("version: 1\nrealtime:\n  lock_memory: yes\n", "c.yaml:3: realtime.lock_memory: expected true or false"),
    ("board: sim\n", "c.yaml:1: version: required key is missing"),
    ("version: 1\napi:\n  listen: localhost\n", "c.yaml:3: api.listen: 'localhost' is not HOST:PORT"),
    ("version: 1\napi:\n  port: 80\n", "c.yaml:3: api.port: unknown key"),
    ("version: 1\napi: on\n", "c.yaml:2: api: "),
  ])
  func errorsNameFileLineAndKey(yaml: String, expected: String) {
    #expect {
      _ = try RuntimeConfiguration.load(yaml: yaml, file: "c.yaml")
    } throws: { error in
      "\(error)".contains(expected)
    }
  }

  @Test func theSearchOrderIsOverrideConfigDirEtcShareCwdCheckout() throws {
    let search = ConfigurationSearch(
      environment: ["CLOAK_CONFIG_DIR": "/conf", "CLOAK_STATIONS_DIR": "/mine"], currentDirectory: "/work",
      executablePath: "/opt/cloak/bin/cloak", systemDirectory: "/etc/cloak")
    #expect(
      search.directories(for: .stations) == [
        "/mine", "/conf/stations", "/etc/cloak/stations", "/opt/cloak/share/cloak/stations", "/work/stations",
      ])
    #expect(search.configurationDirectories == ["/conf", "/etc/cloak"])
  }

  @Test func aCheckoutBuildHasNoInstalledShareDirectory() {
    let search = ConfigurationSearch(
      environment: [:], currentDirectory: "/work", executablePath: "/work/.build/debug/cloak")
    #expect(search.installedShareDirectory == nil)
  }

  @Test func theFirstDirectoryHoldingTheNameWinsAndAPathIsTakenAsGiven() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-search-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    for directory in ["conf/stations", "etc/stations"] {
      try FileManager.default.createDirectory(
        at: base.appendingPathComponent(directory), withIntermediateDirectories: true)
    }
    try "x".write(to: base.appendingPathComponent("etc/stations/demo.yaml"), atomically: true, encoding: .utf8)
    try "x".write(to: base.appendingPathComponent("etc/cloak.yaml"), atomically: true, encoding: .utf8)
    var search = ConfigurationSearch(
      environment: ["CLOAK_CONFIG_DIR": base.path + "/conf"], currentDirectory: "/nonexistent",
      executablePath: nil, systemDirectory: base.path + "/etc")
    #expect(search.locate("demo", kind: .stations) == base.path + "/etc/stations/demo.yaml")
    #expect(search.configurationFile() == base.path + "/etc/cloak.yaml")
    try "x".write(to: base.appendingPathComponent("conf/stations/demo.yaml"), atomically: true, encoding: .utf8)
    #expect(search.locate("demo", kind: .stations) == base.path + "/conf/stations/demo.yaml")
    #expect(search.locate("other/demo.yaml", kind: .stations) == "other/demo.yaml")
    search.systemDirectory = "/nonexistent"
    #expect(search.configurationFile() == nil)
  }
}
