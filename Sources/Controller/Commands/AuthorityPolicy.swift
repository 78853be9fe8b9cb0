/// Decides whether a principal may send a command now. The arbiter asks it for every
/// command it has validated; it runs on the actuator group's thread, so it must not
/// block or allocate.
public protocol AuthorityPolicy: AnyObject {
  /// `nil` to allow; otherwise the reason for an ``RejectionCode/authority`` rejection.
  func deny(_ request: CommandRequest, safeMode: Bool) -> StaticString?
}

/// The local policy the controller ships with until the authority rules (control
/// token, ground lease, crew override) replace it: every principal may send every
/// command. What the controller itself forbids in safe mode is not a policy matter: the
/// arbiter enforces it for every policy.
public final class PermissiveLocalPolicy: AuthorityPolicy {
  public init() {}
  public func deny(_ request: CommandRequest, safeMode: Bool) -> StaticString? { nil }
}
