import Drivers
import Testing

/// Pins the MS5611 datasheet example and the public second-order cases
/// (hardware.md, "TE MS5611").
@Suite struct MS5611CompensationTests {
  let prom = MS5611PROM.datasheetExample

  /// Every corner of the coefficient and raw ranges: a bad PROM that passes its CRC or
  /// a garbage ADC word gives a result or a typed error, never an overflow trap.
  @Test func extremeCoefficientsAndRawValuesNeverTrap() {
    let corners: [UInt16] = [1, 0xFFFF]
    var outcomes = 0
    for mask in 0..<64 {
      let c = (0..<6).map { corners[(mask >> $0) & 1] }
      let prom = MS5611PROM(c: c)
      for d1: UInt32 in [1, (1 << 24) - 1] {
        for d2: UInt32 in [1, (1 << 24) - 1] {
          do throws(CompensationError) {
            let r = try MS5611Compensation.compensate(d1: d1, d2: d2, prom: prom)
            #expect(r.pressure > 0)
          } catch {
            // Valid 24-bit raws: the only possible failure is a non-positive pressure.
            guard case .implausibleResult = error else {
              Issue.record("C=\(c) D1=\(d1) D2=\(d2): \(error)")
              continue
            }
          }
          outcomes += 1
        }
      }
    }
    #expect(outcomes == 256)
  }

  @Test func firstOrderMatchesDatasheetExample() throws {
    let r = try MS5611Compensation.compensate(d1: 9_085_466, d2: 8_569_150, prom: prom)
    #expect(r.dT == 2366)
    #expect(r.temperature == 2007)
    #expect(r.off == 2_420_281_617)
    #expect(r.sens == 1_315_097_036)
    #expect(r.pressure == 100_009)
  }

  @Test(arguments: [
    (d2: UInt32(8_069_150), temperature: Int64(205), pressure: Int64(96_512)),
    (d2: UInt32(7_369_150), temperature: Int64(-2710), pressure: Int64(90_613)),
  ])
  func secondOrderCasesUseFloorShifts(d2: UInt32, temperature: Int64, pressure: Int64) throws {
    let r = try MS5611Compensation.compensate(d1: 9_085_466, d2: d2, prom: prom)
    #expect(r.temperature == temperature)
    #expect(r.pressure == pressure)
  }

  @Test func secondOrderIsOffAboveTwentyDegrees() throws {
    let a = try MS5611Compensation.compensate(d1: 9_085_466, d2: 8_569_150, prom: prom, secondOrder: true)
    let b = try MS5611Compensation.compensate(d1: 9_085_466, d2: 8_569_150, prom: prom, secondOrder: false)
    #expect(a == b)
  }

  @Test func zeroRawValueIsRejected() {
    #expect(throws: CompensationError.self) {
      _ = try MS5611Compensation.compensate(d1: 0, d2: 8_569_150, prom: prom)
    }
    #expect(throws: CompensationError.self) {
      _ = try MS5611Compensation.compensate(d1: 9_085_466, d2: 0, prom: prom)
    }
  }

  /// AN520's example: words 0x3132 ... 0x4500 give CRC 0xB.
  @Test func crc4MatchesApplicationNoteExample() {
    let words: [UInt16] = [0x3132, 0x3334, 0x3536, 0x3738, 0x3940, 0x4142, 0x4344, 0x4500]
    #expect(MS5611PROM.crc4(words) == 0xB)
  }

  @Test func promValidation() throws {
    try prom.validate()
    #expect(prom.c(1) == 40127)
    #expect(prom.c(6) == 28312)
    var bad = prom
    bad.words[3] ^= 0x0100
    #expect(throws: MS5611PROMError.self) { try bad.validate() }
    #expect(throws: MS5611PROMError.blank) { try MS5611PROM(words: [UInt16](repeating: 0, count: 8)).validate() }
    #expect(throws: MS5611PROMError.blank) {
      try MS5611PROM(words: [UInt16](repeating: 0xFFFF, count: 8)).validate()
    }
  }
}
