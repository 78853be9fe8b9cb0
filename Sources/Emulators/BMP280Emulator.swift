import Drivers
import HAL
import MockHAL

/// Register-level model of a BMP280 or BME280 on a ``SimulatedI2CBus``.
///
/// Physical inputs (``pressure``, ``temperature``, ``humidity``) become the raw ADC
/// codes the real chip would report for ``calibration``, found by inverting the
/// driver's own compensation, so the driver's formulas run in every test. Modelled:
/// chip id, soft reset with a 2 ms NVM copy (status im_update), calibration
/// registers, ctrl_hum/ctrl_meas/config, forced conversions (measuring bit, typical
/// conversion time, mode back to sleep), normal mode at measurement time + standby,
/// skipped channels (0x80000). Not modelled: the IIR filter's dynamics and noise
/// (outputs follow the inputs at each conversion).
public final class BMP280Emulator: RegisterFileDevice {
  public let kind: BMP280Kind
  public let clock: any MonotonicClock
  /// The trimming the raw codes are generated for (the chip's "true" calibration;
  /// ``corruptCalibration(offset:mask:)`` changes only the registers).
  public let calibration: BMP280Calibration

  public var pressure: Pressure { didSet { recompute() } }
  public var temperature: Temperature { didSet { recompute() } }
  public var humidity: RelativeHumidity { didSet { recompute() } }

  /// Fault hook: the conversion engine hangs (measuring stays set, forced mode never
  /// returns to sleep, data registers stop updating).
  public var conversionStuck: Bool {
    get { engine.conversionStuck }
    set { engine.conversionStuck = newValue }
  }

  /// Per-conversion hook: called with the raw pressure code (the 20-bit ADC value
  /// ``rawP``) each time a conversion latches, and its result is latched instead. The
  /// station simulation adds noise and spikes here, in the code domain, without a new
  /// inverse search per sample (``pascalsPerPressureCode`` converts pascals to codes).
  /// It runs inside the emulator's transaction: it may read the emulator but must not
  /// change it.
  public var pressureCodeHook: ((Int32) -> Int32)?

  /// The local slope of the driver's compensation at the current inputs: pascals per
  /// raw pressure code (negative: the BMP280's pressure falls as the code rises).
  public private(set) var pascalsPerPressureCode: Double = -0.16

  /// Raw codes for the current inputs (cached: recomputed only when an input changes).
  public var rawT: Int32 { engine.rawT }
  public var rawP: Int32 { engine.rawP }
  public var rawH: Int32 { engine.rawH }

  /// The NVM image of 0x88...0x9F copied to the registers at reset.
  private var nvm: [UInt8]
  /// Conversions completed, for tests.
  public var conversions: Int { engine.conversions }

  /// The conversion engine's state and the raw codes, in one value: a transaction reads
  /// it once and writes it back once, instead of one exclusivity check per field
  /// (decision 1220).
  private var engine = Engine()

  fileprivate struct Engine {
    var conversionEnd: MonotonicInstant?
    var nvmBusyUntil: MonotonicInstant = .zero
    var conversions = 0
    var conversionStuck = false
    var rawT: Int32 = 0
    var rawP: Int32 = 0
    var rawH: Int32 = 0
  }

  /// A BMP280/BME280 sits only at 0x76 or 0x77 (SDO low or high): ``I2CChipKind``.
  public override func placementProblem(at address: UInt8) -> String? {
    (kind == .bme280 ? I2CChipKind.bme280 : .bmp280).addressProblem(address)
  }

  public init(
    kind: BMP280Kind, clock: any MonotonicClock, calibration: BMP280Calibration? = nil,
    pressure: Pressure = .init(pascals: 101_325), temperature: Temperature = .init(celsius: 22),
    humidity: RelativeHumidity = .init(percent: 40)
  ) {
    self.kind = kind
    self.clock = clock
    var cal = calibration ?? .datasheetExample
    if kind == .bme280 && cal.humidity == nil { cal.humidity = BMP280Calibration.typicalHumidity }
    self.calibration = cal
    self.pressure = pressure
    self.temperature = temperature
    self.humidity = humidity
    self.nvm = cal.registerBytes
    super.init()
    readOnly = Set(0x80...0xFF).subtracting([0xE0, 0xF2, 0xF4, 0xF5])
    loadNVM()
    resetRegisters()
    recompute()
  }

  // MARK: fault hooks

  /// The chip resets itself (brown-out): configuration and data back to defaults, a
  /// fresh 2 ms NVM copy, no soft-reset command on the bus.
  public func resetToDefaults() {
    resetRegisters()
    loadNVM()
    engine.nvmBusyUntil = clock.now().advanced(by: .milliseconds(2))
  }

  /// XORs calibration byte `offset` (0...23 from 0x88) with `mask` in the registers;
  /// with `persistent`, in the NVM too, so a reset reloads the corrupted value.
  public func corruptCalibration(offset: Int, mask: UInt8, persistent: Bool = false) {
    guard (0..<24).contains(offset) else { return }
    registers[0x88 + offset] ^= mask
    if persistent { nvm[offset] ^= mask }
  }

  /// Replaces the chip id (e.g. a different chip at this address).
  public func setChipID(_ id: UInt8) { registers[0xD0] = id }

  // MARK: bus

  public override func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
    advance(to: clock.now())
    try super.transfer(write: write, read: read)
  }

  public override func writeRegister(_ register: UInt8, _ value: UInt8) throws(I2CError) {
    let now = clock.now()
    switch register {
    case 0xE0:
      if value == BMP280Register.resetCommand {
        resetRegisters()
        loadNVM()
        engine.nvmBusyUntil = now.advanced(by: .milliseconds(2))
      }
    case 0xF2 where kind == .bme280:
      registers[0xF2] = value & 0x07
    case 0xF4:
      registers[0xF4] = value
      switch value & 0x03 {
      case 0b01, 0b10: engine.conversionEnd = now.advanced(by: typicalConversionTime)
      case 0b11: engine.conversionEnd = now.advanced(by: typicalConversionTime)
      default: engine.conversionEnd = nil
      }
    case 0xF5:
      registers[0xF5] = value & 0xFD
    default:
      try super.writeRegister(register, value)
    }
    registers[0xF3] = engine.status(at: now)
  }

  // MARK: model

  private var typicalConversionTime: Duration {
    let meas = registers[0xF4]
    func factor(_ code: UInt8) -> Int { code == 0 ? 0 : 1 << Int(min(code, 5) - 1) }
    let t = factor(meas >> 5)
    let p = factor((meas >> 2) & 0x07)
    let h = kind == .bme280 ? factor(registers[0xF2] & 0x07) : 0
    var us = 1000 + 2000 * t
    if p > 0 { us += 2000 * p + 500 }
    if h > 0 { us += 2000 * h + 500 }
    return .microseconds(us)
  }

  private var standby: Duration {
    let code = BMP280Settings.Standby(rawValue: registers[0xF5] >> 5) ?? .code0
    return BMP280Settings(standby: code).standbyTime(for: kind)
  }

  private func advance(to now: MonotonicInstant) {
    var engine = self.engine
    if let end = engine.conversionEnd, now >= end, !engine.conversionStuck {
      let meas = registers[0xF4]
      latch(meas, &engine)
      if meas & 0x03 == 0b11 {
        // Normal mode: the next conversion ends one period later; skip missed ones.
        let period = typicalConversionTime + standby
        var next = end.advanced(by: period)
        if next <= now {
          let p = max(period.nanosecondsSaturated, 1)
          let missed = (now.nanoseconds - next.nanoseconds) / p + 1
          next = next.advanced(by: .nanoseconds(missed &* p))
        }
        engine.conversionEnd = next
      } else {
        registers[0xF4] = meas & 0xFC
        engine.conversionEnd = nil
      }
    }
    registers[0xF3] = engine.status(at: now)
    self.engine = engine
  }

  /// A conversion ends with ctrl_meas `meas`: its results go to the data registers (the
  /// pressure code through ``pressureCodeHook``, called before the registers are
  /// touched), in one access to them.
  private func latch(_ meas: UInt8, _ engine: inout Engine) {
    engine.conversions &+= 1
    let rawP = engine.rawP
    let p =
      (meas >> 2) & 0x07 == 0
      ? BMP280Compensation.skipped20 : pressureCodeHook.map { min(max($0(rawP), 0), (1 << 20) - 1) } ?? rawP
    let t = meas >> 5 == 0 ? BMP280Compensation.skipped20 : engine.rawT
    let humidity = kind == .bme280
    let h = humidity && registers[0xF2] & 0x07 == 0 ? BMP280Compensation.skipped16 : engine.rawH
    registers.withUnsafeMutableBufferPointer { registers in
      Self.store20(p, at: 0xF7, in: registers)
      Self.store20(t, at: 0xFA, in: registers)
      if humidity {
        registers[0xFD] = UInt8(truncatingIfNeeded: h >> 8)
        registers[0xFE] = UInt8(truncatingIfNeeded: h)
      }
    }
  }

  private static func store20(_ value: Int32, at register: Int, in registers: UnsafeMutableBufferPointer<UInt8>) {
    registers[register] = UInt8(truncatingIfNeeded: value >> 12)
    registers[register + 1] = UInt8(truncatingIfNeeded: value >> 4)
    registers[register + 2] = UInt8(truncatingIfNeeded: value << 4)
  }

  private func resetRegisters() {
    registers[0xD0] = kind == .bme280 ? 0x60 : 0x58
    for r in [0xE0, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6] { registers[r] = 0 }
    registers.withUnsafeMutableBufferPointer { registers in
      Self.store20(BMP280Compensation.skipped20, at: 0xF7, in: registers)
      Self.store20(BMP280Compensation.skipped20, at: 0xFA, in: registers)
    }
    registers[0xFD] = 0x80
    registers[0xFE] = 0x00
    engine.conversionEnd = nil
  }

  private func loadNVM() {
    load(nvm, at: 0x88)
    if let h = calibration.humidity {
      let (a1, e1) = h.registerBytes
      registers[0xA1] = a1
      load(e1, at: 0xE1)
    }
  }

  /// Sets pressure and temperature with one inverse search (setting the two properties
  /// one after the other searches twice).
  public func setInputs(pressure: Pressure, temperature: Temperature) {
    updating = true
    self.pressure = pressure
    self.temperature = temperature
    updating = false
    recompute()
  }

  private var updating = false
  /// The targets of the last searches (Q-format units of the compensation), so an
  /// input that did not move its target searches nothing.
  private var searchedT: Int64?
  private var searchedP: (target: Int64, tFine: Int32)?
  private var searchedH: (target: Int64, tFine: Int32)?

  private func recompute() {
    guard !updating else { return }
    let cal = calibration
    // A NaN input keeps its code; an unreportable one gets the nearest code. Each search
    // starts from the code found last (the simulation moves its inputs a little per step).
    if let targetFine = saturatingTarget(temperature.celsius, scale: 5120), targetFine != searchedT {
      engine.rawT = nearestCode(
        limit: 1 << 20, target: targetFine, increasing: true, avoiding: BMP280Compensation.skipped20,
        hint: searchedT == nil ? nil : rawT
      ) {
        (try? BMP280Compensation.temperature(adcT: $0, cal)).map { Int64($0.tFine) }
      }
      searchedT = targetFine
    }
    let tFine = (try? BMP280Compensation.temperature(adcT: rawT, cal))?.tFine ?? 0
    if let targetP = saturatingTarget(pressure.pascals, scale: 256),
      searchedP.map({ $0.target != targetP || $0.tFine != tFine }) ?? true
    {
      engine.rawP = nearestCode(
        limit: 1 << 20, target: targetP, increasing: false, avoiding: BMP280Compensation.skipped20,
        hint: searchedP == nil ? nil : rawP
      ) {
        (try? BMP280Compensation.pressure64(adcP: $0, tFine: tFine, cal)).map { Int64($0) }
      }
      searchedP = (targetP, tFine)
      // Q24.8 pascals at two codes 64 apart around the latched one: the local slope.
      if let low = try? BMP280Compensation.pressure64(adcP: max(rawP - 32, 0), tFine: tFine, cal),
        let high = try? BMP280Compensation.pressure64(adcP: min(rawP + 32, (1 << 20) - 1), tFine: tFine, cal),
        high != low
      {
        pascalsPerPressureCode =
          (Double(high) - Double(low)) / 256 / Double(min(rawP + 32, (1 << 20) - 1) - max(rawP - 32, 0))
      }
    }
    if let h = cal.humidity, let targetH = saturatingTarget(humidity.percent, scale: 1024),
      searchedH.map({ $0.target != targetH || $0.tFine != tFine }) ?? true
    {
      engine.rawH = nearestCode(
        limit: 1 << 16, target: targetH, increasing: true, avoiding: BMP280Compensation.skipped16,
        hint: searchedH == nil ? nil : rawH
      ) {
        (try? BMP280Compensation.humidity(adcH: $0, tFine: tFine, h)).map { Int64($0) }
      }
      searchedH = (targetH, tFine)
    }
  }
}

extension BMP280Emulator.Engine {
  /// The status register at `now`: im_update while the NVM copy runs, measuring while a
  /// conversion runs (or forever, when stuck).
  func status(at now: MonotonicInstant) -> UInt8 {
    var status: UInt8 = 0
    if now < nvmBusyUntil { status |= BMP280Register.statusImUpdate }
    if let end = conversionEnd, now < end || conversionStuck { status |= BMP280Register.statusMeasuring }
    return status
  }
}
