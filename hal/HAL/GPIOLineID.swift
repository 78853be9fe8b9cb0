/// Names a GPIO line the way the board file does: by chip label and line name.
///
/// Never by global GPIO number: those shifted by 512 on recent Raspberry Pi kernels,
/// and gpiochip numbers change between kernels (the Pi 5's header chip moved from
/// gpiochip4 to gpiochip0). Labels and names are stable.
public struct GPIOLineID: Hashable, Sendable, CustomStringConvertible {
  /// The chip's label, e.g. `pinctrl-bcm2711`.
  public var chip: String
  /// The line's name on that chip, e.g. `GPIO17`.
  public var line: String

  public init(chip: String, line: String) {
    self.chip = chip
    self.line = line
  }

  public var description: String { "\(chip)/\(line)" }
}
