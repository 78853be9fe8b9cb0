import AuditLog
import Synchronization

/// The highest accepted sequence number per ground key, kept durably in one small file:
/// `cloak-replay-guard v1` then one `KEY_ID SEQ` line per key. Each acceptance rewrites it
/// with `DurableFile.replace` (temporary file, fsync, rename, fsync of the directory)
/// BEFORE the command is reported accepted, so after a restart or a power cut the file
/// holds at least every sequence number the controller acted on.
///
/// A file that does not exist is an empty guard (first start). A file that does not parse
/// is an error: the guard refuses to start rather than forget (docs/command-envelopes.md).
public final class ReplayGuard: Sendable {
  public let path: String
  private let highest: Mutex<[String: UInt64]>
  /// The file's first line.
  public static let header = "cloak-replay-guard v1"

  /// Loads the guard's file.
  /// - Throws: `ReplayGuardError` naming the file and line when it exists but does not parse.
  public init(path: String) throws(ReplayGuardError) {
    self.path = path
    var table: [String: UInt64] = [:]
    let bytes: [UInt8]
    do { bytes = try DurableFile.read(path) } catch {
      guard error.isNotFound else { throw .file(error) }
      bytes = Array("\(Self.header)\n".utf8)
    }
    guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else {
      throw .malformed(path: path, line: 1, detail: "not UTF-8 text ending in a newline")
    }
    let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first == Substring(Self.header) else {
      throw .malformed(path: path, line: 1, detail: "expected '\(Self.header)'")
    }
    for (number, line) in lines.enumerated().dropFirst() {
      let fields = line.split(separator: " ", omittingEmptySubsequences: false)
      guard fields.count == 2, let sequence = UInt64(fields[1]), table[String(fields[0])] == nil else {
        throw .malformed(path: path, line: number + 1, detail: "expected 'KEY_ID SEQUENCE', once per key")
      }
      table[String(fields[0])] = sequence
    }
    highest = Mutex(table)
  }

  /// The highest accepted sequence number of a key; nil when none was accepted.
  public func highestAccepted(keyId: String) -> UInt64? {
    highest.withLock { $0[keyId] }
  }

  /// Accepts `sequence` for `keyId` if it is above the highest accepted: stores it durably,
  /// then returns nil. Otherwise returns the highest accepted (a replay) and stores nothing.
  /// Check and store happen under one lock, so two equal envelopes racing cannot both pass.
  /// - Throws: `ReplayGuardError.file` when the store fails; the sequence is then not accepted.
  public func accept(keyId: String, sequence: UInt64) throws(ReplayGuardError) -> UInt64? {
    try highest.withLock { (table: inout [String: UInt64]) throws(ReplayGuardError) -> UInt64? in
      if let previous = table[keyId], sequence <= previous { return previous }
      var next = table
      next[keyId] = sequence
      let body = next.keys.sorted().map { "\($0) \(next[$0] ?? 0)\n" }.joined()
      do throws(FileError) { try DurableFile.replace(path, with: Array("\(Self.header)\n\(body)".utf8)) } catch {
        throw .file(error)
      }
      table = next
      return nil
    }
  }
}

/// The replay guard's file cannot be used.
public enum ReplayGuardError: Error, Equatable, CustomStringConvertible {
  case file(FileError)
  case malformed(path: String, line: Int, detail: String)

  public var description: String {
    switch self {
    case .file(let error): "replay guard: \(error)"
    case .malformed(let path, let line, let detail): "\(path):\(line): replay guard: \(detail)"
    }
  }
}
