import CLinuxShims
import Glibc
import HAL
import Testing

@testable import LinuxHAL

private let hostHasGPIO: Bool = {
  guard let dir = opendir("/dev") else { return false }
  defer { closedir(dir) }
  while let entry = readdir(dir) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    if name.hasPrefix("gpiochip") { return true }
  }
  return false
}()

@Suite("LinuxGPIO errors reachable without hardware")
struct LinuxGPIOTests {
  let id = GPIOLineID(chip: "no-such-chip", line: "GPIO17")

  @Test(.enabled(if: !hostHasGPIO, "needs a host without GPIO chips"))
  func unknownChipIsChipNotFoundNamingIt() {
    let gpio = LinuxGPIO()
    #expect {
      _ = try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "test")
    } throws: { error in
      guard let error = error as? GPIOError else { return false }
      return error.kind == .chipNotFound && error.line == id && error.description.contains("no-such-chip")
    }
    #expect {
      _ = try gpio.requestInput(id, config: GPIOInputConfig(debounce: .milliseconds(5), edges: .both), consumer: "t")
    } throws: { error in (error as? GPIOError)?.kind == .chipNotFound }
    #expect { _ = try gpio.lineInfo(id) } throws: { error in (error as? GPIOError)?.kind == .chipNotFound }
  }

  @Test func negativeDebounceIsRefusedBeforeTouchingTheKernel() {
    #expect {
      _ = try LinuxGPIO().requestInput(id, config: GPIOInputConfig(debounce: .milliseconds(-1)), consumer: "t")
    } throws: { error in (error as? GPIOError)?.kind == .unsupported }
  }

  @Test func debounceRoundsUpToWholeMicrosecondsNeverToNone() {
    #expect(LinuxGPIO.debounceMicroseconds(.zero) == 0)
    #expect(LinuxGPIO.debounceMicroseconds(.nanoseconds(500)) == 1)
    #expect(LinuxGPIO.debounceMicroseconds(.microseconds(10)) == 10)
    #expect(LinuxGPIO.debounceMicroseconds(.nanoseconds(10_001)) == 11)
    #expect(LinuxGPIO.debounceMicroseconds(.seconds(Int64.max)) == Int64.max / 1_000 + 1)
  }

  @Test func shimCodesMapToTypedErrors() {
    #expect(GPIOErrno.error(CLOAK_GPIO_ERR_CHIP_NOT_FOUND, line: id, operation: "x").kind == .chipNotFound)
    #expect(GPIOErrno.error(CLOAK_GPIO_ERR_LINE_NOT_FOUND, line: id, operation: "x").kind == .lineNotFound)
    #expect(GPIOErrno.error(-EBUSY, line: id, operation: "x").kind == .lineBusy)
    #expect(GPIOErrno.error(-EINVAL, line: id, operation: "x").kind == .unsupported)
    #expect(GPIOErrno.error(-EIO, line: id, operation: "x").kind == .io(errno: EIO))
  }

  @Test func permissionErrorNamesTheGroupAndUdevRule() {
    let error = GPIOErrno.error(-EACCES, line: id, operation: "request output")
    #expect(error.kind == .permissionDenied)
    #expect(error.description.contains("group 'gpio'"))
    #expect(error.description.contains("udev rule"))
    #expect(error.description.contains("no-such-chip/GPIO17"))
  }

  @Test func buildReportsItsLibgpiodMajor() {
    let major = LinuxGPIO.libgpiodMajor
    #expect(major == 1 || major == 2)
    #expect(LinuxGPIO.hasKernelDebounce == (major == 2))
    #expect(LinuxGPIO.libraryVersion.hasPrefix("\(major)."))
  }
}
