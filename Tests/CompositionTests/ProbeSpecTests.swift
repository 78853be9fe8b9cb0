import Composition
import HAL
import Testing

@Suite("Probe argument parsing")
struct ProbeSpecTests {
  @Test func deviceSpecParsesPathHexAndKind() {
    #expect(
      ProbeDeviceSpec(parsing: "/dev/i2c-1:0x76:bmp280")
        == ProbeDeviceSpec(bus: "/dev/i2c-1", address: 0x76, kind: .bmp280))
    #expect(
      ProbeDeviceSpec(parsing: "i2c-stub:64:PCA9685") == ProbeDeviceSpec(bus: "i2c-stub", address: 0x40, kind: .pca9685)
    )
    #expect(ProbeDeviceSpec(parsing: "a:b:0x77:ms5611")?.bus == "a:b")
  }

  @Test(arguments: [
    "/dev/i2c-1:0x76", "/dev/i2c-1:0x76:bmp999", ":0x76:bmp280", "/dev/i2c-1:0x80:bmp280", "/dev/i2c-1:0x100:bmp280",
    "x:zz:bmp280",
  ])
  func badDeviceSpecsAreRejected(text: String) {
    #expect(ProbeDeviceSpec(parsing: text) == nil)
  }

  @Test func lineSpecSplitsAtTheLastColon() {
    #expect(ProbeLineSpec(parsing: "pinctrl-bcm2711:GPIO17")?.id == GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17"))
    #expect(ProbeLineSpec(parsing: "gpio-sim.0-node0:valve") != nil)
    #expect(ProbeLineSpec(parsing: "GPIO17") == nil)
    #expect(ProbeLineSpec(parsing: "chip:") == nil)
  }

  #if canImport(LinuxHAL)
    @Test func missingBusAndChipGiveMissingRowsNamingThem() {
      let rows = BoardProbe.run(
        devices: [ProbeDeviceSpec(bus: "/dev/i2c-250", address: 0x76, kind: .bmp280)],
        lines: [ProbeLineSpec(GPIOLineID(chip: "no-such-chip", line: "valve"))], sysfsRoot: "/nonexistent")
      #expect(rows.count == 2)
      #expect(rows.allSatisfy { $0.status == .missing })
      #expect(rows[0].detail.contains("/dev/i2c-250"))
      #expect(rows[1].target == "gpio no-such-chip/valve")
    }
  #endif
}
