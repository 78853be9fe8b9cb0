import Glibc

/// A scratch directory standing in for /sys (or /dev), removed on deinit.
final class FakeTree {
  let root: String

  init() {
    var template = Array("\(temporaryDirectory())/cloak-linuxhal-XXXXXX".utf8CString)
    root = template.withUnsafeMutableBufferPointer { buffer -> String in
      guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return "/nonexistent/mkdtemp-failed" }
      return String(cString: made)
    }
  }

  deinit { remove(root) }

  func path(_ relative: String) -> String { "\(root)/\(relative)" }

  func mkdirs(_ relative: String) {
    var current = root
    for part in relative.split(separator: "/") {
      current += "/\(part)"
      mkdir(current, 0o755)
    }
  }

  func write(_ relative: String, _ text: String) {
    let full = path(relative)
    if let slash = relative.lastIndex(of: "/") { mkdirs(String(relative[..<slash])) }
    let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return }
    var text = text
    _ = text.withUTF8 { Glibc.write(fd, $0.baseAddress, $0.count) }
    close(fd)
  }

  func read(_ relative: String) -> String? {
    let fd = open(path(relative), O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 256)
    let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    return count < 0 ? nil : String(decoding: bytes[0..<count], as: UTF8.self)
  }

  /// Creates `relative` as a symlink to `target` (relative to the root when it does not start with '/').
  func link(_ relative: String, to target: String) {
    if let slash = relative.lastIndex(of: "/") { mkdirs(String(relative[..<slash])) }
    symlink(target.hasPrefix("/") ? target : path(target), path(relative))
  }

  private func remove(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if info.st_mode & S_IFMT == S_IFDIR {
      if let dir = opendir(path) {
        while let entry = readdir(dir) {
          let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
          }
          if name != "." && name != ".." { remove("\(path)/\(name)") }
        }
        closedir(dir)
      }
      rmdir(path)
    } else {
      unlink(path)
    }
  }
}

/// `$TMPDIR`, else /tmp (the virtual bench guest's /tmp is read-only; it sets TMPDIR).
func temporaryDirectory() -> String {
  guard let raw = getenv("TMPDIR"), raw.pointee != 0 else { return "/tmp" }
  return String(cString: raw)
}
