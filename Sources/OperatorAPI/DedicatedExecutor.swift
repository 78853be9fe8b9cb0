import Controller
import Foundation
import HAL

/// A task executor with one thread of its own: the operator API's tasks (the server, its
/// connections and the live pump, with every child task they start) run there, so they
/// never wait for a turn on Swift's cooperative pool, which other code in the process
/// may be holding with blocking work (two threads on this project's 2-core boards).
/// Unstructured tasks started inside do not inherit it (SE-0417); the API starts none.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var stopping = false
  private var running = true

  /// Starts the thread, named `name` (seen in `top -H` and backtraces; at most 15 bytes
  /// kept, ``NamedThread``).
  init(name: String) {
    NamedThread.start(name) { [self] in loop() }
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    condition.broadcast()
    condition.unlock()
  }

  /// Ends the thread once the jobs queued so far have run. Jobs enqueued afterwards run
  /// never: call it when every task on this executor has ended.
  func shutdown() {
    condition.lock()
    stopping = true
    condition.broadcast()
    condition.unlock()
  }

  /// Waits up to `seconds` for the thread to end after ``shutdown()``; true once it has.
  /// So a program's exit never runs while this thread is still inside a job.
  @discardableResult
  func awaitEnd(seconds: Double) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    condition.lock()
    defer { condition.unlock() }
    while running {
      if !condition.wait(until: deadline) { return !running }
    }
    return true
  }

  private func loop() {
    var batch: [UnownedJob] = []
    while true {
      condition.lock()
      while jobs.isEmpty && !stopping { condition.wait() }
      if jobs.isEmpty {
        running = false
        condition.broadcast()
        condition.unlock()
        return
      }
      swap(&batch, &jobs)
      condition.unlock()
      for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
      batch.removeAll(keepingCapacity: true)
    }
  }
}
