#if canImport(Glibc)
  import Glibc
  import HAL

  /// Turns a bus spec into a `/dev/i2c-N` path.
  ///
  /// Accepted specs, tried in this order:
  /// - a path (`/dev/i2c-1`), used as it is;
  /// - a bus number (`1`) or `i2c-1`;
  /// - a device-tree node (`4819c000.i2c`, `i2c@4819c000`): matched against the last
  ///   component of each `<sysfs>/bus/i2c/devices/i2c-N/of_node` real path and against the
  ///   parent directory of the adapter's real path (the platform device);
  /// - an adapter name (`i2c-stub`, `bcm2835 (i2c@7e804000)`) from
  ///   `<sysfs>/class/i2c-dev/i2c-N/name`. A name shared by several buses (every
  ///   BeagleBone bus is "OMAP I2C adapter") is refused: resolve those by node.
  public struct I2CBusResolver: Sendable {
    public var sysfsRoot: String
    public var devRoot: String

    public init(sysfsRoot: String = "/sys", devRoot: String = "/dev") {
      self.sysfsRoot = sysfsRoot
      self.devRoot = devRoot
    }

    public func resolve(_ spec: String) throws(I2CError) -> String {
      if spec.hasPrefix("/") { return spec }
      if let number = Int(spec), number >= 0 { return "\(devRoot)/i2c-\(number)" }
      if spec.hasPrefix("i2c-"), let number = Int(spec.dropFirst(4)), number >= 0 {
        return "\(devRoot)/i2c-\(number)"
      }
      if let path = try resolveIfUnique(deviceTreeNode: spec) { return path }
      if let path = try resolveIfUnique(adapterName: spec) { return path }
      throw I2CError(
        .notFound, bus: spec,
        detail: "no bus with this path, number, device-tree node or adapter name under \(sysfsRoot)")
    }

    /// The bus whose controller has device-tree node `node` (e.g. `4819c000.i2c`).
    public func resolve(deviceTreeNode node: String) throws(I2CError) -> String {
      guard let path = try resolveIfUnique(deviceTreeNode: node) else {
        throw I2CError(.notFound, bus: node, detail: "no I2C adapter under \(sysfsRoot)/bus/i2c/devices has this node")
      }
      return path
    }

    /// The bus whose adapter name (`/sys/class/i2c-dev/i2c-N/name`) is `name`.
    public func resolve(adapterName name: String) throws(I2CError) -> String {
      guard let path = try resolveIfUnique(adapterName: name) else {
        throw I2CError(.notFound, bus: name, detail: "no adapter under \(sysfsRoot)/class/i2c-dev has this name")
      }
      return path
    }

    private func resolveIfUnique(deviceTreeNode node: String) throws(I2CError) -> String? {
      let matches = adapters(in: "\(sysfsRoot)/bus/i2c/devices").filter { matchesNode($0, node) }
      guard matches.count <= 1 else {
        throw I2CError(
          .notFound, bus: node, detail: "device-tree node matches several buses: \(matches.joined(separator: ", "))")
      }
      return matches.first.map { "\(devRoot)/\($0)" }
    }

    private func resolveIfUnique(adapterName name: String) throws(I2CError) -> String? {
      let classDir = "\(sysfsRoot)/class/i2c-dev"
      let matches = adapters(in: classDir).filter { readTrimmed("\(classDir)/\($0)/name") == name }
      guard matches.count <= 1 else {
        throw I2CError(
          .notFound, bus: name,
          detail: "adapter name is shared by \(matches.joined(separator: ", ")): name the bus by device-tree node")
      }
      return matches.first.map { "\(devRoot)/\($0)" }
    }

    /// Every bus as (path, adapter name), sorted by number.
    public func listBuses() -> [(path: String, name: String)] {
      let classDir = "\(sysfsRoot)/class/i2c-dev"
      return adapters(in: classDir).map { ("\(devRoot)/\($0)", readTrimmed("\(classDir)/\($0)/name") ?? "") }
    }

    private func matchesNode(_ adapter: String, _ spec: String) -> Bool {
      let base = "\(sysfsRoot)/bus/i2c/devices/\(adapter)"
      if let node = realPath("\(base)/of_node"), lastComponent(node) == spec || node.hasSuffix("/" + spec) {
        return true
      }
      if let device = realPath(base) {
        let parent = String(device[..<(device.lastIndex(of: "/") ?? device.endIndex)])
        if lastComponent(parent) == spec || parent.hasSuffix("/" + spec) { return true }
      }
      return false
    }

    /// `i2c-N` entries of `dir`, sorted by N.
    private func adapters(in dir: String) -> [String] {
      listDirectory(dir).compactMap { name -> (Int, String)? in
        guard name.hasPrefix("i2c-"), let n = Int(name.dropFirst(4)) else { return nil }
        return (n, name)
      }.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }

  // MARK: - Small file helpers shared by the sysfs code

  func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  func lastComponent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// The file's contents without trailing whitespace, or nil if it cannot be read.
  func readTrimmed(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 4096)
    let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count >= 0 else { return nil }
    var text = String(decoding: bytes[0..<count], as: UTF8.self)
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
  }
#endif
