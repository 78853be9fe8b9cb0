import Controller
import Foundation
import HAL

/// Submits link requests to the arbiter and routes its responses back by request id.
///
/// One thread (`cloak-link-router`) polls `arbiter.responses` every ``pollInterval``; the
/// rate groups never wait on the link. The link's request ids come from a range of their own
/// (``RequestIDSpace/router``, from ``firstID``), so they never collide with the scenario
/// runner's, the scheduler's or the isolation's (decision 1414).
/// A response whose id has no entry in the routing table belongs to another submitter: it is
/// kept (the newest ``unclaimedCapacity``) for ``takeUnclaimed()`` rather than lost. A request
/// with no response within ``responseTimeout`` is answered `busy` and its entry dropped, so a
/// stuck controller never leaks table entries or hangs a client.
public final class ResponseRouter: @unchecked Sendable {
  public typealias Completion = @Sendable (CommandResponse) -> Void

  public static let firstID: UInt64 = RequestIDSpace.router.first
  public let pollInterval: Duration
  public let responseTimeout: Duration
  public let unclaimedCapacity = 256

  private let arbiter: CommandArbiter
  private let lock = NSLock()
  private var table: [UInt64: (deadline: ContinuousClock.Instant, completion: Completion)] = [:]
  private var unclaimed: [CommandResponse] = []
  private var ids = RequestIDCounter(.router)
  private var running = true
  private var thread: Thread?
  /// Whether the router's thread pops ``CommandArbiter/responses`` itself; when false the
  /// one thread that already drains them (the scenario runner) hands each to ``offer(_:)``.
  public let drainsArbiter: Bool

  /// `drainsArbiter`: false where another thread drains the arbiter's responses (the
  /// sim board's ``ScenarioRun``) and offers them here: the arbiter's response queue has
  /// one consumer.
  public init(
    arbiter: CommandArbiter, pollInterval: Duration = .milliseconds(1), responseTimeout: Duration = .seconds(5),
    drainsArbiter: Bool = true
  ) {
    self.arbiter = arbiter
    self.drainsArbiter = drainsArbiter
    self.pollInterval = pollInterval
    self.responseTimeout = responseTimeout
    thread = NamedThread.start("cloak-router") { [self] in loop() }
  }

  /// Submits `command` from `principal`; `completion` runs once with the response (on the
  /// router thread, or at once on this thread when the arbiter's queue is full).
  public func submit(_ command: Command, by principal: Principal, completion: @escaping Completion) {
    lock.lock()
    let id = ids.take()
    guard running else {
      lock.unlock()
      completion(CommandResponse(requestID: id, result: .rejected(.busy, reason: "command link stopped")))
      return
    }
    table[id] = (ContinuousClock.now + responseTimeout, completion)
    lock.unlock()
    if let refused = arbiter.submit(CommandRequest(id: id, principal: principal, command: command)) {
      // Answered here only if no one else has (`stop()` may have answered it `busy`
      // meanwhile): a completion runs once.
      lock.lock()
      let mine = table.removeValue(forKey: id) != nil
      lock.unlock()
      if mine { completion(refused) }
    }
  }

  /// Requests waiting for a response.
  public var pending: Int {
    lock.lock()
    defer { lock.unlock() }
    return table.count
  }

  /// Responses to other submitters seen by the router, oldest first (and forgets them).
  public func takeUnclaimed() -> [CommandResponse] {
    lock.lock()
    defer { lock.unlock() }
    let out = unclaimed
    unclaimed.removeAll()
    return out
  }

  /// Routes `response` to the request of this router it answers (its completion runs on
  /// the calling thread); returns false, and does nothing, when it is not one of ours.
  /// Used by the thread that drains the arbiter when ``drainsArbiter`` is false.
  @discardableResult
  public func offer(_ response: CommandResponse) -> Bool {
    lock.lock()
    let entry = table.removeValue(forKey: response.requestID)
    lock.unlock()
    guard let entry else { return false }
    entry.completion(response)
    return true
  }

  /// Stops the thread; pending requests are answered `busy`.
  public func stop() {
    lock.lock()
    running = false
    let left = table
    table.removeAll()
    lock.unlock()
    for (id, entry) in left {
      entry.completion(CommandResponse(requestID: id, result: .rejected(.busy, reason: "command link stopped")))
    }
  }

  private func loop() {
    while true {
      var ready: [(Completion, CommandResponse)] = []
      lock.lock()
      guard running else {
        lock.unlock()
        return
      }
      while drainsArbiter, let response = arbiter.responses.pop() {
        if let entry = table.removeValue(forKey: response.requestID) {
          ready.append((entry.completion, response))
        } else {
          unclaimed.append(response)
          if unclaimed.count > unclaimedCapacity { unclaimed.removeFirst(unclaimed.count - unclaimedCapacity) }
        }
      }
      let now = ContinuousClock.now
      for (id, entry) in table where entry.deadline <= now {
        table[id] = nil
        ready.append(
          (entry.completion, CommandResponse(requestID: id, result: .rejected(.busy, reason: "no response in time"))))
      }
      lock.unlock()
      for (completion, response) in ready { completion(response) }
      Thread.sleep(
        forTimeInterval: Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) * 1e-18)
    }
  }
}
