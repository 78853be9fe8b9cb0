#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A POSIX call on a file failed; `errno` is kept with the path and the operation.
public struct FileError: Error, Equatable, CustomStringConvertible {
  public let path: String
  public let operation: String
  public let errno: Int32

  public init(path: String, operation: String, errno: Int32) {
    self.path = path
    self.operation = operation
    self.errno = errno
  }

  /// The file does not exist (ENOENT).
  public var isNotFound: Bool { errno == ENOENT }

  public var description: String {
    "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
  }
}

/// Small POSIX file helpers with the durability steps spelled out: full writes that retry
/// on EINTR and short writes, fsync of a file and of its directory, and an atomic replace
/// (temporary file, fsync, rename, fsync of the directory) so that after a power cut the
/// path holds either the old or the new content, never a mix.
public enum DurableFile {
  /// close(2), for types that have a `close` method of their own.
  public static func closeDescriptor(_ fd: Int32) { _ = close(fd) }

  /// Reads a whole file.
  public static func read(_ path: String) throws(FileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileError(path: path, operation: "read", errno: errno)
      }
      if n == 0 { return out }
      out.append(contentsOf: buffer[0..<n])
    }
  }

  /// Writes all bytes to `fd`, retrying short writes and EINTR.
  public static func writeAll(fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileError(path: path, operation: "write", errno: errno)
      }
      offset += n
    }
  }

  /// fsync of an open file.
  public static func sync(fd: Int32, path: String) throws(FileError) {
    while fsync(fd) != 0 {
      if errno != EINTR { throw FileError(path: path, operation: "fsync", errno: errno) }
    }
  }

  /// The directory part of a path ("." for a bare name).
  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
  }

  /// fsync of the directory holding `path`, so a create or rename in it is durable.
  public static func syncDirectory(of path: String) throws(FileError) {
    let dir = directory(of: path)
    let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw FileError(path: dir, operation: "open directory", errno: errno) }
    defer { close(fd) }
    try sync(fd: fd, path: dir)
  }

  /// Replaces `path` atomically and durably with `bytes`: writes `path.tmp`, fsyncs it,
  /// renames it over `path`, fsyncs the directory. A crash leaves the old or the new file
  /// (and at worst a stale `.tmp` that the next replace overwrites).
  public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws(FileError) {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw FileError(path: temporary, operation: "open", errno: errno) }
    do throws(FileError) {
      try writeAll(fd: fd, bytes, path: temporary)
      try sync(fd: fd, path: temporary)
    } catch {
      close(fd)
      throw error
    }
    close(fd)
    guard rename(temporary, path) == 0 else { throw FileError(path: path, operation: "rename", errno: errno) }
    try syncDirectory(of: path)
  }

  /// Creates a new file (failing if it exists) with `mode` set at creation, writes `bytes`
  /// and fsyncs file and directory. The mode is given to open(2), so a private key is never
  /// readable by others, not even between creation and a chmod.
  public static func create(_ path: String, with bytes: [UInt8], mode: mode_t) throws(FileError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw FileError(path: path, operation: "create", errno: errno) }
    do throws(FileError) {
      if fchmod(fd, mode) != 0 { throw FileError(path: path, operation: "fchmod", errno: errno) }
      try writeAll(fd: fd, bytes, path: path)
      try sync(fd: fd, path: path)
    } catch {
      close(fd)
      throw error
    }
    close(fd)
    try syncDirectory(of: path)
  }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(fd, buffer, count)
}
