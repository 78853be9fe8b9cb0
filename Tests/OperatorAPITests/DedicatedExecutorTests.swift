import Foundation
import Testing

@testable import OperatorAPI

/// The API's own thread: its tasks run there, and after `shutdown` the thread ends once the
/// work queued so far has run, which `awaitEnd` waits for (so a program never exits while
/// the thread is inside a job).
@Suite struct DedicatedExecutorTests {
  final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    func set(_ name: String?) { lock.withLock { value = name } }
    var name: String? { lock.withLock { value } }
  }

  static func threadName() -> String? { Thread.current.name }

  @Test func tasksRunOnTheThreadAndItEndsAfterShutdown() async {
    let executor = DedicatedExecutor(name: "cloak-test-exec")
    let seen = Flag()
    await Task.detached(executorPreference: executor) {
      seen.set(Self.threadName())
    }.value
    #expect(seen.name == "cloak-test-exec")
    #expect(!executor.awaitEnd(seconds: 0.05))
    executor.shutdown()
    #expect(executor.awaitEnd(seconds: 5))
    #expect(executor.awaitEnd(seconds: 0))
  }
}
