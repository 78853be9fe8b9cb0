import HAL

/// A watchdog double whose strokes and disarm are checked against a ``TransactionScript``.
///
/// Each `stroke()` consumes an ``ExpectedInteraction/watchdogStroke(_:)`` and each `disarm()` an
/// ``ExpectedInteraction/watchdogDisarm(_:)`` with this double's ``name``; a mismatch is
/// recorded in the script and throws `.io`. After a disarm, strokes throw `.closed`
/// without consulting the script, as `/dev/watchdog` does after its magic close.
public final class ScriptedWatchdog: Watchdog, @unchecked Sendable {
  public let name: String
  private let script: TransactionScript
  /// Whether ``disarm()`` has succeeded.
  public private(set) var isDisarmed = false

  public init(name: String = "scripted-watchdog", script: TransactionScript) {
    self.name = name
    self.script = script
  }

  public func stroke() throws(WatchdogError) {
    guard !isDisarmed else { throw WatchdogError(.closed, device: name) }
    guard script.consume(.watchdogStroke(name), from: "watchdog \(name)") != nil else {
      throw WatchdogError(.io(errno: 0), device: name)
    }
  }

  public func disarm() throws(WatchdogError) {
    guard !isDisarmed else { return }
    guard script.consume(.watchdogDisarm(name), from: "watchdog \(name)") != nil else {
      throw WatchdogError(.io(errno: 0), device: name)
    }
    isDisarmed = true
  }
}
