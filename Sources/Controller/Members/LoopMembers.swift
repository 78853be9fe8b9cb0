import HAL

/// The 1 kHz base group's member: bookkeeping only (no device I/O on the base tick).
public final class TickCounter: CountingMember, @unchecked Sendable {
  public let name = "tick-counter"
  public private(set) var count: UInt64 = 0
  public init() {}
  public func run(_ tick: TickContext) { count &+= 1 }
  public func runCycles(_ count: UInt64, last: TickContext) { self.count &+= count }
}
