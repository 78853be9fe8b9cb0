#if canImport(Glibc)
  import Dispatch
  import Glibc
  import HAL
  import LinuxHAL
  import Testing

  @Suite("Linux real-time set-up and shutdown signals")
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

    @Test("a signal reaches the handler on an ordinary queue")
    func signalDelivered() {
      let delivered = DispatchSemaphore(value: 0)
      let signals = ShutdownSignals(signals: [SIGUSR2]) { number in
        if number == SIGUSR2 { delivered.signal() }
      }
      defer { signals.cancel() }
      // The source registers asynchronously; a signal raised before that is ignored,
      // so send until one arrives (bounded). Process-directed, as from `kill`.
      var arrived = false
      for _ in 0..<100 where !arrived {
        kill(getpid(), SIGUSR2)
        arrived = delivered.wait(timeout: .now() + .milliseconds(100)) == .success
      }
      #expect(arrived)
    }
  }
#endif
