import Boards
import Foundation
import Testing

@Suite("Board catalogue and model check")
struct BoardCatalogTests {
  /// A fresh directory holding `files` (name -> contents).
  static func directory(_ files: [String: String]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-boards-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return url.path
  }

  static func board(named name: String) -> String {
    BoardFixtures.minimal.replacingOccurrences(of: "name: bad", with: "name: \(name)")
  }

  @Test("CLOAK_BOARDS_DIR comes first, then the configuration directories, then ./boards")
  func searchOrder() throws {
    let explicit = try Self.directory(["mine.yaml": Self.board(named: "mine")])
    defer { try? FileManager.default.removeItem(atPath: explicit) }
    let catalog = BoardCatalog.standard(
      environment: ["CLOAK_BOARDS_DIR": explicit, "CLOAK_CONFIG_DIR": "/conf"], currentDirectory: "/nonexistent",
      executablePath: nil)
    #expect(catalog.directories == [explicit, "/conf/boards", "/etc/cloak/boards", "/nonexistent/boards"])
    #expect(try catalog.locate("mine") == explicit + "/mine.yaml")
    #expect(try catalog.load("mine").name == "mine")
  }

  @Test("an earlier directory's board wins over a later one of the same name")
  func firstDirectoryWins() throws {
    let first = try Self.directory(["sim.yaml": Self.board(named: "sim")])
    defer { try? FileManager.default.removeItem(atPath: first) }
    let second = try Self.directory(["sim.yaml": "not even yaml: [", "other.yaml": Self.board(named: "other")])
    defer { try? FileManager.default.removeItem(atPath: second) }
    let catalog = BoardCatalog(directories: [first, second])
    #expect(catalog.boards().map(\.name) == ["other", "sim"])
    #expect(catalog.boards().first { $0.name == "sim" }?.path == first + "/sim.yaml")
    #expect(try catalog.load("sim").name == "sim")
  }

  @Test("the package root is found above the executable")
  func packageRoot() throws {
    let root = try Self.directory(["Package.swift": "// package"])
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root + "/boards", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/.build/debug", withIntermediateDirectories: true)
    let catalog = BoardCatalog.standard(
      environment: [:], currentDirectory: "/nonexistent", executablePath: root + "/.build/debug/cloak")
    #expect(catalog.directories.last == URL(fileURLWithPath: root).resolvingSymlinksInPath().path + "/boards")
  }

  @Test("an unknown name says where it looked")
  func unknownName() throws {
    let catalog = BoardCatalog(directories: ["/nonexistent/boards"])
    do {
      _ = try catalog.load("nope")
      Issue.record("loaded a board that does not exist")
    } catch {
      #expect(error.errors.count == 1)
      #expect(error.errors.first?.kind == .fileNotFound)
      #expect(error.errors.first?.message.contains("/nonexistent/boards") == true)
    }
  }

  @Test("a path is loaded as given and its name must match the file")
  func pathsAreLoadedAsGiven() throws {
    let directory = try Self.directory(["renamed.yaml": Self.board(named: "original")])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(BoardCatalog.isPath(directory + "/renamed.yaml"))
    #expect(!BoardCatalog.isPath("raspberry-pi-4"))
    do {
      _ = try BoardCatalog(directories: []).load(directory + "/renamed.yaml")
      Issue.record("name mismatch accepted")
    } catch {
      #expect(error.errors.map(\.kind) == [.badValue])
      #expect(error.errors.first?.file == directory + "/renamed.yaml")
      #expect(error.errors.first?.keyPath == "name")
    }
  }

  @Test("the device-tree model is a prefix match, and a mismatch is reported, not fatal")
  func modelCheck() throws {
    let board = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("raspberry-pi-4")
    #expect(board.checkModel(actual: "Raspberry Pi 4 Model B Rev 1.4") == .match)
    #expect(
      board.checkModel(actual: "Raspberry Pi 5 Model B Rev 1.0")
        == .mismatch(expected: "Raspberry Pi 4 Model B", actual: "Raspberry Pi 5 Model B Rev 1.0"))
    guard case .notChecked = board.checkModel(actual: nil) else {
      Issue.record("no device tree must not count as a match or mismatch")
      return
    }
    let sim = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("sim")
    guard case .notChecked = sim.checkModel(actual: "Raspberry Pi 4 Model B Rev 1.4") else {
      Issue.record("sim expects no model")
      return
    }
  }

  @Test("the model file's trailing NUL is stripped")
  func readsModelFile() throws {
    let directory = try Self.directory(["model": "TI AM335x BeagleBone Black\u{0}"])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(DeviceTreeModel.read(path: directory + "/model") == "TI AM335x BeagleBone Black")
    #expect(DeviceTreeModel.read(path: directory + "/absent") == nil)
  }
}
