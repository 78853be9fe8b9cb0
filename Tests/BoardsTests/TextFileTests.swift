import Boards
import Foundation
import Testing

/// The one loader for the CLI's files: every failure names the path and the real cause.
@Suite("Text file loader")
struct TextFileTests {
  static func temporary(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-textfile-\(getpid())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
  }

  @Test("a directory is a directory, not 'not UTF-8'")
  func directory() {
    #expect(throws: TextFileError(path: "/etc", kind: .isDirectory)) { try TextFile.read("/etc") }
    #expect(TextFileError(path: "/etc", kind: .isDirectory).description == "/etc: is a directory, not a file")
  }

  @Test("an endless character device is refused without reading it")
  func endlessDevice() {
    #expect {
      try TextFile.read("/dev/urandom")
    } throws: { error in
      guard let error = error as? TextFileError, case .notRegularFile(let what) = error.kind else { return false }
      return what == "a character device" && error.description.hasPrefix("/dev/urandom: is a character device")
    }
  }

  @Test("a FIFO is refused at once (no blocking open, no endless read)")
  func fifo() throws {
    let path = Self.temporary("fifo")
    unlink(path)
    try #require(mkfifo(path, 0o600) == 0)
    defer { unlink(path) }
    #expect(throws: TextFileError(path: path, kind: .notRegularFile("a pipe (FIFO)"))) { try TextFile.read(path) }
  }

  @Test("a file over the limit is refused naming the limit")
  func tooLarge() throws {
    let path = Self.temporary("large.txt")
    try String(repeating: "x", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: TextFileError(path: path, kind: .tooLarge(limit: 99))) { try TextFile.read(path, limit: 99) }
    #expect(try TextFile.read(path, limit: 100).count == 100)
  }

  @Test("bytes that are not UTF-8 are refused naming the line")
  func notUTF8() throws {
    let path = Self.temporary("latin1.txt")
    try Data("one\ntwo\nth\u{00}".utf8 + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
    #expect(throws: TextFileError(path: path, kind: .notUTF8(line: 3))) { try TextFile.read(path) }
  }

  @Test("a missing file is 'no such file'")
  func missing() {
    #expect(throws: TextFileError(path: "/nonexistent/x.yaml", kind: .notFound)) {
      try TextFile.read("/nonexistent/x.yaml")
    }
  }

  @Test("board loading names the real cause: a directory is unreadable as a board file, not missing")
  func boardLoaderUsesIt() {
    #expect {
      _ = try BoardLoader.load(path: "/etc")
    } throws: { error in
      let first = (error as? BoardLoadError)?.errors.first
      return first?.kind == .fileUnreadable && first?.description == "/etc: is a directory, not a file"
    }
    #expect {
      _ = try BoardLoader.load(path: "/dev/urandom")
    } throws: { error in (error as? BoardLoadError)?.errors.first?.kind == .fileUnreadable }
  }
}
