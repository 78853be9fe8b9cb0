/// The audit log file format, version 1 (docs/audit-log.md). UTF-8 text, one record per
/// line, every record ending in LF (0x0A); a record is complete only with its LF:
///
///     cloak-audit-log v1 ORIGIN VKEY            header: log name and checkpoint key
///     e INDEX ROOT ENTRY                        entry: index from 0, RFC 9162 root of the
///                                               tree of entries 0...INDEX (base64), the
///                                               entry's exact JSON bytes (no LF inside)
///     c NOTE                                    checkpoint: base64 of a signed C2SP
///                                               tlog-checkpoint note
///
/// Bytes after the last LF are a torn tail (a write cut short), never a record.
public enum AuditLogFormat {
  /// The first word of the header line.
  public static let magic = "cloak-audit-log"
  /// The format version this code writes and reads.
  public static let version = "v1"

  /// The header line (with its LF).
  public static func header(origin: String, vkey: String) -> [UInt8] {
    Array("\(magic) \(version) \(origin) \(vkey)\n".utf8)
  }

  /// An entry record (with its LF).
  public static func entryRecord(index: Int, root: TreeHash, entry: [UInt8]) -> [UInt8] {
    Array("e \(index) \(root.base64) ".utf8) + entry + [0x0A]
  }

  /// A checkpoint record (with its LF).
  public static func checkpointRecord(signedNote: String) -> [UInt8] {
    Array("c \(Base64.encode(Array(signedNote.utf8)))\n".utf8)
  }

  /// Checks that an entry is one JSON object with no LF byte, as the format requires, and
  /// returns it parsed.
  public static func validateEntry(_ entry: [UInt8]) throws(AuditEntryError) -> JSONValue {
    if let lf = entry.firstIndex(of: 0x0A) { throw .containsNewline(offset: lf) }
    let value: JSONValue
    do { value = try JSONValue.parse(entry) } catch { throw .invalidJSON(error) }
    guard value.members != nil else { throw .notAnObject }
    return value
  }
}

/// Why an entry cannot go into the log.
public enum AuditEntryError: Error, Equatable, CustomStringConvertible {
  /// The entry holds an LF byte (records are LF-terminated; JSON needs none outside strings).
  case containsNewline(offset: Int)
  case invalidJSON(JSONError)
  /// Valid JSON, but not an object.
  case notAnObject

  public var description: String {
    switch self {
    case .containsNewline(let offset): "audit entry holds a newline at byte \(offset); entries are one line of JSON"
    case .invalidJSON(let error): "audit entry is not JSON: \(error)"
    case .notAnObject: "audit entry is not a JSON object"
    }
  }
}

/// One complete record of a log file, where it is, and what it says.
public struct AuditRecord: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case header(origin: String, vkey: String)
    case entry(index: Int, root: TreeHash, entry: [UInt8])
    case checkpoint(signedNote: String)
  }

  /// Byte offset of the record's first byte in the file.
  public let offset: Int
  /// Record length in bytes including its LF.
  public let length: Int
  public let kind: Kind
}

/// A record that does not parse.
public struct MalformedRecord: Error, Sendable, Equatable {
  public let offset: Int
  public let reason: String
}

extension AuditLogFormat {
  /// Splits a file into its complete records and its torn tail.
  /// - Returns: the records (parsed or malformed, in file order) and the offset of the torn
  ///   tail (bytes after the last LF), nil when the file ends in LF.
  public static func split(_ bytes: [UInt8]) -> (records: [Result<AuditRecord, MalformedRecord>], tornTailOffset: Int?)
  {
    var records: [Result<AuditRecord, MalformedRecord>] = []
    var start = 0
    var position = 0
    while position < bytes.count {
      if bytes[position] == 0x0A {
        records.append(parseRecord(bytes[start..<position], offset: start, first: start == 0))
        start = position + 1
      }
      position += 1
    }
    return (records, start < bytes.count ? start : nil)
  }

  static func parseRecord(_ line: ArraySlice<UInt8>, offset: Int, first: Bool) -> Result<AuditRecord, MalformedRecord> {
    func bad(_ reason: String) -> Result<AuditRecord, MalformedRecord> {
      .failure(MalformedRecord(offset: offset, reason: reason))
    }
    let length = line.count + 1
    if first {
      guard let text = String(validating: line, as: UTF8.self) else { return bad("header is not UTF-8") }
      let fields = text.split(separator: " ", omittingEmptySubsequences: false)
      guard fields.count == 4, fields[0] == magic else { return bad("not a cloak audit log header") }
      guard fields[1] == version else { return bad("unsupported format version '\(fields[1])'") }
      return .success(
        AuditRecord(offset: offset, length: length, kind: .header(origin: String(fields[2]), vkey: String(fields[3]))))
    }
    guard line.count >= 2, line[line.startIndex + 1] == UInt8(ascii: " ") else { return bad("unknown record") }
    let body = line.dropFirst(2)
    switch line[line.startIndex] {
    case UInt8(ascii: "e"):
      guard let space1 = body.firstIndex(of: UInt8(ascii: " ")),
        let space2 = body[(space1 + 1)...].firstIndex(of: UInt8(ascii: " "))
      else { return bad("entry record is not 'e INDEX ROOT ENTRY'") }
      let indexText = String(decoding: body[..<space1], as: UTF8.self)
      guard let index = Int(indexText), index >= 0, String(index) == indexText else {
        return bad("entry index '\(indexText)' is not a decimal number")
      }
      guard let root = TreeHash(base64: String(decoding: body[(space1 + 1)..<space2], as: UTF8.self)) else {
        return bad("entry tree head is not base64 of 32 bytes")
      }
      return .success(
        AuditRecord(
          offset: offset, length: length, kind: .entry(index: index, root: root, entry: Array(body[(space2 + 1)...]))))
    case UInt8(ascii: "c"):
      guard let decoded = Base64.decode(String(decoding: body, as: UTF8.self)),
        let note = String(validating: decoded, as: UTF8.self)
      else { return bad("checkpoint record is not base64 of UTF-8 text") }
      return .success(AuditRecord(offset: offset, length: length, kind: .checkpoint(signedNote: note)))
    default:
      return bad("unknown record")
    }
  }
}
