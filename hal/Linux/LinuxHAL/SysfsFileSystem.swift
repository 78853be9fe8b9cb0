#if canImport(Glibc)
  import Glibc

  /// The few file operations the sysfs PWM backend needs, as a seam: production uses
  /// ``RealSysfs``; tests wrap it to act as the kernel (create `pwmM` on export, refuse
  /// a duty cycle above the period) over a fake tree in a temporary directory.
  public protocol SysfsFileSystem: AnyObject {
    /// The file's text without trailing whitespace, or the errno.
    func read(_ path: String) -> Result<String, SysfsErrno>
    /// Writes `text` in one write(2), or returns the errno (sysfs reports a refused
    /// value as the write's error).
    func write(_ path: String, _ text: String) -> Result<Void, SysfsErrno>
    func exists(_ path: String) -> Bool
    func list(_ directory: String) -> [String]
    func realPath(_ path: String) -> String?
  }

  /// An errno from a sysfs file operation.
  public struct SysfsErrno: Error, Hashable, Sendable {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
  }

  /// Plain open/read/write/close on the real file system.
  public final class RealSysfs: SysfsFileSystem, Sendable {
    public init() {}

    public func read(_ path: String) -> Result<String, SysfsErrno> {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return .failure(SysfsErrno(errno)) }
      defer { close(fd) }
      var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
      let text = withUnsafeMutableBytes(of: &buffer) { raw -> Result<String, SysfsErrno> in
        let count = Glibc.read(fd, raw.baseAddress, raw.count)
        guard count >= 0 else { return .failure(SysfsErrno(errno)) }
        var text = String(decoding: raw.prefix(count), as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return .success(text)
      }
      return text
    }

    public func write(_ path: String, _ text: String) -> Result<Void, SysfsErrno> {
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { return .failure(SysfsErrno(errno)) }
      defer { close(fd) }
      var text = text
      let written = text.withUTF8 { Glibc.write(fd, $0.baseAddress, $0.count) }
      return written < 0 ? .failure(SysfsErrno(errno)) : .success(())
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
    public func list(_ directory: String) -> [String] { listDirectory(directory) }
    public func realPath(_ path: String) -> String? { LinuxHAL.realPath(path) }
  }
#endif
