import Drivers
import HAL
import MockHAL
import Testing

@testable import Emulators

/// Physical inputs outside what a chip can report (vacuum, non-finite or huge values
/// from a scenario) must not trap the emulators: they report the nearest code the
/// chip can produce, and a NaN input leaves the raw codes as they were.
@Suite struct EmulatorInputRangeTests {
  @Test(arguments: [0.0, 1.0, 10.0, 500.0, -5.0])
  func ms5611NearVacuumGivesTheLowestReportablePressure(pascals: Double) throws {
    let clock = VirtualClock()
    let chip = MS5611Emulator(clock: clock, pressure: .init(pascals: pascals))
    let bus = SimulatedI2CBus()
    try bus.attach(chip, at: 0x77)
    let driver = MS5611(bus: bus)
    try driver.initialise(clock: clock)
    let sample = try driver.readOnce(clock: clock)
    // The lowest code the datasheet PROM compensates to a positive pressure reads
    // within a few pascals of the target (or of 1 Pa, the lowest it accepts).
    #expect(sample.pascals >= 1)
    #expect(Double(sample.pascals) <= max(pascals, 1) + 5)
  }

  @Test func ms5611NonFiniteAndHugeInputsDoNotTrap() {
    let chip = MS5611Emulator(clock: VirtualClock())
    let before = (chip.rawD1, chip.rawD2)
    chip.pressure = .init(pascals: .nan)
    chip.temperature = .init(celsius: .nan)
    #expect(chip.rawD1 == before.0)
    #expect(chip.rawD2 == before.1)
    chip.pressure = .init(pascals: .infinity)
    #expect(chip.rawD1 == (1 << 24) - 1)
    chip.pressure = .init(pascals: -.infinity)
    chip.temperature = .init(celsius: 1e300)
    #expect(chip.rawD2 == (1 << 24) - 1)
    chip.temperature = .init(celsius: -1e300)
    #expect(chip.rawD2 >= 1)
  }

  @Test func bmp280NonFiniteAndHugeInputsDoNotTrap() throws {
    let chip = BMP280Emulator(kind: .bme280, clock: VirtualClock())
    let before = (chip.rawP, chip.rawT, chip.rawH)
    chip.pressure = .init(pascals: .nan)
    chip.temperature = .init(celsius: .nan)
    chip.humidity = .init(percent: .nan)
    #expect(chip.rawP == before.0)
    #expect(chip.rawT == before.1)
    #expect(chip.rawH == before.2)
    chip.pressure = .init(pascals: .infinity)
    chip.temperature = .init(celsius: -.infinity)
    chip.humidity = .init(percent: 1e300)
    chip.humidity = .init(percent: -1e300)
    chip.temperature = .init(celsius: 22)
    chip.pressure = .init(pascals: 0)
    // Vacuum: the code whose compensated pressure is the lowest the formula reports.
    let tFine = try BMP280Compensation.temperature(adcT: chip.rawT, chip.calibration).tFine
    let lowest = try BMP280Compensation.pressure64(adcP: chip.rawP, tFine: tFine, chip.calibration)
    #expect(Double(lowest) / 256 < 10)
    #expect(chip.rawH == 0)
  }

  @Test func inverseSearchNeverReturnsTheMarkerAndHandlesExtremeTargets() {
    let marker: Int32 = 0x80
    func value(_ code: Int32) -> Int64? { code == marker ? nil : code >= 0xF0 ? nil : Int64(code) * 10 }
    let search = { (target: Int64) in
      nearestCode(limit: 0x100, target: target, increasing: true, avoiding: marker, value: value)
    }
    #expect(search(0x40 * 10) == 0x40)
    #expect(search(Int64(marker) * 10) == marker + 1)
    #expect(search(Int64(marker + 1) * 10) == marker + 1)
    #expect(search(Int64(marker + 5) * 10) == marker + 5)
    // Beyond the formula's range: the last code that still has a value.
    #expect(search(.max) == 0xEF)
    #expect(search(.min) == 0)
  }

  /// The hinted search (the simulation's per-step path) finds what the full bisection
  /// finds, whatever the hint: near the answer, far from it, at either end of the range.
  @Test func hintedInverseSearchFindsWhatTheFullBisectionFinds() throws {
    let bmp = BMP280Calibration.datasheetExample
    let prom = MS5611PROM.datasheetExample
    var compared = 0
    func check(limit: Int32, target: Int64, increasing: Bool, marker: Int32?, value: (Int32) -> Int64?) {
      let full = nearestCode(limit: limit, target: target, increasing: increasing, avoiding: marker, value: value)
      for hint in [
        full, full - 1, full + 1, full - 7, full + 300, full - 40_000, 0, 1, limit / 2, limit - 2, limit - 1,
      ] {
        let hinted = nearestCode(
          limit: limit, target: target, increasing: increasing, avoiding: marker, hint: hint, value: value)
        #expect(hinted == full, "target \(target) hint \(hint): \(hinted), full bisection \(full)")
        compared += 1
      }
    }
    for celsius in stride(from: -30.0, through: 70.0, by: 7.3) {
      let targetT = Int64((celsius * 5120).rounded())
      check(limit: 1 << 20, target: targetT, increasing: true, marker: BMP280Compensation.skipped20) {
        (try? BMP280Compensation.temperature(adcT: $0, bmp)).map { Int64($0.tFine) }
      }
      let tFine = Int32(targetT)
      for pascals in [0.0, 1.0, 450.0, 30_000.5, 70_000.25, 95_000.0, 101_325.0, 101_325.4, 108_000.0, 200_000.0] {
        check(
          limit: 1 << 20, target: Int64((pascals * 256).rounded()), increasing: false,
          marker: BMP280Compensation.skipped20
        ) { (try? BMP280Compensation.pressure64(adcP: $0, tFine: tFine, bmp)).map { Int64($0) } }
      }
      for percent in [0.0, 12.5, 40.0, 99.9, 150.0] {
        check(limit: 1 << 16, target: Int64((percent * 1024).rounded()), increasing: true, marker: 0x8000) {
          (try? BMP280Compensation.humidity(adcH: $0, tFine: tFine, BMP280Calibration.typicalHumidity)).map {
            Int64($0)
          }
        }
      }
      let d2 = UInt32(8_000_000 + Int(celsius * 20_000))
      check(limit: 1 << 24, target: Int64((celsius * 100).rounded()), increasing: true, marker: 0) { code in
        (try? MS5611Compensation.temperature(d2: UInt32(code), prom: prom)).map(\.temperature)
      }
      for pascals in [0.0, 1.0, 450.0, 30_000.0, 95_000.0, 101_325.0, 101_326.0, 120_000.0] {
        check(limit: 1 << 24, target: Int64(pascals), increasing: true, marker: 0) { code in
          guard code > 0 else { return Int64.min }
          return (try? MS5611Compensation.compensate(d1: UInt32(code), d2: d2, prom: prom)).map(\.pressure) ?? .min
        }
      }
    }
    #expect(compared > 2_000)
  }
}
