/// The BMP280/BME280 factory calibration (trimming) coefficients.
///
/// Read once after reset from 0x88..0x9F (12 little-endian words: dig_T1..T3,
/// dig_P1..P9; T1 and P1 unsigned) and, on the BME280, 0xA1 and 0xE1..0xE7.
public struct BMP280Calibration: Hashable, Sendable {
  public var t1: UInt16
  public var t2: Int16
  public var t3: Int16
  public var p1: UInt16
  public var p2: Int16
  public var p3: Int16
  public var p4: Int16
  public var p5: Int16
  public var p6: Int16
  public var p7: Int16
  public var p8: Int16
  public var p9: Int16
  /// BME280 humidity coefficients; nil on a BMP280.
  public var humidity: Humidity?

  /// BME280 humidity trimming (H4 and H5 are 12-bit signed values packed in 0xE4..0xE6).
  public struct Humidity: Hashable, Sendable {
    public var h1: UInt8
    public var h2: Int16
    public var h3: UInt8
    public var h4: Int16
    public var h5: Int16
    public var h6: Int8

    public init(h1: UInt8, h2: Int16, h3: UInt8, h4: Int16, h5: Int16, h6: Int8) {
      self.h1 = h1
      self.h2 = h2
      self.h3 = h3
      self.h4 = h4
      self.h5 = h5
      self.h6 = h6
    }

    /// Decodes `a1` (register 0xA1) and the 7 bytes at 0xE1..0xE7.
    public init?(a1: UInt8, e1: [UInt8]) {
      guard e1.count >= 7 else { return nil }
      h1 = a1
      h2 = Int16(bitPattern: UInt16(e1[0]) | UInt16(e1[1]) << 8)
      h3 = e1[2]
      // H4 = E4[7:0] << 4 | E5[3:0]; H5 = E6[7:0] << 4 | E5[7:4]; E4 and E6 are signed.
      h4 = Int16(Int8(bitPattern: e1[3])) * 16 | Int16(e1[4] & 0x0F)
      h5 = Int16(Int8(bitPattern: e1[5])) * 16 | Int16(e1[4] >> 4)
      h6 = Int8(bitPattern: e1[6])
    }

    /// The register image: (0xA1, 0xE1..0xE7). Inverse of ``init(a1:e1:)``.
    public var registerBytes: (a1: UInt8, e1: [UInt8]) {
      let h2u = UInt16(bitPattern: h2)
      let e4 = UInt8(truncatingIfNeeded: h4 >> 4)
      let e6 = UInt8(truncatingIfNeeded: h5 >> 4)
      let e5 = UInt8(truncatingIfNeeded: h4 & 0x0F) | UInt8(truncatingIfNeeded: (h5 & 0x0F) << 4)
      return (
        h1,
        [
          UInt8(truncatingIfNeeded: h2u), UInt8(truncatingIfNeeded: h2u >> 8), h3, e4, e5, e6,
          UInt8(bitPattern: h6),
        ]
      )
    }
  }

  public init(
    t1: UInt16, t2: Int16, t3: Int16, p1: UInt16, p2: Int16, p3: Int16, p4: Int16, p5: Int16, p6: Int16,
    p7: Int16, p8: Int16, p9: Int16, humidity: Humidity? = nil
  ) {
    self.t1 = t1
    self.t2 = t2
    self.t3 = t3
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.p5 = p5
    self.p6 = p6
    self.p7 = p7
    self.p8 = p8
    self.p9 = p9
    self.humidity = humidity
  }

  /// Decodes the 24 bytes at 0x88..0x9F. Returns nil if fewer bytes are given.
  public init?(bytes: [UInt8], humidity: Humidity? = nil) {
    guard bytes.count >= 24 else { return nil }
    func word(_ i: Int) -> UInt16 { UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8 }
    func signed(_ i: Int) -> Int16 { Int16(bitPattern: word(i)) }
    self.init(
      t1: word(0), t2: signed(1), t3: signed(2), p1: word(3), p2: signed(4), p3: signed(5), p4: signed(6),
      p5: signed(7), p6: signed(8), p7: signed(9), p8: signed(10), p9: signed(11), humidity: humidity)
  }

  /// The 24-byte register image of 0x88..0x9F. Inverse of ``init(bytes:humidity:)``.
  public var registerBytes: [UInt8] {
    let words: [UInt16] = [
      t1, UInt16(bitPattern: t2), UInt16(bitPattern: t3), p1, UInt16(bitPattern: p2), UInt16(bitPattern: p3),
      UInt16(bitPattern: p4), UInt16(bitPattern: p5), UInt16(bitPattern: p6), UInt16(bitPattern: p7),
      UInt16(bitPattern: p8), UInt16(bitPattern: p9),
    ]
    return words.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
  }

  /// The datasheet's worked example (BMP280 datasheet section 3.12 / 8.1), no humidity.
  public static let datasheetExample = BMP280Calibration(
    t1: 27504, t2: 26435, t3: -1000, p1: 36477, p2: -10685, p3: 3024, p4: 2855, p5: 140, p6: -7, p7: 15500,
    p8: -14600, p9: 6000)

  /// A plausible BME280 humidity trimming (values typical of production parts).
  public static let typicalHumidity = Humidity(h1: 75, h2: 362, h3: 0, h4: 324, h5: 50, h6: 30)

  /// Structural checks that need no sample: coefficients that make a formula divide by
  /// zero or return 0 for every input. Overflow that depends on the raw value is
  /// checked on every sample by the compensation functions.
  public func validate() throws(CompensationError) {
    if p1 == 0 { throw .divisionByZero(step: "dig_P1 = 0 (pressure divisor)") }
    if t1 == 0 && t2 == 0 { throw .implausibleResult(step: "dig_T1 = dig_T2 = 0 (temperature)") }
    if let humidity, humidity.h2 == 0 {
      throw .implausibleResult(step: "dig_H2 = 0 (humidity always 0)")
    }
  }
}
