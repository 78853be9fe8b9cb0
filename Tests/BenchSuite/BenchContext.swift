// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// What every test gets: the configuration, the fixture, the backend under test, and
  /// a list of handles to release after the test whatever happened.
  final class BenchContext {
    let config: BenchConfig
    let fixture: any BenchFixture
    private let gpioResult: Result<any GPIOController, any Error>
    private var cleanups: [() -> Void] = []

    init(config: BenchConfig, fixture: any BenchFixture, gpio: Result<any GPIOController, any Error>) {
      self.config = config
      self.fixture = fixture
      gpioResult = gpio
    }

    var pairs: [FixtureFile.Pair] { config.fixture.gpio.pairs }
    /// The pair output tests use.
    var outPair: FixtureFile.Pair { pairs[0] }
    /// The pair input tests use.
    var inPair: FixtureFile.Pair { pairs[1] }

    /// The GPIO controller, or a skip/failure if there is none.
    func gpio() throws -> any GPIOController { try gpioResult.get() }

    /// The I2C section of the fixture, or a skip if the bench has no I2C.
    func i2c() throws -> FixtureFile.I2C {
      guard let i2c = config.fixture.i2c else { throw BenchSkip("the fixture has no i2c section") }
      return i2c
    }

    /// Releases `line` after the test.
    @discardableResult
    func own(_ line: any GPIOOutputLine) -> any GPIOOutputLine {
      cleanups.append { line.release() }
      return line
    }

    @discardableResult
    func own(_ line: any GPIOInputLine) -> any GPIOInputLine {
      cleanups.append { line.release() }
      return line
    }

    /// Runs `body` after the test.
    func atEnd(_ body: @escaping () -> Void) { cleanups.append(body) }

    /// Releases everything the test owned and puts the fixture back to idle.
    func cleanUp() {
      for cleanup in cleanups.reversed() { cleanup() }
      cleanups = []
      fixture.reset()
    }
  }
#endif
