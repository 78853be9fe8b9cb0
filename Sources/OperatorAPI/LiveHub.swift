import Foundation
import NIOCore

/// The WebSocket clients of `/api/v1/live` and their bounded queues (decision 1403).
///
/// The API's pump task (never a rate group) ``broadcast(_:)``s each message to every
/// client's queue: an `AsyncStream` holding at most ``queueCapacity`` messages. A client
/// whose queue is full (it does not read, or its connection cannot take the bytes) is
/// dropped: its stream is finished and its channel closed, counted in ``dropped``; the
/// other clients and the controller never wait for it.
final class LiveHub: @unchecked Sendable {
  let queueCapacity: Int
  private let lock = NSLock()
  private var clients: [UInt64: (continuation: AsyncStream<String>.Continuation, close: @Sendable () -> Void)] = [:]
  private var nextID: UInt64 = 0
  private var droppedCount = 0

  init(queueCapacity: Int = 64) { self.queueCapacity = max(queueCapacity, 1) }

  /// A new client: its id and the stream of messages for it. `close` closes its
  /// connection (called when it is dropped).
  func join(close: @escaping @Sendable () -> Void) -> (id: UInt64, messages: AsyncStream<String>) {
    let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(queueCapacity))
    lock.lock()
    nextID += 1
    let id = nextID
    clients[id] = (continuation, close)
    lock.unlock()
    return (id, stream)
  }

  func leave(_ id: UInt64) {
    lock.lock()
    let client = clients.removeValue(forKey: id)
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

  /// Ends every client (server stop).
  func closeAll() {
    lock.lock()
    let current = clients
    clients.removeAll()
    lock.unlock()
    for client in current.values {
      client.continuation.finish()
      client.close()
    }
  }
}
