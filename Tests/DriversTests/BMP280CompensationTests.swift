import Drivers
import Testing

/// Pins the BMP280 datasheet's worked example (hardware.md, "Bosch BMP280"): dig_T1..T3
/// = 27504, 26435, -1000; dig_P1..P9 = 36477, -10685, 3024, 2855, 140, -7, 15500,
/// -14600, 6000; adc_T = 519888, adc_P = 415148.
@Suite struct BMP280CompensationTests {
  let cal = BMP280Calibration.datasheetExample

  @Test func temperatureMatchesDatasheetExample() throws {
    let (t, tFine) = try BMP280Compensation.temperature(adcT: 519_888, cal)
    #expect(tFine == 128_422)
    #expect(t == 2508)
  }

  @Test func pressure64MatchesDatasheetExample() throws {
    let p = try BMP280Compensation.pressure64(adcP: 415_148, tFine: 128_422, cal)
    #expect(p == 25_767_233)
    // 25767233 / 256 = 100653.2539...; the reference rounds it to 100653.25 Pa.
    #expect(abs(Double(p) / 256 - 100_653.25) < 0.005)
  }

  @Test func pressure32DiffersFrom64AsDocumented() throws {
    let p32 = try BMP280Compensation.pressure32(adcP: 415_148, tFine: 128_422, cal)
    let p64 = try BMP280Compensation.pressure64(adcP: 415_148, tFine: 128_422, cal)
    #expect(p32 == 100_656)
    // The 32-bit formula reads 2.75 Pa higher on this input (100656 vs 100653.25).
    #expect(Double(p32) - Double(p64) / 256 == 2.746_093_75)
  }

  @Test func calibrationBytesRoundTrip() throws {
    let bytes = cal.registerBytes
    #expect(bytes.count == 24)
    #expect(Array(bytes.prefix(4)) == [0x70, 0x6B, 0x43, 0x67])
    #expect(BMP280Calibration(bytes: bytes) == cal)
  }

  @Test func humidityCalibrationPackingRoundTrips() throws {
    let h = BMP280Calibration.Humidity(h1: 75, h2: 362, h3: 0, h4: -300, h5: 50, h6: -30)
    let (a1, e1) = h.registerBytes
    #expect(BMP280Calibration.Humidity(a1: a1, e1: e1) == h)
  }

  @Test func zeroP1IsACalibrationErrorNotZeroPascals() {
    var bad = cal
    bad.p1 = 0
    #expect(throws: CompensationError.self) { try bad.validate() }
    #expect(throws: CompensationError.divisionByZero(step: "pressure var1 = 0 (dig_P1)")) {
      _ = try BMP280Compensation.pressure64(adcP: 415_148, tFine: 128_422, bad)
    }
  }

  @Test func overflowingTemperatureCalibrationThrows() {
    var bad = cal
    bad.t1 = 0
    bad.t2 = .max
    // (adc_T >> 3) * dig_T2 leaves Int32 for a large adc_T: the datasheet formula is
    // undefined there, so it is a typed error instead of a wrapped value.
    #expect(throws: CompensationError.overflow(step: "temperature var1 (dig_T2)")) {
      _ = try BMP280Compensation.temperature(adcT: 1_000_000, bad)
    }
  }

  @Test func overflowingPressureCalibrationThrows() {
    var bad = cal
    bad.p6 = .max
    bad.p4 = .max
    bad.p5 = .max
    // Extreme t_fine with extreme coefficients leaves Int64 in var2.
    #expect(throws: CompensationError.self) {
      _ = try BMP280Compensation.pressure64(adcP: 0, tFine: .max, bad)
    }
  }

  @Test func skippedChannelIsRejected() {
    #expect(throws: CompensationError.self) { _ = try BMP280Compensation.temperature(adcT: 0x80000, cal) }
    #expect(throws: CompensationError.self) {
      _ = try BMP280Compensation.pressure64(adcP: 0x80000, tFine: 128_422, cal)
    }
  }

  @Test func negativeIntermediatesUseArithmeticShift() throws {
    // Below 0 C t_fine is negative; the formula's >> must floor, not truncate.
    let (t, tFine) = try BMP280Compensation.temperature(adcT: 400_000, cal)
    #expect(tFine < 0)
    #expect(t == Int32((Int64(tFine) * 5 + 128) >> 8))
    #expect(t < 0)
  }

  @Test func humidityFormulaIsClampedTo100Percent() throws {
    let h = BMP280Calibration.typicalHumidity
    let top = try BMP280Compensation.humidity(adcH: 0xFFFF, tFine: 128_422, h)
    let bottom = try BMP280Compensation.humidity(adcH: 0, tFine: 128_422, h)
    #expect(top == 102_400)
    #expect(bottom == 0)
  }
}
