import HAL

/// How ``LinuxI2CBus`` retries a transaction that failed transiently.
///
/// Only bus-level transient errors are retried (`.busBusy`, `.arbitrationLost`,
/// `.timeout`): a NACK is left to the driver, which knows whether repeating its write
/// is safe (see docs/decisions/0402-i2c-retry-only-bus-level-errors.md).
public struct I2CRetryPolicy: Hashable, Sendable {
  /// Total attempts including the first (at least 1).
  public var maxAttempts: Int
  /// Pause before the second attempt; doubled for each further one.
  public var initialBackoff: Duration

  public init(maxAttempts: Int = 3, initialBackoff: Duration = .microseconds(500)) {
    self.maxAttempts = max(1, maxAttempts)
    self.initialBackoff = initialBackoff
  }

  /// No retries.
  public static let none = I2CRetryPolicy(maxAttempts: 1, initialBackoff: .zero)

  /// Whether the backend retries `error`.
  public static func isRetried(_ error: I2CError) -> Bool {
    switch error.kind {
    case .busBusy, .arbitrationLost, .timeout: return true
    default: return false
    }
  }

  /// The pause after failed attempt number `attempt` (1-based), saturating.
  public func backoff(afterAttempt attempt: Int) -> Duration {
    let shift = attempt <= 1 ? 0 : min(attempt - 1, 20)  // no `attempt - 1` at Int.min
    let nanos = initialBackoff.nanosecondsSaturated
    let (scaled, overflow) = nanos.multipliedReportingOverflow(by: Int64(1) << Int64(shift))
    return .nanoseconds(overflow ? Int64.max : scaled)
  }
}

extension I2CRetryPolicy {
  /// Runs `attempt` until it returns 0 (success). A non-zero return is an errno that
  /// `error` maps; it is retried, after `pause(backoff)`, only if ``isRetried(_:)``
  /// accepts it and attempts remain, else thrown. Errors `attempt` throws itself are
  /// never retried. The closures are non-escaping, so this allocates nothing.
  @inline(__always)
  public func run(
    _ attempt: () throws(I2CError) -> Int32, error: (Int32) -> I2CError, pause: (Duration) -> Void
  ) throws(I2CError) {
    var count = 1
    while true {
      let code = try attempt()
      if code == 0 { return }
      let failure = error(code)
      guard Self.isRetried(failure), count < maxAttempts else { throw failure }
      pause(backoff(afterAttempt: count))
      count += 1
    }
  }
}
