// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// A failed sysfs/configfs/procfs operation, naming the path.
  struct SysFSError: Error, CustomStringConvertible {
    var path: String
    var operation: String
    var errno: Int32
    var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
  }

  /// Small file helpers for the fixture's sysfs and configfs work (one value per file).
  enum SysFS {
    /// The file's contents without the trailing newline.
    static func read(_ path: String) throws(SysFSError) -> String {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw SysFSError(path: path, operation: "open", errno: errno) }
      defer { close(fd) }
      var buffer = [UInt8](repeating: 0, count: 4096)
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      guard count >= 0 else { throw SysFSError(path: path, operation: "read", errno: errno) }
      var text = String(decoding: buffer[0..<count], as: UTF8.self)
      while text.last == "\n" { text.removeLast() }
      return text
    }

    /// Writes `value` in one write(2), as sysfs attributes expect.
    static func write(_ path: String, _ value: String) throws(SysFSError) {
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw SysFSError(path: path, operation: "open", errno: errno) }
      defer { close(fd) }
      let bytes = Array(value.utf8)
      let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      guard count == bytes.count else { throw SysFSError(path: path, operation: "write", errno: errno) }
    }

    static func makeDirectory(_ path: String) throws(SysFSError) {
      guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
        throw SysFSError(path: path, operation: "mkdir", errno: errno)
      }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Entry names in a directory (without . and ..), sorted.
    static func list(_ path: String) throws(SysFSError) -> [String] {
      guard let dir = opendir(path) else { throw SysFSError(path: path, operation: "opendir", errno: errno) }
      defer { closedir(dir) }
      var names: [String] = []
      while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
      }
      return names.sorted()
    }
  }
#endif
