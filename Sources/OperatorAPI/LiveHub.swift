import Foundation
import NIOCore

/// The WebSocket clients of `/api/v1/live` and their bounded queues (decision 1403).
///
/// The API's pump task (never a rate group) ``broadcast(_:)``s each message to every
/// client's queue: an `AsyncStream` holding at most ``queueCapacity`` messages. A client
/// whose queue is full (it does not read, or its connection cannot take the bytes) is
/// dropped: its stream is finished and its channel closed, counted in ``dropped``; the
/// other clients and the controller never wait for it.
///
/// At the server's stop, ``closeAll()`` ends every client's queue and marks the hub
/// stopping: each session then sends a close frame (1001, going away) and ends, and the
/// stop waits up to a second for them (``waitForSessions(seconds:)``) before the server
/// closes what is left, so a dashboard learns the controller stopped rather than seeing
/// the connection cut.
final class LiveHub: @unchecked Sendable {
  let queueCapacity: Int
  private let lock = NSLock()
  private var clients: [UInt64: (continuation: AsyncStream<String>.Continuation, close: @Sendable () -> Void)] = [:]
  private var nextID: UInt64 = 0
  private var droppedCount = 0
  private var sessions = 0
  private var stopping = false

  init(queueCapacity: Int = 64) { self.queueCapacity = max(queueCapacity, 1) }

  /// A new client: its id and the stream of messages for it. `close` closes its
  /// connection (called when it is dropped).
  func join(close: @escaping @Sendable () -> Void) -> (id: UInt64, messages: AsyncStream<String>) {
    let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(queueCapacity))
    lock.lock()
    nextID += 1
    let id = nextID
    sessions += 1
    if stopping {
      lock.unlock()
      continuation.finish()
      return (id, stream)
    }
    clients[id] = (continuation, close)
    lock.unlock()
    return (id, stream)
  }

  /// A session's end (every ``join(close:)`` is matched by one).
  func leave(_ id: UInt64) {
    lock.lock()
    let client = clients.removeValue(forKey: id)
    sessions -= 1
    lock.unlock()
    client?.continuation.finish()
  }

  /// Queues `message` for every client; drops each client whose queue is full.
  func broadcast(_ message: String) {
    lock.lock()
    let current = clients
    lock.unlock()
    for (id, client) in current {
      if case .dropped = client.continuation.yield(message) {
        lock.lock()
        let removed = clients.removeValue(forKey: id) != nil
        if removed { droppedCount += 1 }
        lock.unlock()
        client.continuation.finish()
        client.close()
      }
    }
  }

  /// Queues `message` for one client (its greeting); false if it was dropped.
  func send(_ message: String, to id: UInt64) {
    lock.lock()
    let client = clients[id]
    lock.unlock()
    _ = client?.continuation.yield(message)
  }

  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return clients.count
  }

  /// Clients dropped for a full queue since the start.
  var dropped: Int {
    lock.lock()
    defer { lock.unlock() }
    return droppedCount
  }

  /// Whether the server is stopping (a session whose queue ended says goodbye).
  var isStopping: Bool {
    lock.lock()
    defer { lock.unlock() }
    return stopping
  }

  /// Ends every client's queue (server stop); sessions joining later end at once.
  func closeAll() {
    lock.lock()
    stopping = true
    let current = clients
    clients.removeAll()
    lock.unlock()
    for client in current.values { client.continuation.finish() }
  }

  /// Waits until every session has left, at most `seconds`; true if they all did.
  func waitForSessions(seconds: Double) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
      if lock.withLock({ sessions == 0 }) { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return lock.withLock { sessions == 0 }
  }
}
