/// The MS5611 datasheet's first- and second-order compensation in integer arithmetic.
///
/// Every `/ 2^n` of the datasheet is an arithmetic right shift (floor for negative
/// values): the published second-order figures depend on it. With 16-bit coefficients
/// and 24-bit raw values every intermediate fits in Int64 (the largest, D1 * SENS, is
/// below 2^62 with the second-order SENS2 included), so plain arithmetic cannot trap
/// here; a test runs every corner of those ranges.
public enum MS5611Compensation {
  /// The intermediate and final values, for tests and diagnostics.
  public struct Result: Hashable, Sendable {
    public var dT: Int64
    /// 0.01 C, after second-order correction.
    public var temperature: Int64
    public var off: Int64
    public var sens: Int64
    /// Pa (0.01 mbar).
    public var pressure: Int64
  }

  /// Compensates raw `d1` (pressure) and `d2` (temperature). Throws for values that are
  /// not 24-bit or are 0 (an ADC read before the conversion ended returns 0).
  public static func compensate(d1: UInt32, d2: UInt32, prom: MS5611PROM, secondOrder: Bool = true)
    throws(CompensationError) -> Result
  {
    guard d1 > 0, d1 < 1 << 24 else { throw .invalidRaw("D1 \(d1)") }
    var r = try temperature(d2: d2, prom: prom, secondOrder: secondOrder)
    r.pressure = (((Int64(d1) * r.sens) >> 21) - r.off) >> 15
    guard r.pressure > 0 else { throw .implausibleResult(step: "pressure \(r.pressure) Pa") }
    return r
  }

  /// The temperature half: dT, TEMP, OFF and SENS (second-order corrected below 20 C)
  /// from D2 alone; `pressure` is left 0.
  public static func temperature(d2: UInt32, prom: MS5611PROM, secondOrder: Bool = true) throws(CompensationError)
    -> Result
  {
    guard d2 > 0, d2 < 1 << 24 else { throw .invalidRaw("D2 \(d2)") }
    let c1 = Int64(prom.c(1))
    let c2 = Int64(prom.c(2))
    let c3 = Int64(prom.c(3))
    let c4 = Int64(prom.c(4))
    let c5 = Int64(prom.c(5))
    let c6 = Int64(prom.c(6))
    let dT = Int64(d2) - (c5 << 8)
    var temp = 2000 + ((dT * c6) >> 23)
    var off = (c2 << 16) + ((c4 * dT) >> 7)
    var sens = (c1 << 15) + ((c3 * dT) >> 8)
    if secondOrder && temp < 2000 {
      let t2 = (dT * dT) >> 31
      let low = (temp - 2000) * (temp - 2000)
      var off2 = (5 * low) >> 1
      var sens2 = (5 * low) >> 2
      if temp < -1500 {
        let veryLow = (temp + 1500) * (temp + 1500)
        off2 += 7 * veryLow
        sens2 += (11 * veryLow) >> 1
      }
      temp -= t2
      off -= off2
      sens -= sens2
    }
    return Result(dT: dT, temperature: temp, off: off, sens: sens, pressure: 0)
  }
}
