import HAL

/// Driver for a TE MS5611 barometer (command based, no register map).
///
/// A measurement is two conversions: D2 (temperature) then D1 (pressure), each started
/// by a one-byte command and read back with the ADC-read command (0x00, 3 bytes).
/// Split-phase: ``startMeasurement(now:)`` sends the D2 command and returns when it
/// ends; ``collect(now:)`` then reads D2 and starts D1 (returning nil, with
/// ``nextStepAt`` set), and on the call after D1 has ended reads it and returns the
/// sample. No call waits except ``initialise(clock:)`` (2.8 ms reset) and
/// ``readOnce(clock:)``.
///
/// Minimum period: two maximum conversion times (18.08 ms at OSR 4096), see
/// ``minimumPeriod``.
public final class MS5611 {
  public let bus: any I2CBus
  public let address: UInt8
  public let osr: MS5611OSR
  public let device: String
  public private(set) var prom: MS5611PROM?
  /// When ``collect(now:)`` can make progress next (nil when idle).
  public private(set) var nextStepAt: MonotonicInstant?

  private enum Phase {
    case idle
    case temperature
    case pressure(d2: UInt32)
  }

  private var phase = Phase.idle

  public init(bus: any I2CBus, address: UInt8 = 0x77, osr: MS5611OSR = .osr4096) {
    self.bus = bus
    self.address = address
    self.osr = osr
    self.device = deviceLabel("ms5611", bus: bus.name, address: address)
  }

  /// Two conversions at the chosen OSR (their maximum times).
  public var minimumPeriod: Duration { osr.maximumConversionTime * 2 }

  /// Resets (command 0x1E), waits 2.8 ms for the PROM reload, reads the 8 PROM words
  /// (0xA0...0xAE, 2 bytes each) and checks their CRC-4.
  public func initialise(clock: any MonotonicClock) throws(SensorError) {
    try command(MS5611Command.reset)
    clock.sleep(until: clock.now().advanced(by: MS5611Command.resetTime))
    var words: [UInt16] = []
    var pair = [UInt8](repeating: 0, count: 2)
    for i in 0..<8 {
      let cmd = MS5611Command.promRead + UInt8(2 * i)
      do { try bus.readRegisters(address: address, start: cmd, into: &pair) } catch {
        throw SensorError(.bus(error), device: device, detail: "PROM word \(i)")
      }
      words.append(UInt16(pair[0]) << 8 | UInt16(pair[1]))
    }
    let candidate = MS5611PROM(words: words)
    do { try candidate.validate() } catch {
      switch error {
      case .crc(let stored, let computed):
        throw SensorError(.crcMismatch(stored: stored, computed: computed), device: device)
      default: throw SensorError(.calibration, device: device, detail: error.description)
      }
    }
    prom = candidate
    phase = .idle
    nextStepAt = nil
  }

  /// Starts a measurement (sends convert-D2) unless one is running; returns when
  /// ``collect(now:)`` should next be called.
  @discardableResult
  public func startMeasurement(now: MonotonicInstant) throws(SensorError) -> MonotonicInstant {
    guard prom != nil else { throw SensorError(.invalidState, device: device, detail: "initialise(clock:) first") }
    if case .idle = phase {
      try command(MS5611Command.convertD2 + osr.rawValue)
      phase = .temperature
      nextStepAt = now.advanced(by: osr.maximumConversionTime)
    }
    return nextStepAt ?? now
  }

  /// Advances the measurement: reads D2 and starts D1, or reads D1 and returns the new
  /// sample. Nil when nothing is due yet (or nothing was started).
  public func collect(now: MonotonicInstant) throws(SensorError) -> MS5611Sample? {
    guard let due = nextStepAt, now >= due, let prom else { return nil }
    switch phase {
    case .idle:
      return nil
    case .temperature:
      phase = .idle
      nextStepAt = nil
      let d2 = try readADC("D2")
      try command(MS5611Command.convertD1 + osr.rawValue)
      phase = .pressure(d2: d2)
      nextStepAt = now.advanced(by: osr.maximumConversionTime)
      return nil
    case .pressure(let d2):
      phase = .idle
      nextStepAt = nil
      let d1 = try readADC("D1")
      let r: MS5611Compensation.Result
      do { r = try MS5611Compensation.compensate(d1: d1, d2: d2, prom: prom) } catch {
        throw SensorError(.invalidRawValue, device: device, detail: error.description)
      }
      guard let t = Int32(exactly: r.temperature), let p = Int32(exactly: r.pressure) else {
        throw SensorError(.calibration, device: device, detail: "result out of range")
      }
      return MS5611Sample(centiCelsius: t, pascals: p, d1: d1, d2: d2, timestamp: now)
    }
  }

  /// Blocking convenience: start, then sleep to each step until the sample is read.
  public func readOnce(clock: any MonotonicClock) throws(SensorError) -> MS5611Sample {
    var next = try startMeasurement(now: clock.now())
    for _ in 0..<3 {
      clock.sleep(until: next)
      if let sample = try collect(now: clock.now()) { return sample }
      guard let step = nextStepAt else { break }
      next = step
    }
    throw SensorError(.conversionIncomplete, device: device, detail: "no sample after two conversions")
  }

  /// Reads the 24-bit ADC result. 0 means the conversion had not ended (or the chip
  /// reset and lost it): a typed error, never a value.
  private func readADC(_ what: String) throws(SensorError) -> UInt32 {
    // Three bytes into a word on the stack (no array property: no exclusivity check or
    // uniqueness test per read); the same one transaction as ever.
    var word: UInt32 = 0
    let value = try withUnsafeMutableBytes(of: &word) { (raw) throws(SensorError) -> UInt32 in
      let adc = UnsafeMutableRawBufferPointer(rebasing: raw[0..<3])
      do throws(I2CError) {
        try bus.readRegisters(address: address, start: MS5611Command.adcRead, into: adc)
      } catch {
        throw SensorError(.bus(error), device: device, detail: "reading \(what)")
      }
      return UInt32(adc[0]) << 16 | UInt32(adc[1]) << 8 | UInt32(adc[2])
    }
    guard value != 0 else {
      throw SensorError(.conversionIncomplete, device: device, detail: "\(what) read as 0 (conversion lost)")
    }
    return value
  }

  private func command(_ byte: UInt8) throws(SensorError) {
    do { try bus.writeCommand(address: address, command: byte) } catch {
      throw SensorError(.bus(error), device: device, detail: "command \(hex(byte))")
    }
  }
}
