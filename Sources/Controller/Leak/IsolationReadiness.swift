import Atomics

/// What a crew `isolation_approve` or `isolation_abort` can act on now, as the leak
/// isolation procedure last published it (end of its cycle; any thread reads it). The
/// arbiter refuses the command (`execution`) when there is nothing to act on, so the crew
/// are not told `ok` for a command that changes nothing. The two groups run apart: a
/// command accepted on a state the procedure leaves before it reads the command is
/// still recorded as an `isolation_step` `ignored`.
public final class IsolationReadiness: Sendable {
  private static let approvable: UInt8 = 1
  private static let abortable: UInt8 = 2
  private let bits = ManagedAtomic<UInt8>(0)

  public init() {}

  /// An isolation is proposed and waits for the crew, or none runs while a leak alarm
  /// stands (the approval proposes and starts one again).
  public var canApprove: Bool { bits.load(ordering: .relaxed) & Self.approvable != 0 }
  /// An isolation is proposed or running.
  public var canAbort: Bool { bits.load(ordering: .relaxed) & Self.abortable != 0 }

  /// Publishes what the commands can act on (the procedure's thread).
  public func publish(canApprove: Bool, canAbort: Bool) {
    bits.store((canApprove ? Self.approvable : 0) | (canAbort ? Self.abortable : 0), ordering: .relaxed)
  }
}
