#if canImport(Glibc)
  import Dispatch
  import Foundation
  import Glibc
  import HAL
  import LinuxHAL
  import Testing

  @Suite("Linux real-time set-up")
  struct RealtimeSetupTests {
    @Test("nothing asked, nothing done, no problems")
    func noneIsQuiet() {
      let setup = RealtimeSetup()
      #expect(setup.prepareProcess(.none).isEmpty)
      #expect(setup.prepareCurrentThread(priority: nil, cpu: nil).isEmpty)
      setup.releaseProcess()
    }

    @Test("an impossible CPU is reported, naming the CPU, instead of failing")
    func badCPU() {
      let problems = RealtimeSetup().prepareCurrentThread(priority: nil, cpu: 100_000)
      #expect(problems.count == 1)
      #expect(problems.first?.contains("CPU 100000") == true)
    }
  }

  /// Process-directed signals, as `kill` and a service manager send them. SIGUSR1 and
  /// SIGUSR2 stand in for SIGTERM and SIGINT (same path), so the test runner is never
  /// stopped; the suite is serialized because signals are process-wide.
  @Suite("Shutdown signals", .serialized)
  struct ShutdownSignalsTests {
    /// Waits at most 5 s (a bound against a hang, not a speed claim).
    private func arrives(_ semaphore: DispatchSemaphore) -> Bool {
      semaphore.wait(timeout: .now() + .seconds(5)) == .success
    }

    @Test("one signal sent right after installing reaches the handler, off signal context")
    func signalDelivered() {
      let delivered = DispatchSemaphore(value: 0)
      let onReader = LockedFlag()
      let signals = ShutdownSignals(signals: [SIGUSR2]) { number in
        // The handler runs on the reader thread, named in the kernel.
        let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
        if name == "cloak-signals\n" { onReader.set() }
        if number == SIGUSR2 { delivered.signal() }
      }
      defer { signals.cancel() }
      kill(getpid(), SIGUSR2)
      #expect(arrives(delivered))
      #expect(onReader.value)
    }

    @Test("a second installation keeps the first one's signal (each handler gets it once)")
    func secondInstallationKeepsTheFirst() {
      // The DispatchSource version set SIG_IGN at each installation, after which a
      // process-directed signal could be discarded before any thread saw it.
      let first = DispatchSemaphore(value: 0)
      let second = DispatchSemaphore(value: 0)
      let a = ShutdownSignals(signals: [SIGUSR1]) { _ in first.signal() }
      defer { a.cancel() }
      kill(getpid(), SIGUSR1)
      #expect(arrives(first))
      let b = ShutdownSignals(signals: [SIGUSR1]) { _ in second.signal() }
      defer { b.cancel() }
      for round in 1...3 {
        kill(getpid(), SIGUSR1)
        #expect(arrives(first), "round \(round): the first handler")
        #expect(arrives(second), "round \(round): the second handler")
      }
    }

    @Test("a signal is taken while the sending thread and its threads block it")
    func blockedSenderStillDelivers() {
      let delivered = DispatchSemaphore(value: 0)
      let signals = ShutdownSignals(signals: [SIGUSR2]) { _ in delivered.signal() }
      defer { signals.cancel() }
      // Like the API's set-up: a thread blocks the signal, starts another (which
      // inherits the mask), and that one sends it to the process.
      let sent = DispatchSemaphore(value: 0)
      let outer = Thread {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGUSR2)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let inner = Thread {
          kill(getpid(), SIGUSR2)
          sent.signal()
        }
        inner.start()
        sent.wait()
        sent.signal()
      }
      outer.start()
      #expect(arrives(sent))
      #expect(arrives(delivered))
    }

    @Test("a signal caught before any handler listens goes to the next handler installed, once")
    func earlySignalIsKept() {
      // As `cloak run` does first thing: caught, no handler yet (its run is starting).
      ShutdownSignals.catchFromNow(signals: [SIGUSR1])
      kill(getpid(), SIGUSR1)
      usleep(100_000)  // usually read by now, with nobody listening; either way it counts
      let first = DispatchSemaphore(value: 0)
      let a = ShutdownSignals(signals: [SIGUSR1]) { _ in first.signal() }
      #expect(arrives(first))
      a.cancel()
      // Handed over once: the next handler does not get it again.
      let second = DispatchSemaphore(value: 0)
      let b = ShutdownSignals(signals: [SIGUSR1]) { _ in second.signal() }
      defer { b.cancel() }
      #expect(second.wait(timeout: .now() + .milliseconds(300)) == .timedOut)
    }

    @Test("after cancel the handler is not called and the signal does not end the process")
    func cancelledHandlerIsQuiet() {
      let kept = DispatchSemaphore(value: 0)
      let called = LockedFlag()
      let cancelled = ShutdownSignals(signals: [SIGUSR2]) { _ in called.set() }
      cancelled.cancel()
      // A second handler shows the signal was read (so the first had its chance).
      let witness = ShutdownSignals(signals: [SIGUSR2]) { _ in kept.signal() }
      defer { witness.cancel() }
      kill(getpid(), SIGUSR2)
      #expect(arrives(kept))
      #expect(!called.value)
    }
  }

  /// A flag set from one thread, read from another.
  private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
  }
#endif
