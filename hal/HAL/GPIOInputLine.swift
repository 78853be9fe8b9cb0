/// An input line this process owns, optionally with edge events.
///
/// Ownership is as for ``GPIOOutputLine``: one owner at a time.
public protocol GPIOInputLine: AnyObject {
  /// The line this handle owns.
  var id: GPIOLineID { get }

  /// Reads the logical value (active-low inverted). One line-value ioctl.
  func value() throws(GPIOError) -> Bool

  /// Waits at most `timeout` for the next edge event and returns it, or `nil` on
  /// time-out. Events are queued by the kernel (or the simulator) in order, with the
  /// timestamps taken when the edge happened, not when it was read. Throws kind
  /// `.unsupported` if the line was requested with `edges: .none`.
  func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent?

  /// Gives the line back. Idempotent.
  func release()
}
