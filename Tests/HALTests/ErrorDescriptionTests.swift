import HAL
import Testing

/// Every error names what failed; a log line alone must lead to the wire.
@Suite struct ErrorDescriptionTests {
  @Test func i2cErrorsNameBusAndAddressForEveryKind() {
    let kinds: [I2CError.Kind] = [
      .nack(.address), .nack(.data), .nack(.unknown), .busBusy, .arbitrationLost, .timeout,
      .permissionDenied, .notFound, .unsupported, .protocolError, .io(errno: 121),
    ]
    for kind in kinds {
      let text = I2CError(kind, bus: "/dev/i2c-1", address: 0x76).description
      #expect(text.hasPrefix("i2c /dev/i2c-1 address 0x76: "), "\(text)")
    }
    #expect(I2CError(.io(errno: 121), bus: "b").description == "i2c b: I/O error (errno 121)")
    #expect(I2CError(.timeout, bus: "b", detail: "after 35 ms").description == "i2c b: timed out: after 35 ms")
    #expect(hex(0x05) == "0x05")
    #expect(hex(0xFF) == "0xff")
  }

  @Test func transientKindsAreExactlyTheRetryableOnes() {
    let transient: [I2CError.Kind] = [.busBusy, .arbitrationLost, .timeout, .nack(.data), .nack(.unknown)]
    let permanent: [I2CError.Kind] = [
      .nack(.address), .permissionDenied, .notFound, .unsupported, .protocolError, .io(errno: 5),
    ]
    #expect(transient.allSatisfy { I2CError($0, bus: "b").isTransient })
    #expect(permanent.allSatisfy { !I2CError($0, bus: "b").isTransient })
  }

  @Test func gpioErrorsNameChipAndLineForEveryKind() {
    let line = GPIOLineID(chip: "pinctrl-rp1", line: "GPIO17")
    let kinds: [GPIOError.Kind] = [
      .chipNotFound, .lineNotFound, .lineBusy, .permissionDenied, .unsupported, .released, .io(errno: 16),
    ]
    for kind in kinds {
      #expect(GPIOError(kind, line: line).description.hasPrefix("gpio pinctrl-rp1/GPIO17: "))
    }
    #expect(
      GPIOError(.permissionDenied, line: line, detail: "add the user to group gpio").description
        == "gpio pinctrl-rp1/GPIO17: permission denied: add the user to group gpio")
  }

  @Test func pwmAndWatchdogErrorsNameTheirDevice() {
    let bus = I2CError(.nack(.unknown), bus: "/dev/i2c-1", address: 0x40)
    #expect(
      PWMError(.bus(bus), channel: "pca9685@0x40/ch3").description
        == "pwm pca9685@0x40/ch3: bus error: i2c /dev/i2c-1 address 0x40: no acknowledge (unknown phase)")
    #expect(
      PWMError(.outOfRange, channel: "ch0", detail: "2.5 ms").description == "pwm ch0: value out of range: 2.5 ms")
    #expect(WatchdogError(.closed, device: "/dev/watchdog").description.hasPrefix("watchdog /dev/watchdog: "))
  }

  @Test func capabilitySetsMatchTheKernelAdapters() {
    #expect(!I2CCapabilities.smbusOnly.contains(.plainI2C))
    #expect(I2CCapabilities.full.isSuperset(of: .smbusOnly))
    #expect(I2CCapabilities.smbusBlockMax == 32)
  }
}
