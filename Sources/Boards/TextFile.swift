#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one loader for every text file the CLI reads (board files, register dumps, and
/// any later file): a regular file, at most ``defaultLimit`` bytes, valid UTF-8. Each
/// failure is a ``TextFileError`` naming the path and the real cause (a directory, a
/// device or endless stream, too large, not UTF-8, no such file, no permission), so no
/// caller guesses the cause from a generic failure.
public enum TextFile {
  /// 1 MiB: far above any board file or i2cdump capture (about 5 KB).
  public static let defaultLimit = 1 << 20

  /// Reads `path` as UTF-8 text of at most `limit` bytes. Opens with O_NONBLOCK so that a
  /// FIFO cannot hang the open; only regular files are read.
  public static func read(_ path: String, limit: Int = defaultLimit) throws(TextFileError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw TextFileError(path: path, kind: openFailure(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw TextFileError(path: path, kind: .io(errno: errno)) }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
      switch type {
      case S_IFDIR: throw TextFileError(path: path, kind: .isDirectory)
      case S_IFCHR: throw TextFileError(path: path, kind: .notRegularFile("a character device"))
      case S_IFBLK: throw TextFileError(path: path, kind: .notRegularFile("a block device"))
      case S_IFIFO: throw TextFileError(path: path, kind: .notRegularFile("a pipe (FIFO)"))
      case S_IFSOCK: throw TextFileError(path: path, kind: .notRegularFile("a socket"))
      default: throw TextFileError(path: path, kind: .notRegularFile("not a regular file"))
      }
    }
    if Int(info.st_size) > limit { throw TextFileError(path: path, kind: .tooLarge(limit: limit)) }
    // Read at most limit + 1 bytes: a file that grows while read (or lies about its
    // size, as /proc files do) is still bounded.
    var bytes = [UInt8](repeating: 0, count: limit + 1)
    var count = 0
    while count < bytes.count {
      let got = bytes.withUnsafeMutableBytes { buffer in
        systemRead(fd, buffer.baseAddress.map { $0 + count }, buffer.count - count)
      }
      if got < 0 {
        if errno == EINTR { continue }
        throw TextFileError(path: path, kind: .io(errno: errno))
      }
      if got == 0 { break }
      count += got
    }
    guard count <= limit else { throw TextFileError(path: path, kind: .tooLarge(limit: limit)) }
    bytes.removeSubrange(count...)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw TextFileError(path: path, kind: .notUTF8(line: firstInvalidLine(bytes)))
    }
    return text
  }

  private static func openFailure(_ code: Int32) -> TextFileError.Kind {
    switch code {
    case ENOENT, ENOTDIR: return .notFound
    case EACCES, EPERM: return .permissionDenied
    default: return .io(errno: code)
    }
  }

  /// The 1-based line of the first byte sequence that is not UTF-8.
  static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
    var line = 1
    var lineStart = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
      if String(validating: bytes[lineStart..<index], as: UTF8.self) == nil { return line }
      line += 1
      lineStart = index + 1
    }
    return line
  }
}

/// `read(2)` under a name that does not clash with the loader's own `read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
  #else
    return Darwin.read(fd, buffer, count)
  #endif
}

/// Why a text file could not be read, naming the path.
public struct TextFileError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    case notFound
    case permissionDenied
    case isDirectory
    /// A device, pipe or socket (the text says which): possibly endless, never read.
    case notRegularFile(String)
    /// Larger than the limit (bytes).
    case tooLarge(limit: Int)
    /// Not UTF-8 text; the first line with an invalid byte.
    case notUTF8(line: Int)
    case io(errno: Int32)
  }

  public var path: String
  public var kind: Kind

  public init(path: String, kind: Kind) {
    self.path = path
    self.kind = kind
  }

  /// The cause alone, without the path.
  public var reason: String {
    switch kind {
    case .notFound: return "no such file"
    case .permissionDenied: return "permission denied"
    case .isDirectory: return "is a directory, not a file"
    case .notRegularFile(let what):
      return "is \(what), not a regular file (a device or stream may never end); give a file"
    case .tooLarge(let limit): return "is larger than \(limit) bytes: not a file this command reads"
    case .notUTF8(let line): return "is not UTF-8 text (first invalid byte on line \(line))"
    case .io(let code): return "cannot be read (errno \(code))"
    }
  }

  public var description: String { "\(path): \(reason)" }
}
