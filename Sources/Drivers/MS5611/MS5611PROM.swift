/// The MS5611's factory PROM: 8 big-endian 16-bit words read with commands 0xA0 + 2i.
/// Word 0 is factory data, words 1...6 are the coefficients C1...C6, word 7 holds the
/// serial code and, in its low 4 bits, a CRC-4 over all eight words (AN520).
public struct MS5611PROM: Hashable, Sendable {
  public var words: [UInt16]

  public init(words: [UInt16]) {
    var w = Array(words.prefix(8))
    if w.count < 8 { w += [UInt16](repeating: 0, count: 8 - w.count) }
    self.words = w
  }

  /// Builds a PROM from C1...C6 with a valid CRC in word 7.
  public init(c: [UInt16], factory: UInt16 = 0x0000, serial: UInt16 = 0x4500) {
    var coefficients = Array(c.prefix(6))
    if coefficients.count < 6 { coefficients += [UInt16](repeating: 0, count: 6 - coefficients.count) }
    var w = [factory] + coefficients + [serial & 0xFFF0]
    w[7] |= UInt16(MS5611PROM.crc4(w))
    self.words = w
  }

  /// The datasheet example's coefficients: C1...C6 = 40127, 36924, 23317, 23282, 33464, 28312.
  public static let datasheetExample = MS5611PROM(c: [40127, 36924, 23317, 23282, 33464, 28312])

  /// C1...C6 (index 1...6).
  public func c(_ index: Int) -> UInt16 { (1...6).contains(index) ? words[index] : 0 }

  /// The CRC stored in word 7's low nibble.
  public var storedCRC: UInt8 { UInt8(truncatingIfNeeded: words[7] & 0x000F) }

  /// AN520's CRC-4: polynomial 0x3 over the 16 bytes, with word 7's CRC nibble
  /// treated as zero (only its high byte counts, as in the application note).
  public static func crc4(_ words: [UInt16]) -> UInt8 {
    var remainder: UInt16 = 0
    for count in 0..<16 {
      let word = count >> 1 < words.count ? words[count >> 1] : 0
      let masked = count >> 1 == 7 ? word & 0xFF00 : word
      remainder ^= count % 2 == 1 ? masked & 0x00FF : masked >> 8
      for _ in 0..<8 {
        remainder = remainder & 0x8000 != 0 ? (remainder << 1) ^ 0x3000 : remainder << 1
      }
    }
    return UInt8(truncatingIfNeeded: (remainder >> 12) & 0x000F)
  }

  /// Checks the CRC and rejects PROMs that read as all zeros or all ones (a floating or
  /// absent bus), and zero coefficients (which make the formulas meaningless).
  public func validate() throws(MS5611PROMError) {
    if words.allSatisfy({ $0 == 0 }) || words.allSatisfy({ $0 == 0xFFFF }) { throw .blank }
    let computed = MS5611PROM.crc4(words)
    if computed != storedCRC { throw .crc(stored: storedCRC, computed: computed) }
    if let zero = (1...6).first(where: { c($0) == 0 }) { throw .zeroCoefficient(zero) }
  }
}

/// Why a PROM was rejected.
public enum MS5611PROMError: Error, Hashable, Sendable, CustomStringConvertible {
  case blank
  case crc(stored: UInt8, computed: UInt8)
  case zeroCoefficient(Int)

  public var description: String {
    switch self {
    case .blank: return "PROM reads all zeros or all ones"
    case .crc(let stored, let computed): return "PROM CRC-4 stored \(stored), computed \(computed)"
    case .zeroCoefficient(let i): return "PROM coefficient C\(i) is 0"
    }
  }
}
