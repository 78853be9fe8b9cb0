import Glibc
import HAL
import LinuxHAL
import Testing

/// Acts as the kernel's PWM sysfs over a fake tree: export creates `pwmM`; a state
/// with duty cycle > period, or enabling with period 0, is refused with EINVAL.
final class FakePWMKernel: SysfsFileSystem {
  let tree: FakeTree
  let real = RealSysfs()
  var writes: [String] = []

  init(tree: FakeTree) { self.tree = tree }

  func read(_ path: String) -> Result<String, SysfsErrno> { real.read(path) }
  func exists(_ path: String) -> Bool { real.exists(path) }
  func list(_ directory: String) -> [String] { real.list(directory) }
  func realPath(_ path: String) -> String? { real.realPath(path) }

  func write(_ path: String, _ text: String) -> Result<Void, SysfsErrno> {
    let file = String(path.split(separator: "/").last ?? "")
    let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    writes.append("\(file)=\(text)")
    func number(_ name: String) -> Int64 { Int64((try? real.read("\(dir)/\(name)").get()) ?? "") ?? 0 }
    switch file {
    case "export":
      let channel = "\(dir)/pwm\(text)"
      guard !exists(channel) else { return .failure(SysfsErrno(EBUSY)) }
      mkdir(channel, 0o755)
      for name in ["period", "duty_cycle", "enable"] {
        let fd = open("\(channel)/\(name)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = Glibc.write(fd, "0\n", 2)
        close(fd)
      }
      return .success(())
    case "period":
      guard let value = Int64(text), value >= number("duty_cycle") else { return .failure(SysfsErrno(EINVAL)) }
    case "duty_cycle":
      guard let value = Int64(text), value <= number("period") else { return .failure(SysfsErrno(EINVAL)) }
    case "enable":
      guard text == "0" || number("period") > 0 else { return .failure(SysfsErrno(EINVAL)) }
    default: break
    }
    return real.write(path, text + "\n")
  }
}

@Suite("Sysfs PWM over a fake tree")
struct SysfsPWMChannelTests {
  func makeTree() -> (FakeTree, FakePWMKernel) {
    let tree = FakeTree()
    tree.write("class/pwm/pwmchip0/npwm", "2\n")
    tree.write("class/pwm/pwmchip0/export", "")
    tree.mkdirs("devices/platform/soc/3f20c000.pwm")
    tree.link("class/pwm/pwmchip0/device", to: "devices/platform/soc/3f20c000.pwm")
    return (tree, FakePWMKernel(tree: tree))
  }

  @Test func exportCreatesTheChannelAndStateIsReadBack() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 1, sysfsRoot: tree.root, fileSystem: kernel)
    #expect(kernel.writes == ["export=1"])
    #expect(pwm.name == "pwmchip0/pwm1")
    #expect(pwm.period == .zero && pwm.pulseWidth == .zero && !pwm.isEnabled)
    #expect(tree.read("class/pwm/pwmchip0/pwm1/period") == "0\n")
  }

  @Test func alreadyExportedChannelIsNotExportedAgain() throws {
    let (tree, kernel) = makeTree()
    tree.write("class/pwm/pwmchip0/pwm0/period", "20000000\n")
    tree.write("class/pwm/pwmchip0/pwm0/duty_cycle", "1500000\n")
    tree.write("class/pwm/pwmchip0/pwm0/enable", "1\n")
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    #expect(kernel.writes.isEmpty)
    #expect(pwm.period == .milliseconds(20) && pwm.pulseWidth == .microseconds(1500) && pwm.isEnabled)
  }

  @Test func chipIsFoundByDeviceTreeNode() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(
      chip: .deviceTreeNode("3f20c000.pwm"), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    #expect(pwm.name == "pwmchip0/pwm0")
  }

  @Test func periodIsWrittenBeforeDutyWhenGrowing() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    try pwm.configure(period: .milliseconds(20), pulseWidth: .microseconds(1500))
    try pwm.setEnabled(true)
    #expect(kernel.writes == ["export=0", "period=20000000", "duty_cycle=1500000", "enable=1"])
    #expect(tree.read("class/pwm/pwmchip0/pwm0/duty_cycle") == "1500000\n")
  }

  @Test func dutyIsWrittenBeforePeriodWhenShrinkingBelowIt() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    try pwm.configure(period: .milliseconds(20), pulseWidth: .milliseconds(10))
    kernel.writes.removeAll()
    try pwm.configure(period: .milliseconds(2), pulseWidth: .milliseconds(1))
    #expect(kernel.writes == ["duty_cycle=1000000", "period=2000000"])
    #expect(pwm.period == .milliseconds(2) && pwm.pulseWidth == .milliseconds(1))
  }

  @Test func outOfRangeValuesAreRefusedWithoutWriting() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    try pwm.configure(period: .milliseconds(20), pulseWidth: .milliseconds(1))
    kernel.writes.removeAll()
    #expect { try pwm.setPulseWidth(.milliseconds(21)) } throws: { ($0 as? PWMError)?.kind == .outOfRange }
    #expect { try pwm.setPeriod(.microseconds(500)) } throws: { ($0 as? PWMError)?.kind == .outOfRange }
    #expect { try pwm.setPulseWidth(.milliseconds(-1)) } throws: { ($0 as? PWMError)?.kind == .outOfRange }
    #expect(kernel.writes.isEmpty)
    #expect(pwm.pulseWidth == .milliseconds(1))
  }

  @Test func enablingWithoutPeriodIsRefused() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    #expect { try pwm.setEnabled(true) } throws: { ($0 as? PWMError)?.kind == .outOfRange }
  }

  @Test func kernelRefusalIsOutOfRangeNamingTheChannel() throws {
    let (tree, kernel) = makeTree()
    let pwm = try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    // Someone else shrank the period behind our back: the kernel refuses our duty cycle.
    try pwm.configure(period: .milliseconds(20), pulseWidth: .milliseconds(1))
    tree.write("class/pwm/pwmchip0/pwm0/period", "1000\n")
    #expect { try pwm.setPulseWidth(.milliseconds(2)) } throws: { error in
      guard let error = error as? PWMError else { return false }
      return error.kind == .outOfRange && error.channel == "pwmchip0/pwm0"
    }
  }

  @Test func missingChipAndChannelAreNotFound() {
    let (tree, kernel) = makeTree()
    #expect {
      try SysfsPWMChannel(chip: .number(3), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    } throws: { error in (error as? PWMError)?.kind == .notFound && (error as? PWMError)?.channel == "pwmchip3" }
    #expect {
      try SysfsPWMChannel(chip: .deviceTreeNode("48302200.pwm"), channel: 0, sysfsRoot: tree.root, fileSystem: kernel)
    } throws: { error in (error as? PWMError)?.kind == .notFound }
    #expect {
      try SysfsPWMChannel(chip: .number(0), channel: 2, sysfsRoot: tree.root, fileSystem: kernel)
    } throws: { error in
      (error as? PWMError)?.kind == .notFound && (error as? PWMError)?.detail.contains("2 channels") == true
    }
  }

  @Test func exportThatCreatesNothingTimesOutAsNotFound() {
    let tree = FakeTree()
    tree.write("class/pwm/pwmchip0/npwm", "1\n")
    tree.write("class/pwm/pwmchip0/export", "")
    #expect {
      try SysfsPWMChannel(chip: .number(0), channel: 0, sysfsRoot: tree.root, exportWait: .milliseconds(3))
    } throws: { error in (error as? PWMError)?.kind == .notFound }
  }
}
