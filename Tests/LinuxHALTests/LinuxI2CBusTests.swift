import CLinuxShims
import Glibc
import HAL
import Testing

@testable import LinuxHAL

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

/// The transaction logic over a descriptor that is not an adapter (/dev/null): shapes
/// are planned and refused before any ioctl, kernel errors are mapped and named.
@Suite("LinuxI2CBus transaction plumbing without an adapter")
struct LinuxI2CBusPlumbingTests {
  func bus(_ caps: I2CCapabilities) -> LinuxI2CBus {
    LinuxI2CBus(testingDescriptor: open("/dev/null", O_RDWR), name: "/dev/i2c-test", capabilities: caps)
  }

  @Test func shapeWithoutSMBusFormIsUnsupportedNamingBusAndAddress() {
    #expect {
      _ = try bus(.smbusOnly).transfer(address: 0x50, write: [0x00, 0x10], read: 4)
    } throws: { error in
      guard let error = error as? I2CError else { return false }
      return error.kind == .unsupported && error.bus == "/dev/i2c-test" && error.address == 0x50
        && error.detail.contains("no SMBus form")
    }
  }

  @Test func kernelErrorFromAddressSelectionIsMappedNotSwallowed() {
    #expect {
      _ = try bus(.smbusOnly).readRegister(address: 0x76, register: 0xD0)
    } throws: { error in (error as? I2CError)?.kind == .io(errno: ENOTTY) && (error as? I2CError)?.address == 0x76 }
  }

  @Test func kernelErrorFromRdwrIsMapped() {
    #expect {
      _ = try bus(.full).readRegister(address: 0x76, register: 0xD0)
    } throws: { error in (error as? I2CError)?.kind == .io(errno: ENOTTY) }
  }

  @Test func addressAbove7BitsIsRefused() {
    #expect {
      _ = try bus(.full).readRegister(address: 0x80, register: 0)
    } throws: { error in (error as? I2CError)?.kind == .unsupported }
    // A scan over a range past 0x77 gets the same typed refusal, not an ioctl errno.
    #expect {
      _ = try bus(.full).probe(address: 0x80, readByte: false)
    } throws: { error in
      (error as? I2CError)?.kind == .unsupported && (error as? I2CError)?.detail == "not a 7-bit address"
    }
  }
}

@Suite("C shim argument checks")
struct CShimTests {
  @Test func generalRdwrRefusesEmptyAndOverlongMessageLists() {
    let fd = open("/dev/null", O_RDWR)
    defer { close(fd) }
    #expect(cloak_i2c_rdwr_messages(fd, nil, 0) == -EINVAL)
    var messages = [cloak_i2c_message](repeating: cloak_i2c_message(), count: 43)
    #expect(cloak_i2c_rdwr_messages(fd, &messages, 43) == -EINVAL)
    // A valid list reaches the kernel, which refuses /dev/null.
    #expect(cloak_i2c_rdwr_messages(fd, &messages, 2) == -ENOTTY)
  }

  @Test func smbusBlockLengthIsChecked() {
    var buffer = [UInt8](repeating: 0, count: 40)
    buffer.withUnsafeMutableBytes { (bytes) in
      // Checked before any ioctl: fd -1 would answer EBADF.
      #expect(
        LinuxI2CBusSession.readI2CBlock(fd: -1, command: 0, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<0]))
          == EINVAL)
      #expect(
        LinuxI2CBusSession.readI2CBlock(
          fd: -1, command: 0, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<33])) == EINVAL)
      #expect(
        LinuxI2CBusSession.readI2CBlock(fd: -1, command: 0, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<6]))
          == EBADF)
    }
    #expect(cloak_i2c_smbus_write_i2c_block(-1, 0, &buffer, 33) == -EINVAL)
  }
}
