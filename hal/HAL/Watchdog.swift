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

  /// Whether ``disarm()`` cannot stop it (a kernel watchdog driver built or loaded with
  /// `nowayout`): nil when it cannot be told. Default nil.
  var nowayout: Bool? { get }

  /// Time until it fires if no stroke comes, when it can be told. Default nil.
  var timeLeft: Duration? { get }
}

extension Watchdog {
  public var nowayout: Bool? { nil }
  public var timeLeft: Duration? { nil }
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
  /// What else the caller should know (for example what became of a device opened and
  /// then given up); empty when nothing.
  public var detail: String

  public init(_ kind: Kind, device: String, detail: String = "") {
    self.kind = kind
    self.device = device
    self.detail = detail
  }

  public var description: String { "watchdog \(device): \(kind)" + (detail.isEmpty ? "" : ": \(detail)") }
}

/// What a user is told when a start failed after the watchdog was opened and the
/// controller gave it up (the magic close): whether the board will still reset, and when.
public enum WatchdogAbandonment {
  /// - Parameters:
  ///   - nowayout: the kernel's `nowayout` (nil: unknown).
  ///   - disarmed: whether the magic close (or the double's disarm) succeeded.
  ///   - within: the time left before the watchdog fires, when known.
  public static func message(nowayout: Bool?, disarmed: Bool, within: Duration?) -> String {
    let when = within.map { "within \(Int64($0.secondsDouble.rounded(.up))) s" } ?? "after its timeout"
    if nowayout == true {
      return "the watchdog has nowayout, so it cannot be stopped: the board will reset \(when)"
    }
    guard disarmed else {
      return "the magic close failed: the board will reset \(when) unless the watchdog is stopped"
    }
    if nowayout == nil {
      return "disarmed with the magic close (should the kernel have nowayout, the board will still reset \(when))"
    }
    return "disarmed with the magic close: the board will not reset"
  }
}
