import HAL

/// One PCA9685 output as a ``PWMChannel``.
///
/// The width is rounded to the nearest 1/4096 of the period; ``pulseWidth`` reports
/// the rounded width the chip generates. Disabled means full off (the channel's safe
/// state); enabling writes the last width.
public final class PCA9685Channel: PWMChannel {
  public let chip: PCA9685
  public let index: Int
  public let name: String
  public private(set) var pulseWidth: Duration = .zero
  public private(set) var isEnabled = false

  init(chip: PCA9685, index: Int) {
    self.chip = chip
    self.index = index
    self.name = "\(chip.device)/ch\(index)"
  }

  public var period: Duration { chip.period ?? .zero }

  /// Only the period the chip was initialised with is accepted (it is shared).
  public func setPeriod(_ period: Duration) throws(PWMError) {
    guard period == self.period else {
      throw PWMError(.unsupported, channel: name, detail: "the period is shared by all 16 channels")
    }
  }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    let counts: Int
    do { counts = try chip.counts(for: width) } catch {
      throw PWMError(error.kind, channel: name, detail: error.detail)
    }
    if isEnabled { try write(counts) }
    pulseWidth = period * Double(counts) / 4096
  }

  public func setEnabled(_ enabled: Bool) throws(PWMError) {
    let counts: Int
    do { counts = enabled ? try chip.counts(for: pulseWidth) : 0 } catch {
      throw PWMError(error.kind, channel: name, detail: error.detail)
    }
    try write(counts)
    isEnabled = enabled
  }

  private func write(_ counts: Int) throws(PWMError) {
    do { try chip.setPulse(channel: index, counts: counts) } catch {
      throw PWMError(error.kind, channel: name, detail: error.detail)
    }
  }
}
