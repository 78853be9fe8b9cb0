/// The request-id spaces of the senders that share the one arbiter (decision 1414). A
/// response is routed by its request id alone, so two senders must never hand out the
/// same id: each sender numbers only inside its own space, and the spaces are disjoint
/// by construction (the top two bits and the 2^40 boundary tell them apart):
///
/// | space | ids | who |
/// |---|---|---|
/// | ``chosen`` | 0 ..< 2^40 | ids a sender picks itself: scenario timelines, tests, `cloak` subcommands' own numbering |
/// | ``router`` | 2^40 ..< 2^62 | the ResponseRouter (command link and operator API) |
/// | ``scheduler`` | 2^63 ..< 2^63 + 2^62 | the inspection scheduler: bits 40-61 its boot epoch (mod 2^22), bits 0-39 a counter |
/// | ``isolation`` | 2^63 + 2^62 ..< 2^64 | the leak isolation procedure |
///
/// (2^62 ..< 2^63 is left unused.) A counter that reaches the end of its space wraps to
/// the space's start, never into another's.
public enum RequestIDSpace: CaseIterable, Sendable, Hashable {
  case chosen
  case router
  case scheduler
  case isolation

  /// The space's first id.
  public var first: UInt64 {
    switch self {
    case .chosen: return 0
    case .router: return 1 << 40
    case .scheduler: return 1 << 63
    case .isolation: return (1 << 63) | (1 << 62)
    }
  }

  /// The space's last id.
  public var last: UInt64 {
    switch self {
    case .chosen: return (1 << 40) - 1
    case .router: return (1 << 62) - 1
    case .scheduler: return (1 << 63) | ((1 << 62) - 1)
    case .isolation: return .max
    }
  }

  public func contains(_ id: UInt64) -> Bool { id >= first && id <= last }

  /// The space `id` is in (nil: the unused 2^62 ..< 2^63).
  public static func of(_ id: UInt64) -> RequestIDSpace? { allCases.first { $0.contains(id) } }

  /// Bits of the scheduler's boot epoch kept in its ids.
  public static let schedulerEpochBits: UInt64 = 22

  /// The boot epoch a scheduler id carries (nil: not a scheduler id).
  public static func schedulerEpoch(of id: UInt64) -> UInt64? {
    RequestIDSpace.scheduler.contains(id) ? (id >> 40) & ((1 << schedulerEpochBits) - 1) : nil
  }
}

/// Hands out request ids inside one range (of a ``RequestIDSpace``): the first call gives
/// `first`, then each next id, wrapping from `last` back to `first`. No allocation.
public struct RequestIDCounter: Sendable, Hashable {
  public let first: UInt64
  public let last: UInt64
  private var next: UInt64

  /// Ids from `first` through `last` (`last` >= `first`).
  public init(first: UInt64, last: UInt64) {
    self.first = first
    self.last = max(last, first)
    next = first
  }

  /// The whole of `space`.
  public init(_ space: RequestIDSpace) { self.init(first: space.first, last: space.last) }

  /// The scheduler's ids for `bootEpoch` (mod 2^22): bits 40-61 the epoch, a 40-bit
  /// counter below, inside ``RequestIDSpace/scheduler``.
  public static func scheduler(bootEpoch: UInt64) -> RequestIDCounter {
    let epoch = bootEpoch & ((1 << RequestIDSpace.schedulerEpochBits) - 1)
    let base = RequestIDSpace.scheduler.first | (epoch << 40)
    return RequestIDCounter(first: base, last: base | ((1 << 40) - 1))
  }

  /// The next id.
  public mutating func take() -> UInt64 {
    let id = next
    next = id == last ? first : id &+ 1
    return id
  }
}
