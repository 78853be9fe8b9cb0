/// The datasheet's integer compensation formulas, evaluated exactly (same rounding,
/// arithmetic right shifts on signed values, truncating division) and checked: where
/// the C formula would overflow its declared width, these throw instead.
///
/// Pure functions: the driver, the emulator's inverse and `cloak sensor decode` share
/// them.
public enum BMP280Compensation {
  /// Skipped-channel marker in the 20-bit data registers.
  public static let skipped20: Int32 = 0x80000
  /// Skipped humidity marker (16-bit).
  public static let skipped16: Int32 = 0x8000

  /// The 32-bit temperature formula. Returns the temperature in 0.01 C and `t_fine`,
  /// which the pressure and humidity formulas take.
  public static func temperature(adcT: Int32, _ c: BMP280Calibration) throws(CompensationError) -> (
    centiCelsius: Int32, tFine: Int32
  ) {
    guard adcT >= 0, adcT < 1 << 20 else { throw .invalidRaw("adc_T \(adcT) is not 20-bit") }
    guard adcT != skipped20 else { throw .invalidRaw("temperature skipped (0x80000)") }
    let adc = Int64(adcT)
    let t1 = Int64(c.t1)
    let a = (adc >> 3) - (t1 << 1)
    let var1 = try fit32(a * Int64(c.t2), "temperature var1 (dig_T2)") >> 11
    let b = (adc >> 4) - t1
    let b2 = try fit32(b * b, "temperature var2 square (dig_T1)") >> 12
    let var2 = try fit32(b2 * Int64(c.t3), "temperature var2 (dig_T3)") >> 14
    let tFine = try fit32(var1 + var2, "t_fine")
    let t = try fit32(tFine * 5 + 128, "temperature T") >> 8
    return (Int32(truncatingIfNeeded: t), Int32(truncatingIfNeeded: tFine))
  }

  /// The 64-bit pressure formula: pressure in Pa as unsigned Q24.8 (Pa * 256).
  /// Throws where the datasheet would return 0 (division by zero) and for a result of
  /// 0 or beyond 32 bits, so a bad calibration is never read as 0 Pa.
  public static func pressure64(adcP: Int32, tFine: Int32, _ c: BMP280Calibration) throws(CompensationError)
    -> UInt32
  {
    guard adcP >= 0, adcP < 1 << 20 else { throw .invalidRaw("adc_P \(adcP) is not 20-bit") }
    guard adcP != skipped20 else { throw .invalidRaw("pressure skipped (0x80000)") }
    var var1 = Int64(tFine) - 128_000
    let sq = try mul(var1, var1, "pressure var1^2")
    var var2 = try mul(sq, Int64(c.p6), "pressure var2 (dig_P6)")
    var2 = try add(
      var2, try shl(try mul(var1, Int64(c.p5), "pressure var2 (dig_P5)"), 17, "pressure var2 << 17"), "var2")
    var2 = try add(var2, Int64(c.p4) << 35, "pressure var2 (dig_P4)")
    let v3 = try mul(sq, Int64(c.p3), "pressure var1 (dig_P3)") >> 8
    let v2 = try shl(try mul(var1, Int64(c.p2), "pressure var1 (dig_P2)"), 12, "pressure var1 << 12")
    var1 = try add(v3, v2, "pressure var1")
    var1 = try mul(try add(Int64(1) << 47, var1, "pressure var1 + 2^47"), Int64(c.p1), "pressure var1 (dig_P1)") >> 33
    if var1 == 0 { throw .divisionByZero(step: "pressure var1 = 0 (dig_P1)") }
    var p = 1_048_576 - Int64(adcP)
    p =
      try mul(try sub(try shl(p, 31, "pressure p << 31"), var2, "pressure p - var2"), 3125, "pressure p * 3125") / var1
    var1 = try mul(try mul(Int64(c.p9), p >> 13, "pressure var1 (dig_P9)"), p >> 13, "pressure var1 (dig_P9)") >> 25
    var2 = try mul(Int64(c.p8), p, "pressure var2 (dig_P8)") >> 19
    p = try add(try add(try add(p, var1, "pressure p"), var2, "pressure p") >> 8, Int64(c.p7) << 4, "pressure p")
    guard p > 0, p <= Int64(UInt32.max) else { throw .implausibleResult(step: "pressure \(p) (Q24.8)") }
    return UInt32(truncatingIfNeeded: p)
  }

  /// The datasheet's 32-bit pressure formula (result in whole Pa). It relies on
  /// unsigned 32-bit wrap-around in the `p` steps, reproduced here with wrapping
  /// operators; kept to pin the documented difference from the 64-bit formula.
  public static func pressure32(adcP: Int32, tFine: Int32, _ c: BMP280Calibration) throws(CompensationError)
    -> UInt32
  {
    guard adcP >= 0, adcP < 1 << 20, adcP != skipped20 else { throw .invalidRaw("adc_P \(adcP)") }
    var var1 = (tFine >> 1) - 64000
    let q = (var1 >> 2) &* (var1 >> 2)
    var var2 = (q >> 11) &* Int32(c.p6)
    var2 = var2 &+ ((var1 &* Int32(c.p5)) << 1)
    var2 = (var2 >> 2) &+ (Int32(c.p4) << 16)
    var1 = (((Int32(c.p3) &* ((q) >> 13)) >> 3) &+ ((Int32(c.p2) &* var1) >> 1)) >> 18
    var1 = ((32768 &+ var1) &* Int32(c.p1)) >> 15
    if var1 == 0 { throw .divisionByZero(step: "pressure32 var1 = 0 (dig_P1)") }
    let divisor = UInt32(bitPattern: var1)
    var p = (UInt32(bitPattern: 1_048_576 &- adcP) &- UInt32(bitPattern: var2 >> 12)) &* 3125
    if p < 0x8000_0000 { p = (p << 1) / divisor } else { p = (p / divisor) &* 2 }
    let pp = Int32(bitPattern: ((p >> 3) &* (p >> 3)) >> 13)
    var1 = (Int32(c.p9) &* pp) >> 12
    var2 = (Int32(bitPattern: p >> 2) &* Int32(c.p8)) >> 13
    p = UInt32(bitPattern: Int32(bitPattern: p) &+ ((var1 &+ var2 &+ Int32(c.p7)) >> 4))
    return p
  }

  /// The BME280 32-bit humidity formula: %RH as unsigned Q22.10 (%RH * 1024),
  /// clamped by the datasheet to 0...100 %RH.
  public static func humidity(adcH: Int32, tFine: Int32, _ h: BMP280Calibration.Humidity) throws(CompensationError)
    -> UInt32
  {
    guard adcH >= 0, adcH < 1 << 16 else { throw .invalidRaw("adc_H \(adcH) is not 16-bit") }
    guard adcH != skipped16 else { throw .invalidRaw("humidity skipped (0x8000)") }
    let x = try fit32(Int64(tFine) - 76800, "humidity t_fine - 76800")
    let h4 = Int64(h.h4) << 20
    let left =
      try fit32(
        (Int64(adcH) << 14) - h4 - (try fit32(Int64(h.h5) * x, "humidity (dig_H5)")) + 16384,
        "humidity left term") >> 15
    let a = try fit32(x * Int64(h.h6), "humidity (dig_H6)") >> 10
    let b = (try fit32(x * Int64(h.h3), "humidity (dig_H3)") >> 11) + 32768
    let c = try fit32(a * b, "humidity (dig_H6 * dig_H3)") >> 10
    let right = (try fit32((c + 2_097_152) * Int64(h.h2), "humidity (dig_H2)") + 8192) >> 14
    var v = try fit32(left * right, "humidity product")
    let s = v >> 15
    let s2 = try fit32(s * s, "humidity square") >> 7
    v = v - (try fit32(s2 * Int64(h.h1), "humidity (dig_H1)") >> 4)
    v = min(max(v, 0), 419_430_400)
    return UInt32(truncatingIfNeeded: v >> 12)
  }
}
