// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// A bench test failure: `description` is printed after `FAIL name:`.
  struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// A test the runner cannot run here (no backend, no such fixture): printed as SKIP,
  /// counted neither as passed nor failed.
  struct BenchSkip: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// One bench test: a name and a body that throws on failure.
  struct BenchTest {
    var name: String
    var body: (BenchContext) throws -> Void
  }

  /// Fails the running test with `message` unless `condition` holds.
  func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(BenchFailure) {
    if !condition { throw BenchFailure(message()) }
  }

  /// Runs `body` and returns the GPIO error it threw, or fails if it threw none.
  func expectGPIOError(
    _ what: String, _ body: () throws(GPIOError) -> Void
  ) throws(BenchFailure) -> GPIOError {
    do {
      try body()
    } catch {
      return error
    }
    throw BenchFailure("\(what) succeeded; expected a GPIOError")
  }

  /// Runs `body` and returns the I2C error it threw, or fails if it threw none.
  func expectI2CError(
    _ what: String, _ body: () throws(I2CError) -> Void
  ) throws(BenchFailure) -> I2CError {
    do {
      try body()
    } catch {
      return error
    }
    throw BenchFailure("\(what) succeeded; expected an I2CError")
  }

  /// Runs the tests in order, printing one result line each and the summary line
  /// `N passed, M failed` last. Returns whether every test that ran passed (and any ran).
  func runBenchTests(_ tests: [BenchTest], context: BenchContext, only: String?) -> Bool {
    var passed = 0
    var failed = 0
    for test in tests where only.map({ test.name.contains($0) }) ?? true {
      do {
        try test.body(context)
        passed += 1
        say("PASS \(test.name)")
      } catch let skip as BenchSkip {
        say("SKIP \(test.name): \(skip)")
      } catch {
        failed += 1
        say("FAIL \(test.name): \(oneLine(error))")
      }
      context.cleanUp()
    }
    say("\(passed) passed, \(failed) failed")
    return failed == 0 && passed > 0
  }

  /// An error's description on one line (result lines are parsed line by line).
  func oneLine(_ error: any Error) -> String {
    String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " / ")
  }

  /// Writes one line to stdout at once, unbuffered: result lines must reach the serial
  /// console (or the parent's pipe) even if the process is killed right after.
  func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return }
      offset += written
    }
  }
#endif
