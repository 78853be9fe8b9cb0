/// A register dump in any layout `i2cdump` (i2c-tools) prints for a byte-register chip.
///
/// - Byte layouts (modes `b`, `c`, `i`, `s` and `W`): a header
///   `     0  1  2 ... f    0123456789abcdef`, then rows `%02x: ` followed by 16 cells of
///   three characters each (`%02x `, `XX ` for a byte that could not be read, three
///   blanks for a register outside a `-r FIRST-LAST` range or past an SMBus block's
///   length), three blanks and the ASCII column. Row labels are multiples of 0x10.
/// - Word layout (mode `w`): a header `     0,8  1,9 ... 7,f`, then rows `%02x: `
///   followed by 8 cells of five characters (`%04x `, `XXXX `, or five blanks outside
///   the range); row labels are multiples of 8. The cell for register r is the SMBus
///   word read at r: its low byte is register r, its high byte register r + 1 (the chip
///   auto-increments), so the high byte fills r + 1 only where r + 1's own cell is absent.
///
/// Cells are read by position, so the blank cells of a range keep every value in its
/// column; a row whose cells are separated differently (tabs, collapsed blanks) is read
/// by tokens when it holds a full row of values. Rows may be missing. A register that is
/// absent or unreadable is nil; ``absent`` and ``unreadable`` tell which.
public struct RegisterDump: Hashable, Sendable {
  /// The 256 registers; nil where the dump has no readable value.
  public var values: [UInt8?]
  /// Registers the dump reads as `XX` (`XXXX` in word mode) and no other cell supplies.
  public var unreadable: Set<UInt8>

  /// The layout a dump was printed in.
  public enum Layout: String, Hashable, Sendable {
    /// 16 byte cells per row (`i2cdump` modes b, c, i, s, W).
    case bytes
    /// 8 word cells per row (`i2cdump` mode w).
    case words
  }

  public init(values: [UInt8?]) {
    var v = Array(values.prefix(256))
    if v.count < 256 { v += [UInt8?](repeating: nil, count: 256 - v.count) }
    self.values = v
    self.unreadable = []
  }

  /// Parses dump text in either layout (the header line decides; without one, the width
  /// of the first row's first value). `source` names the file in errors.
  public init(parsing text: String, source: String) throws(RegisterDumpError) {
    var values = [UInt8?](repeating: nil, count: 256)
    var failed = Set<UInt8>()
    var highBytes: [Int: UInt8] = [:]
    var failedHigh = Set<Int>()
    var layout: Layout?
    var rows = 0
    // By bytes: a Swift Character "\r\n" is one grapheme, so CRLF files split here.
    for (index, rawLine) in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      var line = Array(rawLine)
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      if layout == nil, Self.isWordHeader(line) { layout = .words }
      guard let (base, rest) = Self.rowLabel(line) else { continue }
      let mode = layout ?? Self.guessLayout(rest)
      layout = mode
      let cells: [Cell]
      switch mode {
      case .bytes:
        guard base & 0x0F == 0 else {
          throw RegisterDumpError(
            source: source, line: lineNumber, message: "row label \(hexByte(base)): is not a multiple of 0x10")
        }
        cells = try Self.cells(rest, width: 2, count: 16, source: source, line: lineNumber, label: base)
      case .words:
        guard base & 0x07 == 0 else {
          throw RegisterDumpError(
            source: source, line: lineNumber,
            message: "row label \(hexByte(base)): is not a multiple of 8 (word layout, i2cdump mode w)")
        }
        cells = try Self.cells(rest, width: 4, count: 8, source: source, line: lineNumber, label: base)
      }
      for (offset, cell) in cells.enumerated() {
        let register = Int(base) + offset
        switch cell {
        case .blank: continue
        case .unreadable:
          if register < 256 { failed.insert(UInt8(register)) }
          if mode == .words { failedHigh.insert(register + 1) }
        case .value(let value):
          if register < 256 { values[register] = UInt8(truncatingIfNeeded: value) }
          if mode == .words { highBytes[register + 1] = UInt8(truncatingIfNeeded: value >> 8) }
        }
      }
      rows += 1
    }
    guard rows > 0 else {
      throw RegisterDumpError(source: source, line: nil, message: "no i2cdump rows ('00: xx xx ...') found")
    }
    // Word layout: a high byte supplies register r + 1 only where r + 1's own word does not.
    for (register, byte) in highBytes where register < 256 && values[register] == nil {
      values[register] = byte
      failed.remove(UInt8(register))
    }
    for register in failedHigh where register < 256 && values[register] == nil { failed.insert(UInt8(register)) }
    for register in failed where values[Int(register)] != nil { failed.remove(register) }
    self.values = values
    self.unreadable = failed
  }

  /// The bytes of `range`, or the registers in it that are missing or unreadable.
  public func bytes(_ range: ClosedRange<UInt8>) -> Result<[UInt8], MissingRegisters> {
    var out: [UInt8] = []
    var missing: [UInt8] = []
    for register in range {
      if let v = values[Int(register)] { out.append(v) } else { missing.append(register) }
    }
    return missing.isEmpty
      ? .success(out)
      : .failure(
        MissingRegisters(
          absent: missing.filter { !unreadable.contains($0) }, unreadable: missing.filter { unreadable.contains($0) }))
  }

  /// Registers a decoder needs and the dump does not hold, named one by one (runs of
  /// consecutive registers as `first..last`).
  public struct MissingRegisters: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not in the dump at all (rows missing, or outside its `-r` range).
    public var absent: [UInt8]
    /// Printed as `XX`: the read failed.
    public var unreadable: [UInt8]

    public init(absent: [UInt8], unreadable: [UInt8]) {
      self.absent = absent
      self.unreadable = unreadable
    }

    /// Every missing register, ascending.
    public var registers: [UInt8] { (absent + unreadable).sorted() }

    public var description: String {
      var parts: [String] = []
      if !absent.isEmpty { parts.append("\(Self.runs(absent)) not in the dump") }
      if !unreadable.isEmpty { parts.append("\(Self.runs(unreadable)) unreadable (XX)") }
      return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }

    /// `0x88..0x8b, 0x9f`: consecutive registers as runs.
    static func runs(_ registers: [UInt8]) -> String {
      var runs: [(first: UInt8, last: UInt8)] = []
      for register in registers.sorted() {
        if let last = runs.last?.last, last < 0xFF, register == last + 1 {
          runs[runs.count - 1].last = register
        } else {
          runs.append((register, register))
        }
      }
      return runs.map { $0.first == $0.last ? hexByte($0.first) : "\(hexByte($0.first))..\(hexByte($0.last))" }
        .joined(separator: ", ")
    }
  }

  private enum Cell: Equatable {
    case blank
    case unreadable
    case value(UInt16)
  }

  /// `     0,8  1,9 ...`: the header of i2cdump's word mode.
  private static func isWordHeader(_ line: [UInt8]) -> Bool {
    String(decoding: line, as: UTF8.self).contains("0,8")
  }

  /// A row label `xx:` at the start of the line and the text after `xx: `.
  private static func rowLabel(_ line: [UInt8]) -> (UInt8, ArraySlice<UInt8>)? {
    guard line.count >= 3, line[2] == UInt8(ascii: ":"), let high = hexDigit(line[0]), let low = hexDigit(line[1])
    else { return nil }
    let rest = line.count > 3 && line[3] == UInt8(ascii: " ") ? line[4...] : line[3...]
    return (high << 4 | low, rest)
  }

  /// Without a header: a first value of four hex digits is the word layout.
  private static func guessLayout(_ rest: ArraySlice<UInt8>) -> Layout {
    let token = rest.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).first
    return token?.count == 4 ? .words : .bytes
  }

  /// The row's cells by position (`width` characters and one blank each); falls back to
  /// whitespace-separated tokens when the positions do not hold but the row has `count`
  /// values (a dump whose blanks were changed).
  private static func cells(
    _ rest: ArraySlice<UInt8>, width: Int, count: Int, source: String, line: Int, label: UInt8
  ) throws(RegisterDumpError) -> [Cell] {
    let text = Array(rest)
    var cells: [Cell] = []
    var positional = true
    for index in 0..<count {
      let start = index * (width + 1)
      guard start < text.count else {
        cells.append(.blank)
        continue
      }
      let end = min(start + width, text.count)
      let cell = text[start..<end]
      if end < start + width || (end < text.count && text[end] != UInt8(ascii: " ")) {
        if cell.allSatisfy({ $0 == UInt8(ascii: " ") }) && end == text.count {
          cells.append(.blank)
          continue
        }
        positional = false
        break
      }
      guard let parsed = parse(cell, width: width) else {
        positional = false
        break
      }
      cells.append(parsed)
    }
    if positional { return cells }
    let tokens = text.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
    var tokenCells: [Cell] = []
    for token in tokens.prefix(count) {
      guard token.count == width, let parsed = parse(token, width: width), parsed != .blank else { break }
      tokenCells.append(parsed)
    }
    guard tokenCells.count == count else {
      let bad = String(decoding: text, as: UTF8.self)
      throw RegisterDumpError(
        source: source, line: line,
        message: "row \(String(hexByte(label).dropFirst(2))): '\(bad)' is not \(count) cells of "
          + "\(width == 2 ? "xx, XX or blanks" : "xxxx, XXXX or blanks") as i2cdump prints them")
    }
    return tokenCells
  }

  private static func parse(_ cell: ArraySlice<UInt8>, width: Int) -> Cell? {
    if cell.allSatisfy({ $0 == UInt8(ascii: " ") }) { return .blank }
    if cell.allSatisfy({ $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "x") }) { return .unreadable }
    var value: UInt16 = 0
    for byte in cell {
      guard let digit = hexDigit(byte) else { return nil }
      value = value << 4 | UInt16(digit)
    }
    return .value(value)
  }

  private static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
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
