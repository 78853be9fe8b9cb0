import HAL

/// Driver for a Bosch BMP280 (pressure, temperature) or BME280 (plus humidity).
///
/// Split-phase: ``startMeasurement(now:)`` triggers a forced conversion (one register
/// write) and returns when it will be done; ``collect(now:)`` then does one burst read
/// of 0xF3...0xFC (0xFE on the BME280: status, ctrl_meas, config and the data, so every
/// sample also checks the chip still holds its configuration) and compensates. No call
/// waits on a conversion except ``initialise(clock:)`` (2 ms NVM copy after reset) and
/// the convenience ``readOnce(clock:)``.
///
/// Minimum period: ``minimumPeriod`` (forced: the maximum measurement time, e.g.
/// 43.2 ms for x2 temperature / x16 pressure; normal: that plus standby).
public final class BMP280 {
  public let bus: any I2CBus
  public let address: UInt8
  /// BMP280 or BME280 (``kind`` is the ``PressureSensorKind``).
  public let model: BMP280Kind
  public let settings: BMP280Settings
  /// `bmp280@bus:0x76`, used in every error.
  public let device: String
  /// The calibration read at initialisation (nil before).
  public private(set) var calibration: BMP280Calibration?

  /// Bytes of the sample burst read: 0xF3...0xFC, through 0xFE on the BME280.
  private let frameLength: Int
  private var previousRaw: (Int32, Int32, Int32?)?
  /// How many consecutive samples had bit-identical raw data to the one before. A real
  /// sensor's noise makes long streaks unlikely; a bus replaying an old read (or a
  /// frozen chip in normal mode) shows as a growing streak. The health layer decides
  /// the threshold: a constant-input emulator legitimately repeats.
  public private(set) var identicalRawStreak = 0
  private var readyAt: MonotonicInstant?
  private var needsReconfigure = false
  private let measurementTime: Duration

  public init(bus: any I2CBus, address: UInt8 = 0x76, kind: BMP280Kind, settings: BMP280Settings = .init()) {
    self.bus = bus
    self.address = address
    self.model = kind
    self.settings = settings
    self.device = deviceLabel(kind.rawValue, bus: bus.name, address: address)
    self.frameLength = kind == .bme280 ? 12 : 10
    self.measurementTime = settings.measurementTime(humidityEnabled: kind == .bme280)
  }

  /// When ``collect(now:)`` will have a new sample (nil: nothing started).
  public var nextStepAt: MonotonicInstant? { readyAt }

  /// The shortest period at which this driver delivers new samples.
  public var minimumPeriod: Duration { settings.minimumPeriod(for: model) }

  /// Reads the chip id (one register read of 0xD0) and names the chip, or throws
  /// `.wrongChip` for anything that is neither a BMP280 nor a BME280.
  public static func probe(bus: any I2CBus, address: UInt8) throws(SensorError) -> BMP280Kind {
    let id: UInt8
    do { id = try bus.readRegister(address: address, register: BMP280Register.chipID) } catch {
      throw SensorError(.bus(error), device: deviceLabel("bmp280/bme280", bus: bus.name, address: address))
    }
    for kind in BMP280Kind.allCases where kind.chipIDs.contains(id) { return kind }
    throw SensorError(
      .wrongChip(found: id), device: deviceLabel("bmp280/bme280", bus: bus.name, address: address),
      detail: "expected 0x58 (BMP280) or 0x60 (BME280)")
  }

  /// Checks the chip id, soft-resets, waits for the NVM copy (2 ms, then polls the
  /// status every 1 ms up to 10 times), reads and validates the calibration, and writes
  /// ctrl_hum (BME280), config and ctrl_meas (in sleep mode for forced operation, so
  /// nothing converts until asked).
  public func initialise(clock: any MonotonicClock) throws(SensorError) {
    let id = try readByte(BMP280Register.chipID)
    guard model.chipIDs.contains(id) else {
      throw SensorError(.wrongChip(found: id), device: device, detail: "expected a \(model.rawValue)")
    }
    try writeByte(BMP280Register.reset, BMP280Register.resetCommand)
    var deadline = clock.now().advanced(by: .milliseconds(2))
    var copied = false
    for _ in 0..<11 {
      clock.sleep(until: deadline)
      if try readByte(BMP280Register.status) & BMP280Register.statusImUpdate == 0 {
        copied = true
        break
      }
      deadline = deadline.advanced(by: .milliseconds(1))
    }
    guard copied else { throw SensorError(.notReady, device: device, detail: "NVM copy still running after 12 ms") }
    try configure()
    readyAt = settings.mode == .normal ? clock.now().advanced(by: measurementTime) : nil
  }

  /// Reads and validates the calibration and writes the configuration registers.
  private func configure() throws(SensorError) {
    var cal = [UInt8](repeating: 0, count: BMP280Register.calibrationCount)
    try read(BMP280Register.calibration, into: &cal)
    var humidity: BMP280Calibration.Humidity?
    if model == .bme280 {
      let a1 = try readByte(BMP280Register.humidityH1)
      var e1 = [UInt8](repeating: 0, count: BMP280Register.humidityCalibrationCount)
      try read(BMP280Register.humidityCalibration, into: &e1)
      humidity = BMP280Calibration.Humidity(a1: a1, e1: e1)
    }
    guard let parsed = BMP280Calibration(bytes: cal, humidity: humidity) else {
      throw SensorError(.calibration, device: device, detail: "short calibration read")
    }
    do { try parsed.validate() } catch { throw SensorError(.calibration, device: device, detail: error.description) }
    calibration = parsed
    if model == .bme280 { try writeByte(BMP280Register.ctrlHum, settings.ctrlHum) }
    try writeByte(BMP280Register.config, settings.config)
    let meas = settings.mode == .normal ? settings.ctrlMeas : settings.ctrlMeas & 0xFC
    try writeByte(BMP280Register.ctrlMeas, meas)
    needsReconfigure = false
  }

  /// Starts a conversion and returns the instant its result will be ready.
  ///
  /// Forced mode: writes ctrl_meas with mode 01 (one transaction), unless a conversion
  /// is already running, whose ready instant is returned. Normal mode: no bus traffic;
  /// returns when the next new sample is due. After a detected reset this first
  /// re-reads the calibration and rewrites the configuration (throws `.notReady` while
  /// the chip's own NVM copy is still running; call again on a later tick).
  @discardableResult
  public func startMeasurement(now: MonotonicInstant) throws(SensorError) -> MonotonicInstant {
    if needsReconfigure || calibration == nil {
      guard calibration != nil else {
        throw SensorError(.invalidState, device: device, detail: "initialise(clock:) first")
      }
      if try readByte(BMP280Register.status) & BMP280Register.statusImUpdate != 0 {
        throw SensorError(.notReady, device: device, detail: "NVM copy running after reset")
      }
      try configure()
      if settings.mode == .normal { readyAt = now.advanced(by: measurementTime) }
    }
    if settings.mode == .normal {
      let ready = readyAt ?? now.advanced(by: measurementTime)
      readyAt = ready
      return max(ready, now)
    }
    if let readyAt, now < readyAt { return readyAt }
    try writeByte(BMP280Register.ctrlMeas, settings.ctrlMeas)
    let ready = now.advanced(by: measurementTime)
    readyAt = ready
    return ready
  }

  /// Returns the new sample if one is ready, or nil (nothing started, not ready yet, or
  /// already returned). One burst read; never returns the same conversion twice.
  public func collect(now: MonotonicInstant) throws(SensorError) -> BMP280Sample? {
    guard let ready = readyAt, now >= ready, let cal = calibration, !needsReconfigure else { return nil }
    // Consumed whatever happens next: after a failed read the data may be from an older
    // conversion, so it is never offered again as new.
    readyAt = settings.mode == .normal ? max(ready.advanced(by: minimumPeriod), now) : nil
    // The burst lands in a frame on the stack (no array property: no exclusivity check
    // or uniqueness test per sample); the same one transaction as ever.
    var frame: (UInt64, UInt32) = (0, 0)
    let length = frameLength
    let bytes = try withUnsafeMutableBytes(of: &frame) { (raw) throws(SensorError) -> SampleFrame in
      let buffer = UnsafeMutableRawBufferPointer(rebasing: raw[0..<length])
      do throws(I2CError) {
        try bus.readRegisters(address: address, start: BMP280Register.status, into: buffer)
      } catch {
        throw SensorError(.bus(error), device: device, detail: "reading from \(hex(BMP280Register.status))")
      }
      return SampleFrame(buffer)
    }
    try checkConfiguration(bytes.status, bytes.ctrlMeas, bytes.config)
    let adcP = bytes.adcP
    let adcT = bytes.adcT
    let adcH = model == .bme280 ? bytes.adcH : nil
    if let (t, p, h) = previousRaw, t == adcT, p == adcP, h == adcH {
      identicalRawStreak &+= 1
    } else {
      identicalRawStreak = 0
    }
    previousRaw = (adcT, adcP, adcH)
    let sample: BMP280Sample
    do {
      sample = try BMP280Sample.compensate(adcT: adcT, adcP: adcP, adcH: adcH, calibration: cal, timestamp: now)
    } catch {
      switch error {
      case .invalidRaw: throw SensorError(.invalidRawValue, device: device, detail: error.description)
      default: throw SensorError(.calibration, device: device, detail: error.description)
      }
    }
    try checkRange(sample)
    return sample
  }

  /// Blocking convenience for the CLI and tests: start, sleep until ready, collect.
  public func readOnce(clock: any MonotonicClock) throws(SensorError) -> BMP280Sample {
    let ready = try startMeasurement(now: clock.now())
    clock.sleep(until: ready)
    guard let sample = try collect(now: clock.now()) else {
      throw SensorError(.conversionIncomplete, device: device, detail: "no sample after the measurement time")
    }
    return sample
  }

  /// Slow health check (for a 1 Hz group, not every sample): chip id and calibration
  /// still as read at initialisation. A mismatch marks the driver for re-initialisation
  /// and throws `.deviceReset` (id changed: `.wrongChip`).
  public func verify() throws(SensorError) {
    guard let calibration else { throw SensorError(.invalidState, device: device, detail: "not initialised") }
    let id = try readByte(BMP280Register.chipID)
    guard model.chipIDs.contains(id) else { throw SensorError(.wrongChip(found: id), device: device) }
    var cal = [UInt8](repeating: 0, count: BMP280Register.calibrationCount)
    try read(BMP280Register.calibration, into: &cal)
    if cal != calibration.registerBytes {
      needsReconfigure = true
      throw SensorError(.deviceReset, device: device, detail: "calibration registers changed")
    }
  }

  /// Compares the read-back configuration with what was written.
  private func checkConfiguration(_ status: UInt8, _ ctrlMeas: UInt8, _ config: UInt8) throws(SensorError) {
    if config & 0xFC != settings.config & 0xFC || ctrlMeas & 0xFC != settings.ctrlMeas & 0xFC {
      needsReconfigure = true
      readyAt = nil
      throw SensorError(
        .deviceReset, device: device,
        detail: "ctrl_meas \(hex(ctrlMeas)) config \(hex(config)), expected \(hex(settings.ctrlMeas)) "
          + "\(hex(settings.config))")
    }
    if settings.mode == .forced && (ctrlMeas & 0x03 != 0 || status & BMP280Register.statusMeasuring != 0) {
      throw SensorError(
        .conversionIncomplete, device: device, detail: "status \(hex(status)) ctrl_meas \(hex(ctrlMeas))")
    }
  }

  /// The chip's operating temperature (-40...85 C) and its upper pressure limit
  /// (1100 hPa) widened by a margin (5 C, 50 hPa): anything further out is a fault, not
  /// a reading. Low pressure has no floor beyond the compensation's own (> 0 Pa): a
  /// module losing its air must read as a low pressure, not as a failed sensor
  /// (docs/decisions/0700-low-pressure-is-a-reading.md).
  private func checkRange(_ sample: BMP280Sample) throws(SensorError) {
    guard (-4500...9000).contains(sample.centiCelsius) else {
      throw SensorError(.invalidRawValue, device: device, detail: "temperature \(sample.temperature) out of range")
    }
    guard sample.pressureQ24Dot8 <= 115_000 * 256 else {
      throw SensorError(.invalidRawValue, device: device, detail: "pressure \(sample.pressure) above 1150 hPa")
    }
  }

  private func readByte(_ register: UInt8) throws(SensorError) -> UInt8 {
    do { return try bus.readRegister(address: address, register: register) } catch {
      throw SensorError(.bus(error), device: device, detail: "reading \(hex(register))")
    }
  }

  private func writeByte(_ register: UInt8, _ value: UInt8) throws(SensorError) {
    do { try bus.writeRegister(address: address, register: register, value: value) } catch {
      throw SensorError(.bus(error), device: device, detail: "writing \(hex(register))")
    }
  }

  private func read(_ start: UInt8, into buffer: inout [UInt8]) throws(SensorError) {
    do { try bus.readRegisters(address: address, start: start, into: &buffer) } catch {
      throw SensorError(.bus(error), device: device, detail: "reading from \(hex(start))")
    }
  }
}

/// The fields of one sample burst read (from 0xF3: status, ctrl_meas, config, 0xF6,
/// press_msb...xlsb, temp_msb...xlsb, then hum_msb, hum_lsb on the BME280).
private struct SampleFrame {
  var status: UInt8
  var ctrlMeas: UInt8
  var config: UInt8
  var adcP: Int32
  var adcT: Int32
  var adcH: Int32

  /// `bytes` holds at least 10 bytes; the humidity bytes are read only when present.
  init(_ bytes: UnsafeMutableRawBufferPointer) {
    status = bytes[0]
    ctrlMeas = bytes[1]
    config = bytes[2]
    adcP = Int32(bytes[4]) << 12 | Int32(bytes[5]) << 4 | Int32(bytes[6]) >> 4
    adcT = Int32(bytes[7]) << 12 | Int32(bytes[8]) << 4 | Int32(bytes[9]) >> 4
    adcH = bytes.count >= 12 ? Int32(bytes[10]) << 8 | Int32(bytes[11]) : 0
  }
}
