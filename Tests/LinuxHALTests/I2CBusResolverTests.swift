import HAL
import LinuxHAL
import Testing

@Suite("Resolving I2C buses by path, number, device-tree node and adapter name")
struct I2CBusResolverTests {
  /// A BeagleBone-like tree: three buses all named "OMAP I2C adapter", and an i2c-stub.
  func beagleTree() -> FakeTree {
    let tree = FakeTree()
    let nodes = [(0, "44e0b000.i2c"), (1, "4802a000.i2c"), (2, "4819c000.i2c")]
    for (n, node) in nodes {
      let device = "devices/platform/ocp/\(node)/i2c-\(n)"
      tree.mkdirs(device)
      tree.mkdirs("firmware/devicetree/base/ocp/i2c@\(node.prefix(8))")
      tree.link("\(device)/of_node", to: "firmware/devicetree/base/ocp/i2c@\(node.prefix(8))")
      tree.link("bus/i2c/devices/i2c-\(n)", to: device)
      tree.write("class/i2c-dev/i2c-\(n)/name", "OMAP I2C adapter\n")
    }
    tree.mkdirs("devices/platform/i2c-stub/i2c-3")
    tree.link("bus/i2c/devices/i2c-3", to: "devices/platform/i2c-stub/i2c-3")
    tree.write("class/i2c-dev/i2c-3/name", "SMBus stub driver\n")
    return tree
  }

  @Test func pathsAndNumbersNeedNoLookup() throws {
    let resolver = I2CBusResolver(sysfsRoot: "/nonexistent")
    #expect(try resolver.resolve("/dev/i2c-7") == "/dev/i2c-7")
    #expect(try resolver.resolve("1") == "/dev/i2c-1")
    #expect(try resolver.resolve("i2c-2") == "/dev/i2c-2")
  }

  @Test func platformDeviceNodeFindsTheBus() throws {
    let tree = beagleTree()
    #expect(try I2CBusResolver(sysfsRoot: tree.root).resolve("4819c000.i2c") == "/dev/i2c-2")
  }

  @Test func ofNodeNameFindsTheBus() throws {
    let tree = beagleTree()
    #expect(try I2CBusResolver(sysfsRoot: tree.root).resolve("i2c@4802a000") == "/dev/i2c-1")
  }

  @Test func uniqueAdapterNameFindsTheBus() throws {
    let tree = beagleTree()
    #expect(try I2CBusResolver(sysfsRoot: tree.root).resolve("SMBus stub driver") == "/dev/i2c-3")
  }

  @Test func sharedAdapterNameIsRefusedWithAdvice() {
    let tree = beagleTree()
    #expect {
      try I2CBusResolver(sysfsRoot: tree.root).resolve("OMAP I2C adapter")
    } throws: { error in
      guard let error = error as? I2CError else { return false }
      return error.kind == .notFound && error.detail.contains("device-tree node") && error.detail.contains("i2c-0")
    }
  }

  @Test func unknownSpecIsNotFoundNamingIt() {
    let tree = beagleTree()
    #expect {
      try I2CBusResolver(sysfsRoot: tree.root).resolve("48000000.i2c")
    } throws: { error in
      (error as? I2CError)?.kind == .notFound && (error as? I2CError)?.bus == "48000000.i2c"
    }
  }

  @Test func listsBusesInNumberOrder() {
    let tree = beagleTree()
    let buses = I2CBusResolver(sysfsRoot: tree.root).listBuses()
    #expect(buses.map(\.path) == ["/dev/i2c-0", "/dev/i2c-1", "/dev/i2c-2", "/dev/i2c-3"])
    #expect(buses.last?.name == "SMBus stub driver")
  }
}

@Suite("Resolving by an explicit locator kind")
struct I2CBusResolverExplicitTests {
  @Test func nodeAndNameLookupsDoNotFallBackToEachOther() throws {
    let tree = I2CBusResolverTests().beagleTree()
    let resolver = I2CBusResolver(sysfsRoot: tree.root)
    #expect(try resolver.resolve(deviceTreeNode: "4819c000.i2c") == "/dev/i2c-2")
    #expect(try resolver.resolve(adapterName: "SMBus stub driver") == "/dev/i2c-3")
    #expect(throws: I2CError.self) { try resolver.resolve(deviceTreeNode: "SMBus stub driver") }
    #expect(throws: I2CError.self) { try resolver.resolve(adapterName: "4819c000.i2c") }
  }
}
