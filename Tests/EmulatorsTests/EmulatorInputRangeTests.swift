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
}
