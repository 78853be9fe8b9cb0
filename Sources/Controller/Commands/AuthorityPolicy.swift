import HAL
import Station

/// Decides whether a principal may send a command now, and keeps the state that decides
/// it (who holds control, a ground lease). The arbiter calls it on the actuator group's
/// thread, so no method may block or allocate in steady state.
public protocol AuthorityPolicy: AnyObject {
  /// `nil` to allow; otherwise the reason for an ``RejectionCode/authority`` rejection.
  func deny(_ request: CommandRequest, safeMode: Bool, now: MonotonicInstant) -> StaticString?
  /// The arbiter carried out `request` (control and lease commands change the state).
  func accepted(_ request: CommandRequest, now: MonotonicInstant)
  /// Once per arbiter cycle, before any command (lease expiry).
  func tick(now: MonotonicInstant)
  /// The physical crew override switch went active (`true`) or was released.
  func crewOverride(active: Bool, now: MonotonicInstant)
  /// The crew's modules changed (``CrewLocation``, read by the arbiter each cycle); may
  /// allocate (rare).
  func crewMoved(to modules: [ModuleID])
}

extension AuthorityPolicy {
  public func accepted(_ request: CommandRequest, now: MonotonicInstant) {}
  public func tick(now: MonotonicInstant) {}
  public func crewOverride(active: Bool, now: MonotonicInstant) {}
  public func crewMoved(to modules: [ModuleID]) {}
}

/// A policy that allows every command from every principal (bench tools and tests).
/// What the controller itself forbids in safe mode is not a policy matter: the arbiter
/// enforces it for every policy.
public final class PermissiveLocalPolicy: AuthorityPolicy {
  public init() {}
  public func deny(_ request: CommandRequest, safeMode: Bool, now: MonotonicInstant) -> StaticString? { nil }
}
