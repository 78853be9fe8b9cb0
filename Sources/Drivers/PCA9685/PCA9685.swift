import HAL

/// Driver for an NXP PCA9685 16-channel, 12-bit PWM controller (servos and ESCs).
///
/// Safe start: ``initialise(frequency:clock:)`` first drives the output-enable line
/// (if the board has one) to "disabled", then puts every channel in full-off before
/// anything else, so nothing moves until commanded. ``allOff()`` is the safe state.
/// The period is shared by all channels and fixed at initialisation.
public final class PCA9685 {
  public let bus: any I2CBus
  public let address: UInt8
  /// The oscillator frequency used in the prescale formula: 25 MHz nominal; boards
  /// measure 25-27 MHz, so it is a per-board calibration value.
  public let oscillator: Frequency
  /// The board's kill path: logical `true` enables the outputs (the board file maps
  /// the chip's active-low OE pin; its pull resistor disables them without software).
  public let outputEnable: (any GPIOOutputLine)?
  public let device: String
  /// Whether MODE1.ALLCALL stays set: the chip then also answers at its LED All Call
  /// address (``allCallAddress``), as it does from power-up. `false` clears the bit in
  /// the first MODE1 write of ``initialise(frequency:clock:)``, after which the chip
  /// answers only at ``address``.
  public let allCall: Bool
  /// The prescale written at initialisation (nil before).
  public private(set) var prescale: UInt8?
  private var frame = [UInt8](repeating: 0, count: 5)

  /// The LED All Call address at power-up (ALLCALLADR = 0xE0, i.e. 7-bit 0x70; MODE1
  /// ALLCALL = 1): every PCA9685 on the bus acknowledges it (NXP datasheet 7.1.2).
  public static let allCallAddress: UInt8 = 0x70
  /// The LED sub-call addresses at power-up (SUBADR1...3 = 0xE2, 0xE4, 0xE8: 7-bit 0x71,
  /// 0x72, 0x74). Disabled at power-up (MODE1 SUB1...SUB3 = 0); this driver never
  /// enables them.
  public static let subCallAddresses: [UInt8] = [0x71, 0x72, 0x74]

  public init(
    bus: any I2CBus, address: UInt8 = 0x40, oscillator: Frequency = PCA9685Timing.nominalOscillator,
    outputEnable: (any GPIOOutputLine)? = nil, allCall: Bool = true
  ) {
    self.bus = bus
    self.address = address
    self.oscillator = oscillator
    self.outputEnable = outputEnable
    self.allCall = allCall
    self.device = deviceLabel("pca9685", bus: bus.name, address: address)
  }

  /// The prescale ``PCA9685Timing`` gives; nil where it refuses (outside 3...255, an
  /// oscillator beyond the internal one's spread, a non-positive frequency).
  public static func prescale(for frequency: Frequency, oscillator: Frequency) -> UInt8? {
    try? PCA9685Timing(frequency: frequency, oscillator: oscillator).prescale
  }

  /// The PWM period the chip generates for `prescale` (``PCA9685Timing/period(prescale:oscillator:)``).
  public static func period(prescale: UInt8, oscillator: Frequency) -> Duration {
    PCA9685Timing.period(prescale: prescale, oscillator: oscillator)
  }

  /// The period in use (nil before initialisation).
  public var period: Duration? { prescale.map { Self.period(prescale: $0, oscillator: oscillator) } }

  /// Initialises the chip. On the wire: MODE1 = SLEEP|AI (0x30); ALL_LED = full off
  /// (0xFA: 00 00 00 10); MODE2 = OUTDRV (totem pole, 0x04); PRE_SCALE; MODE1 = AI
  /// (0x20, oscillator on); wait 500 us; MODE1 = RESTART|AI (0xA0). Every MODE1 value
  /// also carries ALLCALL (0x01) when ``allCall`` is set. The prescale comes from
  /// ``PCA9685Timing`` (the same computation board validation uses). The output-enable
  /// line stays disabled: ``setOutputsEnabled(_:)`` turns outputs on when armed.
  public func initialise(frequency: Frequency, clock: any MonotonicClock) throws(PWMError) {
    try setOutputsEnabled(false)
    let timing: PCA9685Timing
    do { timing = try PCA9685Timing(frequency: frequency, oscillator: oscillator) } catch {
      throw PWMError(.outOfRange, channel: device, detail: error.description)
    }
    let group = allCall ? PCA9685Register.allCall : 0
    try write([PCA9685Register.mode1, PCA9685Register.sleep | PCA9685Register.autoIncrement | group])
    try write([PCA9685Register.allLedOnL, 0, 0, 0, PCA9685Register.fullBit])
    try write([PCA9685Register.mode2, PCA9685Register.totemPole])
    try write([PCA9685Register.preScale, timing.prescale])
    try write([PCA9685Register.mode1, PCA9685Register.autoIncrement | group])
    clock.sleep(until: clock.now().advanced(by: .microseconds(500)))
    try write([PCA9685Register.mode1, PCA9685Register.restart | PCA9685Register.autoIncrement | group])
    prescale = timing.prescale
  }

  /// Sets every channel to full off in one transaction (ALL_LED_OFF_H bit 4), and
  /// disables the output-enable line. Attempts both even if the first fails; throws
  /// the first failure.
  public func allOff() throws(PWMError) {
    var first: PWMError?
    do { try write([PCA9685Register.allLedOnL, 0, 0, 0, PCA9685Register.fullBit]) } catch { first = error }
    do { try setOutputsEnabled(false) } catch { first = first ?? error }
    if let first { throw first }
  }

  /// Drives the output-enable line (no-op without one).
  public func setOutputsEnabled(_ enabled: Bool) throws(PWMError) {
    guard let outputEnable else { return }
    do { try outputEnable.set(enabled) } catch {
      throw PWMError(.io(errno: 0), channel: device, detail: "output enable: \(error)")
    }
  }

  /// Counts of the 4096-tick period for `width`: rounded to the nearest tick.
  public func counts(for width: Duration) throws(PWMError) -> Int {
    guard let period else { throw PWMError(.unsupported, channel: device, detail: "not initialised") }
    let p = period.nanosecondsSaturated
    let w = width.nanosecondsSaturated
    guard p > 0 else { throw PWMError(.outOfRange, channel: device, detail: "period \(period) rounds to zero") }
    guard w >= 0, w <= p else { throw PWMError(.outOfRange, channel: device, detail: "pulse \(width) > period") }
    return Int((Double(w) * 4096 / Double(p)).rounded())
  }

  /// Sets channel `n`'s high time: one 5-byte write (register, ON_L, ON_H, OFF_L,
  /// OFF_H) with ON at tick 0. 0 counts is full off, 4096 full on.
  public func setPulse(channel n: Int, counts: Int) throws(PWMError) {
    guard (0..<16).contains(n), (0...4096).contains(counts) else {
      throw PWMError(.outOfRange, channel: "\(device)/ch\(n)", detail: "counts \(counts)")
    }
    let reg = PCA9685Register.channel(n)
    switch counts {
    case 0: try write([reg, 0, 0, 0, PCA9685Register.fullBit])
    case 4096: try write([reg, 0, PCA9685Register.fullBit, 0, 0])
    default: try write([reg, 0, 0, UInt8(truncatingIfNeeded: counts), UInt8(truncatingIfNeeded: counts >> 8)])
    }
  }

  /// A ``PWMChannel`` view of channel `n` (0...15).
  public func channel(_ n: Int) throws(PWMError) -> PCA9685Channel {
    guard (0..<16).contains(n) else { throw PWMError(.notFound, channel: "\(device)/ch\(n)") }
    return PCA9685Channel(chip: self, index: n)
  }

  private func write(_ bytes: [UInt8]) throws(PWMError) {
    let count = bytes.count
    for i in 0..<count { frame[i] = bytes[i] }
    let outcome: Result<Void, I2CError> = frame.withUnsafeBytes { all in
      do throws(I2CError) {
        let w = UnsafeRawBufferPointer(rebasing: all[0..<count])
        return .success(try bus.writeRead(address: address, write: w, read: .init(start: nil, count: 0)))
      } catch { return .failure(error) }
    }
    do { try outcome.get() } catch { throw PWMError(.bus(error), channel: device) }
  }
}
