/// A register dump in the text format `i2cdump -y BUS ADDR i` prints: a header line,
/// then rows `80: xx xx ... xx    ascii` (16 values per row, `XX` for a byte that could
/// not be read). Rows may be missing; a missing or `XX` byte is nil.
public struct RegisterDump: Hashable, Sendable {
  /// The 256 registers; nil where the dump has no readable value.
  public var values: [UInt8?]

  public init(values: [UInt8?]) {
    var v = Array(values.prefix(256))
    if v.count < 256 { v += [UInt8?](repeating: nil, count: 256 - v.count) }
    self.values = v
  }

  /// Parses dump text. `source` names the file in errors.
  public init(parsing text: String, source: String) throws(RegisterDumpError) {
    var values = [UInt8?](repeating: nil, count: 256)
    var rows = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      guard let colon = trimmed.firstIndex(of: ":") else { continue }
      let label = trimmed[..<colon]
      // The header line ("     0  1  2 ...") has no colon; other text lines are not rows.
      guard label.count == 2, let base = UInt8(label, radix: 16) else { continue }
      guard base & 0x0F == 0 else {
        throw RegisterDumpError(
          source: source, line: lineNumber, message: "row label \(label): is not a multiple of 0x10")
      }
      let tokens = trimmed[trimmed.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
      var count = 0
      for token in tokens.prefix(16) {
        if token == "XX" || token == "xx" {
          values[Int(base) + count] = nil
        } else if token.count == 2, let byte = UInt8(token, radix: 16) {
          values[Int(base) + count] = byte
        } else {
          break
        }
        count += 1
      }
      guard count == 16 else {
        throw RegisterDumpError(
          source: source, line: lineNumber, message: "row \(label): has \(count) values, expected 16")
      }
      rows += 1
    }
    guard rows > 0 else {
      throw RegisterDumpError(source: source, line: nil, message: "no i2cdump rows ('00: xx xx ...') found")
    }
    self.values = values
  }

  /// The bytes of `range`, or the registers in it that are missing or unreadable.
  public func bytes(_ range: ClosedRange<UInt8>) -> Result<[UInt8], MissingRegisters> {
    var out: [UInt8] = []
    var missing: [UInt8] = []
    for register in range {
      if let v = values[Int(register)] { out.append(v) } else { missing.append(register) }
    }
    return missing.isEmpty ? .success(out) : .failure(MissingRegisters(registers: missing))
  }

  /// Registers absent from a dump.
  public struct MissingRegisters: Error, Hashable, Sendable, CustomStringConvertible {
    public var registers: [UInt8]
    public var description: String {
      guard let first = registers.first, let last = registers.last else { return "none" }
      return registers.count == 1 ? hexByte(first) : "\(registers.count) of them, \(hexByte(first))..\(hexByte(last))"
    }
  }
}

/// A dump file that cannot be parsed or decoded; names the file and, where known, the line.
public struct RegisterDumpError: Error, Hashable, Sendable, CustomStringConvertible {
  public var source: String
  public var line: Int?
  public var message: String

  public init(source: String, line: Int?, message: String) {
    self.source = source
    self.line = line
    self.message = message
  }

  public var description: String {
    if let line { return "\(source):\(line): \(message)" }
    return "\(source): \(message)"
  }
}

func hexByte(_ value: UInt8) -> String {
  let digits = String(value, radix: 16)
  return "0x" + (digits.count < 2 ? "0" + digits : digits)
}
