import HAL

/// The PWM timing a PCA9685 really generates for a requested frequency: the prescale
/// the driver programs and the period that prescale gives.
///
/// The one computation behind both ``PCA9685/initialise(frequency:clock:)`` and board
/// validation, so a board that validates is a board the driver can start.
/// Formulas (NXP PCA9685 datasheet 7.3.5, equation 1): prescale = round(osc / (4096 f))
/// - 1, accepted in 3...255 (PRE_SCALE's minimum value is 3); the period is
/// (prescale + 1) x 4096 / osc.
public struct PCA9685Timing: Hashable, Sendable {
  /// The values PRE_SCALE accepts (writes below 3 are forced to 3 by the chip).
  public static let prescaleRange: ClosedRange<Int> = 3...255
  /// The internal oscillator: 25 MHz nominal; real parts measure 23...27 MHz. A value
  /// outside this spread can only be an external clock on the EXTCLK pin, which the
  /// chip uses only after MODE1.EXTCLK is set (sticky until power cycle); Cloak does not
  /// drive EXTCLK (decision 0210), so such an oscillator is refused.
  public static let internalOscillatorHz: ClosedRange<Double> = 23_000_000...27_000_000
  public static let nominalOscillator = Frequency(hertz: 25_000_000)

  /// The value written to PRE_SCALE.
  public let prescale: UInt8
  /// The PWM period that prescale gives on `oscillator`.
  public let period: Duration
  public let frequency: Frequency
  public let oscillator: Frequency

  /// The unclamped prescale the driver would compute (datasheet equation 1, rounded to
  /// the nearest integer as the driver does); nil for non-positive or non-finite input.
  public static func rawPrescale(frequency: Frequency, oscillator: Frequency) -> Double? {
    guard frequency.hertz > 0, oscillator.hertz > 0, frequency.hertz.isFinite, oscillator.hertz.isFinite else {
      return nil
    }
    let value = (oscillator.hertz / (4096 * frequency.hertz)).rounded() - 1
    return value.isFinite ? value : nil
  }

  /// The period the chip generates for `prescale`: (prescale + 1) x 4096 / osc. Zero for
  /// an oscillator that is not positive and finite; saturates at Int64 nanoseconds.
  public static func period(prescale: UInt8, oscillator: Frequency) -> Duration {
    guard oscillator.hertz > 0, oscillator.hertz.isFinite else { return .zero }
    let nanoseconds = (Double(Int(prescale) + 1) * 4096 / oscillator.hertz * 1e9).rounded()
    return .nanoseconds(Int64(exactly: nanoseconds) ?? .max)
  }

  /// The timing for `frequency` on `oscillator`; throws when the oscillator is outside
  /// the internal oscillator's spread or the prescale falls outside 3...255.
  public init(frequency: Frequency, oscillator: Frequency) throws(PCA9685TimingError) {
    guard Self.internalOscillatorHz.contains(oscillator.hertz) else {
      throw .externalClock(oscillator: oscillator)
    }
    guard let raw = Self.rawPrescale(frequency: frequency, oscillator: oscillator) else {
      throw .invalidFrequency(frequency)
    }
    guard raw >= Double(Self.prescaleRange.lowerBound), raw <= Double(Self.prescaleRange.upperBound) else {
      throw .prescaleOutOfRange(prescale: raw, frequency: frequency, oscillator: oscillator)
    }
    self.prescale = UInt8(raw)
    self.period = Self.period(prescale: prescale, oscillator: oscillator)
    self.frequency = frequency
    self.oscillator = oscillator
  }
}

/// Why a PCA9685 cannot run at a frequency.
public enum PCA9685TimingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The oscillator is outside the internal oscillator's 23...27 MHz spread.
  case externalClock(oscillator: Frequency)
  /// Not a positive, finite frequency.
  case invalidFrequency(Frequency)
  /// round(osc / (4096 f)) - 1 is outside 3...255.
  case prescaleOutOfRange(prescale: Double, frequency: Frequency, oscillator: Frequency)

  public var description: String {
    switch self {
    case .externalClock(let osc):
      return "oscillator \(megahertz(osc)) is outside the internal oscillator's 23-27 MHz spread: that is an "
        + "external clock on EXTCLK, which Cloak does not drive (MODE1.EXTCLK is sticky until power cycle)"
    case .invalidFrequency(let f):
      return "frequency \(f) is not a positive, finite frequency"
    case .prescaleOutOfRange(let prescale, let f, let osc):
      return "prescale round(\(megahertz(osc)) / (4096 x \(hertz(f)))) - 1 = \(Int64(prescale)) is outside the "
        + "chip's 3...255"
    }
  }
}

private func hertz(_ f: Frequency) -> String {
  f.hertz.rounded() == f.hertz && abs(f.hertz) < 1e15 ? "\(Int64(f.hertz)) Hz" : "\(f.hertz) Hz"
}

private func megahertz(_ f: Frequency) -> String {
  let mhz = f.hertz / 1e6
  return mhz.rounded() == mhz && abs(mhz) < 1e15 ? "\(Int64(mhz)) MHz" : "\(mhz) MHz"
}
