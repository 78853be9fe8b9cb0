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
/// active-low OE pin (``outputEnablePin``), the LED All Call and sub-call addresses
/// (acknowledged while MODE1.ALLCALL / SUBn are set, at ALLCALLADR / SUBADRn >> 1: on
/// a bus with several PCA9685s every one of them answers 0x70 from power-up), and the
/// clock source: the internal oscillator unless MODE1.EXTCLK was set by the datasheet's
/// sequence (written together with SLEEP while asleep), after which the chip runs on
/// ``externalClock`` until a power-on reset. ``pulseWidth(channel:)`` is what each
/// output generates now. Placement: 0x40...0x77 (address pins A5...A0, the I2C
/// reserved range excluded).
public final class PCA9685Emulator: SimulatedI2CDevice {
  public let clock: any MonotonicClock
  /// The chip's real internal oscillator (may differ from the driver's calibration value).
  public var oscillator: Frequency
  /// The clock wired to the EXTCLK pin, if any: used only once MODE1.EXTCLK is set.
  public var externalClock: Frequency?
  /// Set by MODE1.EXTCLK (sticky: only a power-on reset clears it, datasheet 7.3.1).
  public private(set) var usesExternalClock = false
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
    usesExternalClock = false
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

  public func placementProblem(at address: UInt8) -> String? { I2CChipKind.pca9685.addressProblem(address) }

  public var hasGroupAddresses: Bool { true }

  /// LED All Call (MODE1 bit 0, ALLCALLADR 0x05) and sub-call 1...3 (MODE1 bits 3...1,
  /// SUBADR1...3 0x02...0x04); the registers hold 8-bit addresses (bit 0 ignored).
  public func answersGroupAddress(_ address: UInt8) -> Bool {
    // Called for every transaction on the bus: no allocation, one access to the registers.
    registers.withUnsafeBufferPointer { registers in
      let mode1 = registers[0]
      if mode1 & PCA9685Register.allCall != 0, registers[0x05] >> 1 == address { return true }
      if mode1 & 0x08 != 0, registers[0x02] >> 1 == address { return true }
      if mode1 & 0x04 != 0, registers[0x03] >> 1 == address { return true }
      return mode1 & 0x02 != 0 && registers[0x04] >> 1 == address
    }
  }

  /// The oscillator the chip runs on now: the internal one, or the EXTCLK input once
  /// MODE1.EXTCLK is set (zero frequency when nothing is wired there).
  public var activeOscillator: Frequency {
    usesExternalClock ? (externalClock ?? Frequency(hertz: 0)) : oscillator
  }
  public var prescale: UInt8 { registers[0xFE] }

  /// The PWM period the chip generates: (PRE_SCALE + 1) * 4096 / the active oscillator
  /// (zero when it runs on an EXTCLK input with nothing wired).
  public var period: Duration { PCA9685Timing.period(prescale: prescale, oscillator: activeOscillator) }

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
      // EXTCLK: set only by writing it with SLEEP while asleep; never cleared by a write.
      if wasSleeping, value & PCA9685Register.extclk != 0, value & PCA9685Register.sleep != 0 {
        usesExternalClock = true
      }
      let value = usesExternalClock ? value | PCA9685Register.extclk : value & ~PCA9685Register.extclk
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
