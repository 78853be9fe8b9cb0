import Boards
import HAL

extension RunningBoard {
  /// Every output whose last written value is not its safe value, as `ROLE: what it
  /// is, what is safe` (empty when the whole board is safe). GPIO outputs compare the
  /// logical level last set with the line's safe level; PWM outputs compare the pulse
  /// width with the one ``applySafeState()`` writes for the output's ``SafeValue``
  /// (within one 12-bit step of the period, the PCA9685's resolution).
  /// Read after a run to show that its stop left every output safe.
  public func outputsAwayFromSafe() -> [String] {
    var away: [String] = []
    for (role, line) in outputs.sorted(by: { $0.key < $1.key }) {
      guard let spec = board.lines[role], line.lastValue != spec.safeLevel else { continue }
      away.append("\(role): level \(line.lastValue ? 1 : 0), safe \(spec.safeLevel ? 1 : 0)")
    }
    for (role, channel) in pwmChannels.sorted(by: { $0.key < $1.key }) {
      guard let spec = board.pwmOutputs[role] else { continue }
      let safe: Duration
      switch spec.safe {
      case .off, .level(false), .hold: safe = .zero
      case .pulse(let width): safe = width
      case .level(true): safe = channel.period
      }
      // A PCA9685 channel holds the pulse in 1/4096ths of its period (decision 0305):
      // one step off the exact width is that width.
      let step = channel.period / 4096
      let error = channel.pulseWidth > safe ? channel.pulseWidth - safe : safe - channel.pulseWidth
      guard error > step else { continue }
      away.append("\(role): pulse \(channel.pulseWidth), safe \(safe)")
    }
    return away
  }

  /// The number of outputs ``outputsAwayFromSafe()`` checks.
  public var outputCount: Int {
    outputs.keys.filter { board.lines[$0] != nil }.count
      + pwmChannels.keys.filter { board.pwmOutputs[$0] != nil }.count
  }
}
