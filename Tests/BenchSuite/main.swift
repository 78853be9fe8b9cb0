// cloak-bench-suite: the bench tests that run against real Linux GPIO/I2C/watchdog
// drivers, on the virtual bench (QEMU guest with gpio-sim and i2c-stub, see
// scripts/virtual-bench) or on a real board with a loop-back fixture (scripts/bench).
//
//   cloak-bench-suite --board PATH [--fixture PATH] [--only TEXT]   run the tests
//   cloak-bench-suite --board PATH --setup-virtual                   create gpio-sim chips, preload i2c-stub
//   cloak-bench-suite --board PATH --perf --c-baselines DIR          LinuxHAL vs plain C timings
// Helper modes started by the suite itself: --hold-line CHIP LINE,
// --i2c-read BUS ADDR REG [--i2c-count N] [--i2c-session],
// --perf-read-loop BUS ADDR ITERATIONS [--i2c-session] (Perf.readLoop alone; scripts/i2c-read-instructions).
#if canImport(Glibc)
  import Glibc
  import HAL

  struct Options {
    var board: String?
    var fixture: String?
    var only: String?
    var setupVirtual = false
    var perf = false
    var cBaselines: String?
    var holdLine: GPIOLineID?
    var i2cRead: (bus: String, address: UInt8, register: UInt8)?
    var i2cCount = 1
    var i2cSession = false
    var perfReadLoop: (bus: String, address: UInt8, iterations: Int)?
  }

  func parseOptions(_ arguments: [String]) -> Result<Options, BenchFailure> {
    var options = Options()
    var rest = arguments[...]
    func value(_ flag: String) -> Result<String, BenchFailure> {
      guard let next = rest.popFirst() else { return .failure(BenchFailure("\(flag) needs a value")) }
      return .success(next)
    }
    do {
      while let flag = rest.popFirst() {
        switch flag {
        case "--board": options.board = try value(flag).get()
        case "--fixture": options.fixture = try value(flag).get()
        case "--only": options.only = try value(flag).get()
        case "--setup-virtual": options.setupVirtual = true
        case "--perf": options.perf = true
        case "--c-baselines": options.cBaselines = try value(flag).get()
        case "--hold-line":
          options.holdLine = GPIOLineID(chip: try value(flag).get(), line: try value(flag).get())
        case "--i2c-read":
          let bus = try value(flag).get()
          guard let address = UInt8(try value(flag).get()), let register = UInt8(try value(flag).get()) else {
            return .failure(BenchFailure("--i2c-read takes BUS ADDRESS REGISTER (decimal)"))
          }
          options.i2cRead = (bus, address, register)
        case "--i2c-count":
          guard let count = Int(try value(flag).get()), (1...64).contains(count) else {
            return .failure(BenchFailure("--i2c-count takes 1...64"))
          }
          options.i2cCount = count
        case "--i2c-session": options.i2cSession = true
        case "--perf-read-loop":
          let bus = try value(flag).get()
          guard let address = UInt8(try value(flag).get()), let iterations = Int(try value(flag).get()),
            iterations > 0
          else {
            return .failure(BenchFailure("--perf-read-loop takes BUS ADDRESS ITERATIONS (decimal)"))
          }
          options.perfReadLoop = (bus, address, iterations)
        default: return .failure(BenchFailure("unknown argument '\(flag)'"))
        }
      }
    } catch {
      return .failure(error)
    }
    return .success(options)
  }

  func runSuite() -> Int32 {
    let options: Options
    switch parseOptions(Array(CommandLine.arguments.dropFirst())) {
    case .success(let parsed): options = parsed
    case .failure(let error):
      say("cloak-bench-suite: \(error)")
      return 2
    }
    if let id = options.holdLine { return ProcessTests.holdLine(id) }
    if let loop = options.perfReadLoop {
      return Perf.readLoopAlone(
        bus: loop.bus, address: loop.address, iterations: loop.iterations, session: options.i2cSession)
    }
    if let read = options.i2cRead {
      return I2CTests.readOnce(
        bus: read.bus, address: read.address, register: read.register, count: options.i2cCount,
        session: options.i2cSession)
    }
    guard let board = options.board else {
      say("cloak-bench-suite: --board PATH is required")
      return 2
    }
    let config: BenchConfig
    do {
      config = try BenchConfig.load(boardPath: board, fixturePath: options.fixture)
    } catch {
      say("cloak-bench-suite: \(error)")
      return 2
    }
    if options.setupVirtual { return VirtualSetup.run(config) }

    let gpio: Result<any GPIOController, any Error> = Result { try LinuxBackend.gpio() }
    let fixture: any BenchFixture
    do {
      switch config.fixture.fixture {
      case .gpioSim: fixture = try GPIOSimFixture(pairs: config.fixture.gpio.pairs)
      case .loopback: fixture = LoopbackFixture(gpio: try gpio.get())
      }
    } catch {
      say("cloak-bench-suite: fixture \(config.fixturePath): \(oneLine(error))")
      return 2
    }
    let context = BenchContext(config: config, fixture: fixture, gpio: gpio)
    say("VBENCH suite: board \(config.boardPath), fixture \(fixture.name), \(LinuxBackend.summary)")
    if options.perf { return Perf.run(context, cBaselines: options.cBaselines) }
    let tests =
      FixtureTests.all + GPIOTests.all + GPIONameTests.all + ProcessTests.all + I2CTests.all + DriverTests.all
      + WatchdogTests.all
      + CLITests.all
      + AuthorityBenchTests.all
      + I2CThreadTests.all
    return runBenchTests(tests, context: context, only: options.only) ? 0 : 1
  }

  exit(runSuite())
#else
  say("cloak-bench-suite runs on Linux only")
#endif
