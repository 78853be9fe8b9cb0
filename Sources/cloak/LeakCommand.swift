import ArgumentParser
import CZlib
import LeakDetection

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `cloak leak ...`: the leak detector off line.
struct LeakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leak",
    abstract: "Leak detection: analyse recorded pressure/temperature logs with the controller's detector.",
    subcommands: [LeakAnalyze.self, LeakEvaluate.self, LeakGenerate.self]
  )
}

/// `cloak leak analyze --input FILE|- [--threshold-pct-per-h R] [--volume-m3 MODULE=V ...]`.
struct LeakAnalyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Run the leak detector over a CSV log; one JSON event per line on stdout.",
    discussion: """
      Input: CSV with the header time_s,module,sensor,pressure_pa,temperature_c (seconds, Pa, degrees C), rows in \
      time order, any number of modules and sensors; gzip input is recognised by its magic bytes; '-' reads stdin. \
      A malformed row stops the run with FILE:LINE on stderr and exit code 2. Every module is its own segment \
      (the log says nothing of hatches). Method and thresholds: docs/leak-detection.md.
      """
  )

  @Option(help: "CSV file (plain or gzip), or - for stdin.")
  var input: String

  @Option(help: "Leak alarm rate, % of the gas per hour (default 0.3).")
  var thresholdPctPerH: Double?

  @Option(help: "A module's free air volume for kg/day, MODULE=CUBIC_METRES (repeatable).")
  var volumeM3: [String] = []

  func run() throws {
    var configuration = LeakDetectorConfiguration()
    if let rate = thresholdPctPerH {
      guard rate.isFinite, rate > 0 else { throw ValidationError("--threshold-pct-per-h must be a positive number") }
      configuration.alarmRatePctPerHour = rate
    }
    var volumes: [String: Double] = [:]
    for entry in volumeM3 {
      let parts = entry.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let volume = Double(parts[1]), volume.isFinite, volume > 0 else {
        throw ValidationError("--volume-m3 '\(entry)': expected MODULE=CUBIC_METRES with a positive volume")
      }
      volumes[String(parts[0])] = volume
    }
    var output = StandardOutputLines()
    let analyzer = try LeakCSVAnalyzer(configuration: configuration, volumes: volumes) { output.append($0) }
    let name = input == "-" ? "<stdin>" : input
    do {
      try LeakInput.stream(path: input) { chunk in
        try analyzer.consume(chunk)
        output.flushIfLarge()
      }
      try analyzer.finish()
      output.flush()
    } catch let error as LeakCSVError {
      output.flush()
      printError("cloak leak analyze: \(name):\(error.line.map(String.init) ?? "1"): \(lineless(error))")
      throw ExitCode(2)
    } catch let error as LeakInputError {
      output.flush()
      printError("cloak leak analyze: \(error)")
      throw ExitCode(2)
    }
  }

  private func lineless(_ error: LeakCSVError) -> String {
    switch error {
    case .badHeader(_, let found): "header is '\(found.prefix(80))', expected '\(LeakCSVAnalyzer.header)'"
    case .missingHeader: "no header (empty input); expected '\(LeakCSVAnalyzer.header)'"
    case .malformed(_, let message): message
    }
  }
}

/// Event lines collected and written to stdout in blocks.
struct StandardOutputLines {
  private var text = ""

  mutating func append(_ line: String) {
    text += line
    text += "\n"
  }

  mutating func appendRaw(_ chunk: String) { text += chunk }

  mutating func flushIfLarge() { if text.utf8.count > 1 << 16 { flush() } }

  mutating func flush() {
    guard !text.isEmpty else { return }
    var remaining = text
    text = ""
    remaining.withUTF8 { bytes in
      guard let base = bytes.baseAddress else { return }
      var offset = 0
      while offset < bytes.count {
        let written = write(1, base + offset, bytes.count - offset)
        if written <= 0 { break }
        offset += written
      }
    }
  }
}

/// What reading the input can fail with, naming the file.
enum LeakInputError: Error, CustomStringConvertible {
  case cannotOpen(path: String, errno: Int32)
  case readFailed(path: String, errno: Int32)
  case gzip(path: String, message: String)

  var description: String {
    switch self {
    case .cannotOpen(let path, let code): "\(path): cannot open: \(String(cString: strerror(code)))"
    case .readFailed(let path, let code): "\(path): read failed: \(String(cString: strerror(code)))"
    case .gzip(let path, let message): "\(path): gzip: \(message)"
    }
  }
}

/// Reads a file or stdin in 1 MiB blocks, inflating gzip (recognised by its magic bytes, several members allowed)
/// through the system zlib (decision 0901).
enum LeakInput {
  static let blockSize = 1 << 20

  static func stream(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let name = path == "-" ? "<stdin>" : path
    let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
    guard fd >= 0 else { throw LeakInputError.cannotOpen(path: name, errno: errno) }
    defer { if fd != 0 { close(fd) } }
    let input = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
    defer { input.deallocate() }
    var first = try fill(fd, input, name: name)
    guard first > 0 else { return }
    if first >= 2 && input[0] == 0x1F && input[1] == 0x8B {
      try inflate(fd, input, first: first, name: name, body)
      return
    }
    while first > 0 {
      try body(UnsafeRawBufferPointer(rebasing: input[0..<first]))
      first = try fill(fd, input, name: name)
    }
  }

  /// Reads until the buffer is full or the input ends; returns the byte count (0 at the end).
  private static func fill(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, name: String) throws -> Int {
    var total = 0
    while total < buffer.count {
      guard let base = buffer.baseAddress else { return 0 }
      let n = read(fd, base + total, buffer.count - total)
      if n < 0 {
        if errno == EINTR { continue }
        throw LeakInputError.readFailed(path: name, errno: errno)
      }
      if n == 0 { break }
      total += n
    }
    return total
  }

  private static func inflate(
    _ fd: Int32, _ input: UnsafeMutableRawBufferPointer, first: Int, name: String,
    _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
    defer { output.deallocate() }
    guard let inBase = input.baseAddress, let outBase = output.baseAddress else { return }
    let inBytes = inBase.assumingMemoryBound(to: Bytef.self)
    let outBytes = outBase.assumingMemoryBound(to: Bytef.self)
    var stream = z_stream()
    // 15 + 32: a zlib or gzip header, detected.
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw LeakInputError.gzip(path: name, message: "inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    var available = first
    var ended = false
    while true {
      stream.next_in = inBytes
      stream.avail_in = uInt(available)
      while stream.avail_in > 0 {
        if ended {
          // Another gzip member follows.
          guard inflateReset(&stream) == Z_OK else { throw LeakInputError.gzip(path: name, message: "reset failed") }
          ended = false
        }
        stream.next_out = outBytes
        stream.avail_out = uInt(output.count)
        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
          let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
          throw LeakInputError.gzip(path: name, message: message)
        }
        let produced = output.count - Int(stream.avail_out)
        if produced > 0 { try body(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
        if status == Z_STREAM_END { ended = true }
        if status == Z_BUF_ERROR && produced == 0 { break }
      }
      available = try fill(fd, input, name: name)
      if available == 0 { break }
    }
    // Flush what is still buffered inside zlib.
    while !ended {
      stream.next_out = outBytes
      stream.avail_out = uInt(output.count)
      let status = CZlib.inflate(&stream, Z_FINISH)
      let produced = output.count - Int(stream.avail_out)
      if produced > 0 { try body(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
      if status == Z_STREAM_END { break }
      guard status == Z_OK || (status == Z_BUF_ERROR && produced > 0) else {
        throw LeakInputError.gzip(path: name, message: "truncated gzip stream")
      }
    }
  }
}
