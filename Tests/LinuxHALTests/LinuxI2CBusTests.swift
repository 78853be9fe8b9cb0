import Glibc
import HAL
import LinuxHAL
import Testing

@Suite("LinuxI2CBus errors reachable without hardware")
struct LinuxI2CBusTests {
  @Test func missingBusDeviceIsNotFoundNamingThePath() {
    #expect {
      try LinuxI2CBus(path: "/dev/i2c-250")
    } throws: { error in
      guard let error = error as? I2CError else { return false }
      return error.kind == .notFound && error.bus == "/dev/i2c-250" && error.description.contains("/dev/i2c-250")
    }
  }

  @Test func aFileThatIsNotAnI2CDeviceIsRefused() {
    #expect {
      try LinuxI2CBus(path: "/dev/null")
    } throws: { error in
      guard let error = error as? I2CError else { return false }
      return error.kind == .io(errno: ENOTTY) && error.detail.contains("I2C_FUNCS")
    }
  }

  @Test func unresolvableSpecFailsBeforeOpening() {
    #expect {
      try LinuxI2CBus(resolving: "no-such-adapter", sysfsRoot: "/nonexistent")
    } throws: { error in
      (error as? I2CError)?.kind == .notFound && (error as? I2CError)?.bus == "no-such-adapter"
    }
  }
}
