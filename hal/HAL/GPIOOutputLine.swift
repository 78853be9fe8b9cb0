/// An output line this process owns.
///
/// A handle owns its line until ``release()`` (or until it is deallocated): a second
/// request of the same line, from this process or another, fails with
/// ``GPIOError/Kind/lineBusy``. Handles are classes rather than `~Copyable` values so
/// actuators can store them and tests can hold them as existentials (see
/// docs/decisions/0002-gpio-handles-are-classes.md).
public protocol GPIOOutputLine: AnyObject {
  /// The line this handle owns.
  var id: GPIOLineID { get }

  /// Drives the line to the logical `value` (active-low inverts it on the wire).
  ///
  /// On the wire: one line-value ioctl; no read-back. Throws ``GPIOError`` with
  /// kind `.released` after ``release()``, or `.io` when the kernel refuses.
  func set(_ value: Bool) throws(GPIOError)

  /// The logical value last written (the request's initial value before any `set`).
  var lastValue: Bool { get }

  /// Gives the line back to the kernel. Idempotent. What the line does afterwards
  /// depends on the hardware (pull resistors): board files document it.
  func release()
}
