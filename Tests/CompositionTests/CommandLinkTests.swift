import AuditLog
import Boards
import CommandLink
import Controller
import Foundation
import GroundLink
import HAL
import MockHAL
import Station
import Testing

@testable import Composition

/// The command link end to end: crew console and ground over real sockets, to the arbiter
/// of a controller on the sim board whose executive runs on its own thread.
@Suite(.serialized) struct CommandLinkTests {
  /// A controller with its executive stepping virtual time on a thread, until `stop`.
  final class RunningController: @unchecked Sendable {
    let assembly: ControllerAssembly
    let clock: VirtualClock
    private let lock = NSLock()
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init() throws {
      let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
      let backend = try SimBackend(board: board)
      let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
      assembly = try ControllerAssembly(
        board: running, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder())
      clock = backend.virtualClock
      let thread = Thread { [self] in
        while isRunning {
          assembly.executive.run(until: clock.now().advanced(by: .milliseconds(20)))
          Thread.sleep(forTimeInterval: 0.001)
        }
        done.signal()
      }
      thread.start()
    }
    var isRunning: Bool { lock.withLock { running } }
    func stop() {
      lock.withLock { running = false }
      done.wait()
    }
    var slips: UInt64 { assembly.executive.report().slips }
  }

  static func socketPath() -> String { "/tmp/cloak-link-\(UInt32.random(in: 0...UInt32.max)).sock" }

  @Test func crewConsoleCommandGetsTheArbitersResponse() throws {
    let controller = try RunningController()
    defer { controller.stop() }
    let path = Self.socketPath()
    let link = try CommandLinkServer(
      settings: CommandLinkSettings(consoleSocket: path), arbiter: controller.assembly.arbiter, verifier: nil)
    defer { link.stop() }
    let client = try LinkClient(socketPath: path)
    let hatch = TestStation.hatch1.rawValue
    #expect(
      try client.request(Array("{\"request_id\":7,\"command\":\"hatch_open\",\"hatch\":\"\(hatch)\"}".utf8))
        == "{\"request_id\":7,\"result\":\"ok\"}")
    #expect(
      try client.request(Array("{\"request_id\":8,\"command\":\"hatch_open\",\"hatch\":\"nowhere\"}".utf8))
        == "{\"request_id\":8,\"result\":\"error\",\"error\":\"validation\",\"reason\":\"no such hatch 'nowhere'\"}")
    #expect(
      try client.request(Array("{\"request_id\":9,\"command\":\"fly_to_the_moon\"}".utf8))
        .contains("\"error\":\"validation\""))
    #expect(
      try client.request(Array("not json".utf8)).hasPrefix(
        "{\"request_id\":null,\"result\":\"error\",\"error\":\"format\""))
  }

  @Test func consoleRefusesPeersOutsideTheConfiguredUsersAndGroups() throws {
    let controller = try RunningController()
    defer { controller.stop() }
    let path = Self.socketPath()
    let link = try CommandLinkServer(
      settings: CommandLinkSettings(consoleSocket: path, consoleAccess: ConsoleAccess(uids: [4_000_000], gids: [])),
      arbiter: controller.assembly.arbiter, verifier: nil)
    defer { link.stop() }
    let client = try LinkClient(socketPath: path)
    let line = try client.readLine()
    #expect(line.contains("\"error\":\"authority\"") && line.contains("may not use the crew console"))
    #expect(link.statistics.peersRefused == 1)
  }

  /// A crew member whose console group is a supplementary group (uid and primary group
  /// not configured) is admitted; the same peer without that group is refused. The peer
  /// is a child process with its ids and groups set by setpriv (root only).
  @Test(.enabled(if: getuid() == 0, "setpriv needs root"))
  func consoleAdmitsByASupplementaryGroup() throws {
    let controller = try RunningController()
    defer { controller.stop() }
    let path = Self.socketPath()
    let link = try CommandLinkServer(
      settings: CommandLinkSettings(consoleSocket: path, consoleAccess: ConsoleAccess(uids: [], gids: [4_242])),
      arbiter: controller.assembly.arbiter, verifier: nil)
    defer { link.stop() }
    #expect(chmod(path, 0o777) == 0)
    // The client sends a request the arbiter's parser refuses (`validation`) if admitted;
    // a refused peer is answered at once and disconnected, so it only reads.
    func exchange(groups: String, send: Bool) throws -> String {
      let client = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
        if sys.argv[2] == "send": s.sendall(b'{"request_id":5,"command":"fly_to_the_moon"}\\n')
        print(s.makefile().readline().strip())
        """
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
      process.arguments = [
        "--reuid", "4321", "--regid", "4321", "--groups", groups, "--", "/usr/bin/python3", "-c", client, path,
        send ? "send" : "read",
      ]
      let output = Pipe()
      process.standardOutput = output
      try process.run()
      let data = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return String(decoding: data, as: UTF8.self)
    }
    let member = try exchange(groups: "100,4242", send: true)
    #expect(member.contains("\"error\":\"validation\""), "admitted by group 4242: \(member)")
    let outsider = try exchange(groups: "100,4243", send: false)
    #expect(outsider.contains("may not use the crew console"), "refused without it: \(outsider)")
    #expect(link.statistics.peersRefused == 1)
  }

  /// Ground: a signed envelope with a lease takes the lease and runs the command; the same
  /// envelope again is refused as replayed, with the reason.
  @Test func groundEnvelopeTakesTheLeaseAndAReplayIsRejected() throws {
    let controller = try RunningController()
    defer { controller.stop() }
    let signer = try NoteSigner.generate(name: "ground-1")
    let ring = try KeyRing([KeyRing.Key(verifier: signer.verifier, allowedCommands: ["hatch_close", "lease_end"])])
    let guardPath = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-replay-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: guardPath) }
    let verifier = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: guardPath), windowMs: 60_000)
    let link = try CommandLinkServer(
      settings: CommandLinkSettings(groundPort: 0), arbiter: controller.assembly.arbiter, verifier: verifier)
    defer { link.stop() }
    let port = try #require(link.groundAddress?.port)
    let client = try LinkClient(host: "127.0.0.1", port: port)
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    let hatch = TestStation.hatch1.rawValue
    let envelope = try CommandEnvelope.sign(
      command: Array("{\"command\":\"hatch_close\",\"hatch\":\"\(hatch)\"}".utf8), sequence: 1, timeMs: now,
      leaseExpiresMs: now + 600_000, signer: signer)
    #expect(try client.request(envelope) == "{\"request_id\":1,\"result\":\"ok\"}")
    let replay = try client.request(envelope)
    #expect(replay.hasPrefix("{\"request_id\":1,\"result\":\"error\",\"error\":\"authority\",\"reason\":\"replayed"))
    // Without a lease in the envelope, after the lease ended, ground has no authority.
    let end = try CommandEnvelope.sign(
      command: Array("{\"command\":\"lease_end\"}".utf8), sequence: 2, timeMs: now, signer: signer)
    _ = try client.request(end)
    let late = try CommandEnvelope.sign(
      command: Array("{\"command\":\"hatch_close\",\"hatch\":\"\(hatch)\"}".utf8), sequence: 3, timeMs: now,
      signer: signer)
    #expect(try client.request(late).contains("\"error\":\"authority\""))
    let unsigned = try client.request(Array("{\"v\":1,\"key_id\":\"ground-1\",\"seq\":9}".utf8))
    #expect(unsigned.contains("\"result\":\"error\""))
  }

  /// 10,000 random and malformed frames (garbage, truncated JSON, oversized lines, valid
  /// commands) on the console and ground listeners at once: every frame answered, the
  /// process alive, other clients served, the executive's slip count unchanged.
  @Test func fuzzTenThousandFramesNoCrashNoHangNoSlips() throws {
    let controller = try RunningController()
    defer { controller.stop() }
    let path = Self.socketPath()
    let ring = try KeyRing([])
    let guardPath = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-replay-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: guardPath) }
    let verifier = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: guardPath), windowMs: 60_000)
    let link = try CommandLinkServer(
      settings: CommandLinkSettings(consoleSocket: path, groundPort: 0), arbiter: controller.assembly.arbiter,
      verifier: verifier)
    defer { link.stop() }
    let port = try #require(link.groundAddress?.port)
    let slipsBefore = controller.slips
    var random = SplitMix(seed: 12)
    let hatch = TestStation.hatch1.rawValue
    let templates = [
      "{\"request_id\":1,\"command\":\"hatch_close\",\"hatch\":\"\(hatch)\"}", "{\"request_id\":", "{}", "[1,2,3]",
      "{\"request_id\":-1,\"command\":7}", "{\"request_id\":3,\"command\":\"lease_take\",\"seconds\":{\"x\":1}}",
      String(repeating: "[", count: 2000),
      "{\"v\":1,\"key_id\":\"k\",\"seq\":1,\"time_ms\":0,\"command\":{},\"sig\":\"\"}",
      "\u{0}\u{1}\u{2}", "{\"request_id\":18446744073709551615,\"command\":\"enter_safe_mode\",\"x\":\"\u{FFFD}\"}",
    ]
    // A half-open client that connects and never sends, and a slow one sending byte by byte.
    let idle = try LinkClient(socketPath: path)
    let slow = try LinkClient(socketPath: path)
    try slow.write(Array("{\"request_id\":5,".utf8))
    var answered = 0
    let console = try LinkClient(socketPath: path)
    let ground = try LinkClient(host: "127.0.0.1", port: port)
    for index in 0..<10_000 {
      var frame: [UInt8]
      switch random.next() % 4 {
      case 0:
        frame = (0..<Int(random.next() % 200 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      case 1:
        let text = Array(templates[Int(random.next() % UInt64(templates.count))].utf8)
        frame = Array(text.prefix(Int(random.next() % UInt64(text.count + 1)) + 1))
      case 2:
        frame = Array(templates[Int(random.next() % UInt64(templates.count))].utf8)
      default:
        frame = [UInt8](repeating: UInt8(ascii: "x"), count: LinkProtocol.maxFrameBytes + Int(random.next() % 3000))
      }
      // One frame per line, never blank: LF and CR become spaces, a leading '#' marks it.
      frame = [UInt8(ascii: "#")] + frame.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
      if frame.first == UInt8(ascii: "#"), random.next() % 2 == 0, frame.count > 1 { frame.removeFirst() }
      if frame.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { frame = [UInt8(ascii: "?")] }
      let client = index % 2 == 0 ? console : ground
      let response = try client.request(frame)
      if response.hasPrefix("{\"request_id\":") && response.contains("\"result\":") { answered += 1 }
    }
    try slow.write(Array("\"command\":\"enter_safe_mode\"}\n".utf8))
    #expect(try slow.readLine() == "{\"request_id\":5,\"result\":\"ok\"}")
    #expect(answered == 10_000)
    #expect(link.statistics.frames >= 10_000)
    #expect(controller.slips == slipsBefore)
    #expect(link.router.pending == 0)
    _ = idle
  }
}

/// The project's seeded generator (SplitMix64) for the fuzz frames: same seed, same frames.
typealias SplitMix = SeededRandom

/// The response router's completions run exactly once, whatever the order of a refusal,
/// a stop and a late submit.
@Suite struct ResponseRouterTests {
  final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var byID: [UInt64: [CommandResponse]] = [:]
    func add(_ response: CommandResponse) { lock.withLock { byID[response.requestID, default: []].append(response) } }
    var all: [UInt64: [CommandResponse]] { lock.withLock { byID } }
  }

  static func assembly() throws -> ControllerAssembly {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    return try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder())
  }

  @Test func aSubmitAfterStopIsAnsweredBusyOnce() throws {
    let router = ResponseRouter(arbiter: try Self.assembly().arbiter, drainsArbiter: false)
    router.stop()
    let answers = Answers()
    router.submit(.stopAllDrones, by: .crewConsole) { answers.add($0) }
    let all = answers.all
    #expect(all.count == 1)
    #expect(all.values.first?.count == 1)
    #expect(all.values.first?.first?.rejection == .busy)
    #expect(router.pending == 0)
  }

  @Test func aFullQueueRefusalIsAnsweredOnceEvenWithAStopBetween() throws {
    // Nothing drains the arbiter: the crew queue fills, and every request past it is
    // refused at once. Stopping then answers the accepted ones `busy`: each id once.
    let router = ResponseRouter(arbiter: try Self.assembly().arbiter, drainsArbiter: false)
    let answers = Answers()
    for _ in 0..<200 { router.submit(.stopAllDrones, by: .crewConsole) { answers.add($0) } }
    let refusedAtOnce = answers.all.count
    #expect(refusedAtOnce > 0)
    #expect(router.pending == 200 - refusedAtOnce)
    router.stop()
    let all = answers.all
    #expect(all.count == 200)
    #expect(all.values.allSatisfy { $0.count == 1 && $0[0].rejection == .busy })
    #expect(router.pending == 0)
  }
}
