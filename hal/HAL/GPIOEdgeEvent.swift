/// One edge seen on an input line.
public struct GPIOEdgeEvent: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    /// Logical value went from inactive to active.
    case rising
    /// Logical value went from active to inactive.
    case falling
  }

  public var kind: Kind
  /// When the edge happened, on the monotonic time line (kernel timestamp on Linux).
  public var timestamp: MonotonicInstant
  /// The line's event sequence number, starting at 1; gaps mean events were lost.
  public var sequence: UInt64

  public init(kind: Kind, timestamp: MonotonicInstant, sequence: UInt64) {
    self.kind = kind
    self.timestamp = timestamp
    self.sequence = sequence
  }
}
