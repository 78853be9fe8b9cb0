import Drivers
import HAL
import MockHAL

/// Register-level model of an NXP PCA9685 on a ``SimulatedI2CBus``.
///
/// Modelled: power-on defaults (MODE1 0x11 sleeping, MODE2 0x04, every channel full
/// off, PRE_SCALE 0x1E), auto-increment only with MODE1.AI (else the pointer stays),
/// PRE_SCALE writable only while sleeping, the oscillator needing 500 us after SLEEP is
/// cleared (a RESTART written earlier is recorded in ``restartViolations``), ALL_LED
/// registers writing every channel, full-on/full-off bits (full off wins), and the
/// active-low OE pin (``outputEnablePin``). ``pulseWidth(channel:)`` is what each
/// output generates now.
public final class PCA9685Emulator: SimulatedI2CDevice {
  public let clock: any MonotonicClock
  /// The chip's real oscillator (may differ from the driver's calibration value).
  public var oscillator: Frequency
  public private(set) var registers = [UInt8](repeating: 0, count: 256)
  /// The OE pin as driven by the board: true = outputs enabled.
  public var outputEnablePin = true
  /// RESTART writes that came less than 500 us after SLEEP was cleared.
  public private(set) var restartViolations = 0
  /// PRE_SCALE writes ignored because the chip was awake.
  public private(set) var ignoredPrescaleWrites = 0

  private var pointer = 0
  private var oscillatorStableAt: MonotonicInstant = .zero

  public init(clock: any MonotonicClock, oscillator: Frequency = .init(hertz: 25_000_000)) {
    self.clock = clock
    self.oscillator = oscillator
    resetToDefaults()
  }

  /// Fault hook: power-on reset (brown-out): every register back to its default.
  public func resetToDefaults() {
    registers = [UInt8](repeating: 0, count: 256)
    registers[0x00] = 0x11
    registers[0x01] = 0x04
    registers[0x02] = 0xE2
    registers[0x03] = 0xE4
    registers[0x04] = 0xE8
    registers[0x05] = 0xE0
    for n in 0..<16 { registers[0x06 + 4 * n + 3] = 0x10 }
    registers[0xFD] = 0x10
    registers[0xFE] = 0x1E
  }

  public var isSleeping: Bool { registers[0] & PCA9685Register.sleep != 0 }
  public var prescale: UInt8 { registers[0xFE] }

  /// The PWM period the chip generates: (PRE_SCALE + 1) * 4096 / oscillator.
  public var period: Duration { PCA9685.period(prescale: prescale, oscillator: oscillator) }

  /// The pulse width channel `n` generates now: zero when off, sleeping or OE
  /// disabled; the period when full on; else (OFF - ON) mod 4096 ticks.
  public func pulseWidth(channel n: Int) -> Duration {
    guard (0..<16).contains(n), outputEnablePin, !isSleeping else { return .zero }
    let base = 0x06 + 4 * n
    let on = Int(registers[base]) | Int(registers[base + 1] & 0x0F) << 8
    let off = Int(registers[base + 2]) | Int(registers[base + 3] & 0x0F) << 8
    if registers[base + 3] & PCA9685Register.fullBit != 0 { return .zero }
    if registers[base + 1] & PCA9685Register.fullBit != 0 { return period }
    let ticks = (off - on + 4096) % 4096
    return period * Double(ticks) / 4096
  }

  public func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
    if let first = write.first {
      pointer = Int(first)
      for byte in write.dropFirst() {
        store(pointer, byte)
        advancePointer()
      }
    }
    for i in 0..<read.count {
      read[i] = registers[pointer]
      advancePointer()
    }
  }

  private func advancePointer() {
    guard registers[0] & PCA9685Register.autoIncrement != 0 else { return }
    pointer = (pointer + 1) & 0xFF
  }

  private func store(_ register: Int, _ value: UInt8) {
    let now = clock.now()
    switch register {
    case 0x00:
      let wasSleeping = isSleeping
      if value & PCA9685Register.restart != 0 {
        if now < oscillatorStableAt { restartViolations += 1 }
        // Writing 1 to RESTART clears it (and resumes the channels).
        registers[0] = (value & ~PCA9685Register.restart)
      } else {
        registers[0] = value
      }
      if wasSleeping && !isSleeping { oscillatorStableAt = now.advanced(by: .microseconds(500)) }
    case 0xFE:
      if isSleeping { registers[0xFE] = max(value, 3) } else { ignoredPrescaleWrites += 1 }
    case 0xFA...0xFD:
      registers[register] = value
      for n in 0..<16 { registers[0x06 + 4 * n + register - 0xFA] = value }
    default:
      registers[register] = value
    }
  }
}
