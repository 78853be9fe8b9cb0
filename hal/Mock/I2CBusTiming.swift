import HAL

/// How long simulated I2C transactions take, charged to a ``VirtualClock``.
///
/// A transaction costs its bits on the wire at ``bitRate``: START and STOP, 9 bits
/// (8 data + ACK) for the address and each written byte, and if it reads, a repeated
/// START, the address again and 9 bits per read byte. A transaction that fails
/// (NACK, bus busy, arbitration lost) costs the address phase; an injected `.timeout`
/// costs ``timeout``. Clock stretching and inter-transaction gaps are not modelled.
/// Attach with ``SimulatedI2CBus/timing`` so a loop's bus budget shows up in virtual
/// time.
public struct I2CBusTiming {
  /// What a transaction spent on the bus.
  enum Cost {
    case transaction(write: Int, read: Int)
    case addressPhase
    case timeout
  }

  public let clock: VirtualClock
  /// The SCL frequency: 100 kHz (standard mode, the Raspberry Pi default) or 400 kHz.
  public var bitRate: Frequency
  /// How long a transaction that times out holds the caller (the SMBus limit is 25-35 ms;
  /// Linux adapters often wait longer).
  public var timeout: Duration

  public init(
    clock: VirtualClock, bitRate: Frequency = Frequency(hertz: 100_000), timeout: Duration = .milliseconds(35)
  ) {
    self.clock = clock
    self.bitRate = bitRate
    self.timeout = timeout
  }

  /// Time on the wire of a successful `writeRead` with these byte counts.
  public func duration(write: Int, read: Int) -> Duration {
    duration(ofBits: bits(write: write, read: read))
  }

  func spend(_ cost: Cost) {
    switch cost {
    case .transaction(let write, let read): clock.advance(by: duration(write: write, read: read))
    case .addressPhase: clock.advance(by: duration(ofBits: 2 + 9))
    case .timeout: clock.advance(by: timeout)
    }
  }

  private func bits(write: Int, read: Int) -> Int64 {
    let writeBytes = Int64(clamping: max(0, write))
    let readBytes = Int64(clamping: max(0, read))
    var bits: Int64 = 2  // START and STOP
    if writeBytes > 0 || readBytes == 0 { bits = bits.addingSaturated(9 &* (1 &+ min(writeBytes, 1 << 40))) }
    if readBytes > 0 {
      bits = bits.addingSaturated(9 &* (1 &+ min(readBytes, 1 << 40)) &+ (writeBytes > 0 ? 1 : 0))
    }
    return bits
  }

  private func duration(ofBits bits: Int64) -> Duration {
    guard let bitTime = bitRate.period else { return .zero }
    let (total, overflow) = bitTime.nanosecondsSaturated.multipliedReportingOverflow(by: bits)
    return .nanoseconds(overflow ? Int64.max : total)
  }
}

extension Int64 {
  fileprivate func addingSaturated(_ other: Int64) -> Int64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other < 0 ? .min : .max) : sum
  }
}
