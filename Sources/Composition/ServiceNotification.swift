import Controller
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// systemd's notify protocol for a controller run as a `Type=notify` service
/// (docs/deployment.md, decision 1102).
///
/// It is a ``Watchdog`` the executive strokes from its health check, and only when
/// every rate group answered its ping in time (``Executive``'s health path), so:
/// - the first stroke sends `READY=1` (and `STATUS=running`): the loop has run one whole
///   health interval on a board brought up with every output at its safe value;
/// - later strokes send `WATCHDOG=1`, at most once per ``pingInterval`` of *wall* time
///   (half of `WATCHDOG_USEC`): on the `sim` board the loop runs on the virtual clock,
///   faster than real time, and systemd's deadline is in wall time; a loop that stops or
///   turns unhealthy stops stroking, so the pings stop and systemd restarts the service;
/// - ``disarm()`` (the executive's shutdown) sends `STOPPING=1`.
///
/// Pings never come from a timer of their own. Without `WATCHDOG_USEC` only `READY=1`
/// and `STOPPING=1` are sent.
public final class ServiceNotification: Watchdog, @unchecked Sendable {
  /// The protocol's one operation: send a datagram such as `READY=1`.
  public typealias Send = (String) throws(WatchdogError) -> Void

  public let name: String
  /// The least wall time between two `WATCHDOG=1` datagrams; nil: no pings.
  public let pingInterval: Duration?
  private let send: Send
  private let wallClock: any MonotonicClock
  // Touched only by the thread that runs the executive's health check.
  private var lastPing: MonotonicInstant?
  private var readySent = false
  private var stopped = false
  /// `WATCHDOG=1` datagrams sent so far.
  public private(set) var pings: UInt64 = 0

  /// A notifier that sends through `send`, pinging at most every `pingInterval` of
  /// `wallClock` time.
  public init(name: String, pingInterval: Duration?, wallClock: any MonotonicClock, send: @escaping Send) {
    self.name = name
    self.pingInterval = pingInterval
    self.wallClock = wallClock
    self.send = send
  }

  /// Whether `READY=1` has been sent.
  public var isReady: Bool { readySent }

  public func stroke() throws(WatchdogError) {
    guard !stopped else { throw WatchdogError(.closed, device: name) }
    let now = wallClock.now()
    if !readySent {
      try send("READY=1\nSTATUS=running: every rate group healthy")
      readySent = true
    }
    guard let pingInterval else { return }
    if let lastPing, lastPing.duration(to: now) < pingInterval { return }
    try send("WATCHDOG=1")
    lastPing = now
    pings &+= 1
  }

  public func disarm() throws(WatchdogError) {
    guard !stopped else { throw WatchdogError(.closed, device: name) }
    stopped = true
    try send("STOPPING=1")
  }

  /// The wall-time ping interval for a unit's `WATCHDOG_USEC`: half of it, as
  /// sd_watchdog_enabled(3) advises.
  public static func pingInterval(watchdog: Duration?) -> Duration? {
    watchdog.map { $0 / 2 }
  }

  #if canImport(LinuxHAL)
    /// The notifier for this process when systemd started it with `NOTIFY_SOCKET`
    /// (nil otherwise), pinging at half of `WATCHDOG_USEC` on the real monotonic clock.
    public static func fromEnvironment(_ environment: [String: String]) throws(WatchdogError)
      -> ServiceNotification?
    {
      guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else { return nil }
      let notifier = try SystemdNotifier(socketPath: socket)
      return ServiceNotification(
        name: notifier.name,
        pingInterval: pingInterval(watchdog: SystemdNotifier.watchdogInterval(environment: environment)),
        wallClock: SystemClock()
      ) { (message) throws(WatchdogError) in try notifier.notify(message) }
    }
  #endif
}

/// Several watchdogs stroked and disarmed together (the board's and the service
/// manager's): each is tried even when another fails; the first failure is thrown.
public final class WatchdogGroup: Watchdog {
  public let members: [any Watchdog]
  public var name: String { members.map(\.name).joined(separator: " + ") }

  public init(_ members: [any Watchdog]) { self.members = members }

  /// `first` and `second` together; one of them alone when the other is nil.
  public static func combine(_ first: (any Watchdog)?, _ second: (any Watchdog)?) -> (any Watchdog)? {
    guard let first else { return second }
    guard let second else { return first }
    return WatchdogGroup([first, second])
  }

  public func stroke() throws(WatchdogError) {
    var failure: WatchdogError?
    for member in members {
      do throws(WatchdogError) { try member.stroke() } catch { failure = failure ?? error }
    }
    if let failure { throw failure }
  }

  public func disarm() throws(WatchdogError) {
    var failure: WatchdogError?
    for member in members {
      do throws(WatchdogError) { try member.disarm() } catch { failure = failure ?? error }
    }
    if let failure { throw failure }
  }
}
