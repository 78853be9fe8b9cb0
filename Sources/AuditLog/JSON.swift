/// A strict RFC 8259 JSON reader that keeps the exact bytes of every value: the audit log
/// stores entries as the bytes it was given, and a command envelope's signature covers the
/// command object's bytes as they appear in the envelope, so both need the raw span, not a
/// re-serialisation. Duplicate object keys are rejected at every depth (two readers picking
/// different duplicates is a classic signature bypass), as are trailing commas, leading
/// zeros, unescaped control characters, lone surrogates and invalid UTF-8.
public indirect enum JSONValue: Sendable, Equatable {
  case object([JSONMember])
  case array([JSONValue])
  case string(String)
  /// The number's text as written (e.g. `12.50`); see `JSONValue.double`.
  case number(String)
  case bool(Bool)
  case null

  /// Parses one JSON value filling all of `bytes` (surrounding whitespace allowed).
  /// - Throws: `JSONError` with the byte offset of the first problem.
  public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONError) -> JSONValue {
    var reader = JSONReader(bytes: bytes, maxDepth: maxDepth)
    reader.skipWhitespace()
    let value = try reader.value(depth: 0)
    reader.skipWhitespace()
    guard reader.position == bytes.count else {
      throw JSONError(offset: reader.position, reason: "text after the value")
    }
    return value
  }

  /// The members of an object; nil for other values.
  public var members: [JSONMember]? {
    if case .object(let members) = self { return members }
    return nil
  }

  /// The value of member `key` of an object; nil when absent or not an object.
  public subscript(key: String) -> JSONValue? {
    members?.first { $0.key == key }?.value
  }

  public var string: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  public var double: Double? {
    if case .number(let text) = self { return Double(text) }
    return nil
  }

  /// An integer number written without fraction or exponent that fits 64 bits; nil otherwise.
  public var int64: Int64? {
    if case .number(let text) = self { return Int64(text) }
    return nil
  }

  /// A non-negative integer written without fraction or exponent that fits 64 bits.
  public var uint64: UInt64? {
    if case .number(let text) = self { return UInt64(text) }
    return nil
  }
}

/// One member of a JSON object, with the byte range of its value in the parsed text.
public struct JSONMember: Sendable, Equatable {
  public let key: String
  public let value: JSONValue
  /// Byte offsets of the value's text (first byte ..< one past the last) in the parsed input.
  public let valueRange: Range<Int>
}

/// A JSON syntax error at a byte offset.
public struct JSONError: Error, Equatable, CustomStringConvertible {
  public let offset: Int
  public let reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

private struct JSONReader {
  let bytes: [UInt8]
  let maxDepth: Int
  var position = 0

  init(bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  func fail(_ reason: String, at offset: Int? = nil) -> JSONError {
    JSONError(offset: offset ?? position, reason: reason)
  }

  mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  mutating func value(depth: Int) throws(JSONError) -> JSONValue {
    guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth)") }
    guard let byte = peek() else { throw fail("unexpected end of input") }
    switch byte {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
    default: throw fail("unexpected character")
    }
  }

  mutating func literal(_ word: String) throws(JSONError) {
    let expected = Array(word.utf8)
    guard bytes.count - position >= expected.count, Array(bytes[position..<position + expected.count]) == expected
    else {
      throw fail("expected '\(word)'")
    }
    position += expected.count
  }

  mutating func object(depth: Int) throws(JSONError) -> JSONValue {
    position += 1
    var members: [JSONMember] = []
    var keys = Set<String>()
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
      let keyOffset = position
      let key = try string()
      guard keys.insert(key).inserted else { throw fail("duplicate member name '\(key)'", at: keyOffset) }
      skipWhitespace()
      guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
      position += 1
      skipWhitespace()
      let start = position
      let member = try value(depth: depth + 1)
      members.append(JSONMember(key: key, value: member, valueRange: start..<position))
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        return .object(members)
      default: throw fail("expected ',' or '}'")
      }
    }
  }

  mutating func array(depth: Int) throws(JSONError) -> JSONValue {
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try value(depth: depth + 1))
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        return .array(elements)
      default: throw fail("expected ',' or ']'")
      }
    }
  }

  mutating func digits() -> Int {
    let start = position
    while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    return position - start
  }

  mutating func number() throws(JSONError) -> String {
    let start = position
    if peek() == UInt8(ascii: "-") { position += 1 }
    if peek() == UInt8(ascii: "0") {
      position += 1
      if let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { throw fail("leading zero") }
    } else if digits() == 0 {
      throw fail("expected a digit")
    }
    if peek() == UInt8(ascii: ".") {
      position += 1
      guard digits() > 0 else { throw fail("expected a digit after '.'") }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      position += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw fail("expected a digit in the exponent") }
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  mutating func hex4() throws(JSONError) -> UInt32 {
    guard bytes.count - position >= 4 else { throw fail("short \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw fail("bad hex digit in \\u escape")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  mutating func string() throws(JSONError) -> String {
    let open = position
    position += 1
    var scalars = String.UnicodeScalarView()
    var runStart = position
    func flush(_ end: Int) throws(JSONError) {
      guard runStart < end else { return }
      guard let text = String(validating: bytes[runStart..<end], as: UTF8.self) else {
        throw JSONError(offset: runStart, reason: "invalid UTF-8 in a string")
      }
      scalars.append(contentsOf: text.unicodeScalars)
    }
    while true {
      guard let byte = peek() else { throw fail("unterminated string", at: open) }
      switch byte {
      case UInt8(ascii: "\""):
        try flush(position)
        position += 1
        return String(scalars)
      case UInt8(ascii: "\\"):
        try flush(position)
        position += 1
        guard let escape = peek() else { throw fail("unterminated escape") }
        position += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          if code >= 0xD800 && code < 0xDC00 {
            guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
              bytes[position + 1] == UInt8(ascii: "u")
            else { throw fail("lone high surrogate") }
            position += 2
            let low = try hex4()
            guard low >= 0xDC00 && low < 0xE000 else { throw fail("bad low surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if code >= 0xDC00 && code < 0xE000 {
            throw fail("lone low surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point") }
          scalars.append(scalar)
        default: throw fail("invalid escape")
        }
        runStart = position
      case 0x00..<0x20:
        throw fail("unescaped control character in a string")
      default:
        position += 1
      }
    }
  }
}

extension JSONValue {
  /// Minimal JSON text of a string value (quotes, backslash and control characters escaped).
  public static func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
