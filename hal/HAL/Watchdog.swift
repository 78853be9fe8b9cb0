/// A watchdog the controller must keep stroking while it is healthy.
///
/// Implemented by `/dev/watchdog` and by systemd's `sd_notify(WATCHDOG=1)` in the Linux
/// backend, and by a counting double in the mock HAL. The executive strokes it only
/// while every component answers its health ping, so a hung loop lets the hardware
/// (or systemd) restart the system.
public protocol Watchdog: AnyObject {
  /// A name for logs (`/dev/watchdog`, `systemd`).
  var name: String { get }

  /// Resets the watchdog's countdown. Errors are reported, never retried blindly.
  func stroke() throws(WatchdogError)

  /// Stops the watchdog deliberately (the magic close on `/dev/watchdog`), for an
  /// orderly shutdown. After this, `stroke()` throws `.closed`.
  func disarm() throws(WatchdogError)
}

/// A watchdog failure.
public struct WatchdogError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    case notFound
    case permissionDenied
    case closed
    case io(errno: Int32)
  }

  public var kind: Kind
  public var device: String

  public init(_ kind: Kind, device: String) {
    self.kind = kind
    self.device = device
  }

  public var description: String { "watchdog \(device): \(kind)" }
}
