import Controller
import Foundation
import GroundLink
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#endif

/// Who may use the crew console socket: a peer (by SO_PEERCRED) whose uid is in `uids` or
/// whose primary gid is in `gids`, or (by SO_PEERGROUPS, the supplementary groups the
/// kernel recorded when the peer connected) one of whose first 64 supplementary groups is
/// in `gids`; group 0 is never admitted as a supplementary group (the kernel's list cannot
/// be told from the zeroed rest of the buffer). Anyone else is refused and disconnected.
public struct ConsoleAccess: Sendable, Equatable {
  public var uids: Set<UInt32>
  public var gids: Set<UInt32>
  public init(uids: Set<UInt32> = [], gids: Set<UInt32> = []) {
    self.uids = uids
    self.gids = gids
  }
  /// The default: only the controller's own user.
  public static var ownUser: ConsoleAccess { ConsoleAccess(uids: [getuid()]) }
  public func admits(uid: UInt32, gid: UInt32) -> Bool { uids.contains(uid) || gids.contains(gid) }
  /// Whether a supplementary group admits the peer (group 0 never does: see above).
  public func admits(supplementaryGroups groups: some Sequence<UInt32>) -> Bool {
    groups.contains { $0 != 0 && gids.contains($0) }
  }
}

/// Where the link listens and what it trusts (docs/command-link.md).
public struct CommandLinkSettings: Sendable {
  /// The crew console's Unix-domain socket (nil: none).
  public var consoleSocket: String?
  public var consoleAccess: ConsoleAccess
  /// The ground listener (nil: none); loopback unless configured otherwise.
  public var groundHost: String
  public var groundPort: Int?
  /// Requests one connection may have waiting for the arbiter; more are answered `busy`.
  public var maxInFlightPerConnection: Int
  /// A connection that sends nothing for this long is closed (half-open peers).
  public var idleTimeout: TimeAmount
  public init(
    consoleSocket: String? = nil, consoleAccess: ConsoleAccess = .ownUser, groundHost: String = "127.0.0.1",
    groundPort: Int? = nil, maxInFlightPerConnection: Int = 8, idleTimeout: TimeAmount = .seconds(300)
  ) {
    self.consoleSocket = consoleSocket
    self.consoleAccess = consoleAccess
    self.groundHost = groundHost
    self.groundPort = groundPort
    self.maxInFlightPerConnection = maxInFlightPerConnection
    self.idleTimeout = idleTimeout
  }
}

/// Why the link could not start.
public struct CommandLinkError: Error, CustomStringConvertible {
  public var description: String
}

/// The running command link: SwiftNIO listeners for the crew console and ground, one
/// event-loop thread, the ``ResponseRouter`` thread. Nothing here runs on a rate group;
/// the executive only sees requests in the arbiter's bounded queues.
public final class CommandLinkServer: @unchecked Sendable {
  public let router: ResponseRouter
  private let ownsRouter: Bool
  private let group: MultiThreadedEventLoopGroup
  private var channels: [Channel] = []
  /// Where the ground listener is bound (the port when 0 was asked for).
  public private(set) var groundAddress: SocketAddress?
  private let counters = LinkCounters()

  /// Frames received, refused before the arbiter, and connections refused by credentials.
  public var statistics: (frames: Int, refused: Int, peersRefused: Int) { counters.read() }

  /// Starts listening with a ``ResponseRouter`` of its own on `arbiter` (stopped with
  /// the link). `verifier` and `wallClockMs` serve ground (required when a ground port is
  /// set). Throws naming the socket path or address that failed.
  public convenience init(
    settings: CommandLinkSettings, arbiter: CommandArbiter, verifier: CommandVerifier?,
    wallClockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
  ) throws(CommandLinkError) {
    try self.init(
      settings: settings, router: ResponseRouter(arbiter: arbiter), ownsRouter: true, verifier: verifier,
      wallClockMs: wallClockMs)
  }

  /// Starts listening on `router`, shared with other submitters (the operator API): the
  /// caller stops it after the link. Throws as the other initialiser.
  public convenience init(
    settings: CommandLinkSettings, router: ResponseRouter, verifier: CommandVerifier?,
    wallClockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
  ) throws(CommandLinkError) {
    try self.init(settings: settings, router: router, ownsRouter: false, verifier: verifier, wallClockMs: wallClockMs)
  }

  private init(
    settings: CommandLinkSettings, router: ResponseRouter, ownsRouter: Bool, verifier: CommandVerifier?,
    wallClockMs: @escaping @Sendable () -> Int64
  ) throws(CommandLinkError) {
    self.router = router
    self.ownsRouter = ownsRouter
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let counters = counters
    let consolePath = CommandPath(router: router, verifier: nil, wallClockMs: wallClockMs)
    let groundPath = CommandPath(router: router, verifier: verifier, wallClockMs: wallClockMs)
    do {
      if let path = settings.consoleSocket {
        let access = settings.consoleAccess
        let channel = try Self.bootstrap(group, settings: settings) { channel in
          LinkHandler(
            role: .console(access), path: consolePath, maxInFlight: settings.maxInFlightPerConnection,
            counters: counters)
        }.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        channels.append(channel)
      }
      if let port = settings.groundPort {
        guard verifier != nil else { throw CommandLinkError(description: "the ground listener needs a key ring") }
        let channel = try Self.bootstrap(group, settings: settings) { _ in
          LinkHandler(
            role: .ground, path: groundPath, maxInFlight: settings.maxInFlightPerConnection, counters: counters)
        }.bind(host: settings.groundHost, port: port).wait()
        groundAddress = channel.localAddress
        channels.append(channel)
      }
    } catch let error as CommandLinkError {
      stop()
      throw error
    } catch {
      stop()
      let place = [settings.consoleSocket, settings.groundPort.map { "\(settings.groundHost):\($0)" }]
      throw CommandLinkError(
        description: "command link: cannot listen on \(place.compactMap { $0 }.joined(separator: " / ")): \(error)")
    }
  }

  private static func bootstrap(
    _ group: MultiThreadedEventLoopGroup, settings: CommandLinkSettings,
    handler: @escaping @Sendable (Channel) -> LinkHandler
  ) -> ServerBootstrap {
    ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 64)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.writeBufferWaterMark, value: .init(low: 16 * 1024, high: 64 * 1024))
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: settings.idleTimeout))
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer()))
          try channel.pipeline.syncOperations.addHandler(handler(channel))
        }
      }
  }

  /// Closes the listeners and connections, stops the threads; a router of its own is
  /// stopped too (pending requests answered `busy`).
  public func stop() {
    for channel in channels { try? channel.close().wait() }
    channels.removeAll()
    if ownsRouter { router.stop() }
    try? group.syncShutdownGracefully()
  }
}

final class LinkCounters: @unchecked Sendable {
  private let lock = NSLock()
  private var frames = 0
  private var refused = 0
  private var peersRefused = 0
  func frame() { lock.withLock { frames += 1 } }
  func refusal() { lock.withLock { refused += 1 } }
  func peerRefused() { lock.withLock { peersRefused += 1 } }
  func read() -> (Int, Int, Int) { lock.withLock { (frames, refused, peersRefused) } }
}

/// A frame off the wire: a line (without its LF), or a line longer than the limit (its
/// bytes are discarded up to the next LF).
enum Frame {
  case line([UInt8])
  case oversized
}

/// Splits the stream at LF; a line over `LinkProtocol.maxFrameBytes` becomes `.oversized`
/// and the rest of it is skipped without being buffered.
struct LineFramer: ByteToMessageDecoder {
  typealias InboundOut = Frame
  var skipping = false

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    let view = buffer.readableBytesView
    if let lf = view.firstIndex(of: 0x0A) {
      let length = lf - view.startIndex
      let wasSkipping = skipping
      skipping = false
      if wasSkipping || length > LinkProtocol.maxFrameBytes {
        buffer.moveReaderIndex(forwardBy: length + 1)
        if !wasSkipping { context.fireChannelRead(wrapInboundOut(.oversized)) }
        return .continue
      }
      let bytes = buffer.readBytes(length: length) ?? []
      buffer.moveReaderIndex(forwardBy: 1)
      context.fireChannelRead(wrapInboundOut(.line(bytes.last == 0x0D ? Array(bytes.dropLast()) : bytes)))
      return .continue
    }
    if view.count > LinkProtocol.maxFrameBytes {
      buffer.moveReaderIndex(forwardBy: view.count)
      if !skipping { context.fireChannelRead(wrapInboundOut(.oversized)) }
      skipping = true
    }
    return .needMoreData
  }

  mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
    -> DecodingState
  {
    buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
    return .needMoreData
  }
}

/// One connection: reads frames, answers each with one line, never blocks the event loop.
final class LinkHandler: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = Frame
  typealias OutboundOut = ByteBuffer

  enum Role {
    case console(ConsoleAccess)
    case ground
  }

  let role: Role
  let path: CommandPath
  let maxInFlight: Int
  let counters: LinkCounters
  /// Requests waiting for the arbiter (touched on the event loop only).
  private var inFlight = 0
  private var admitted = false

  init(role: Role, path: CommandPath, maxInFlight: Int, counters: LinkCounters) {
    self.role = role
    self.path = path
    self.maxInFlight = maxInFlight
    self.counters = counters
  }

  var principal: Principal {
    if case .ground = role { return .ground }
    return .crewConsole
  }

  func channelActive(context: ChannelHandlerContext) {
    guard case .console(let access) = role else {
      admitted = true
      context.fireChannelActive()
      return
    }
    let channel = context.channel
    let loop = context.eventLoop
    guard let provider = channel as? SocketOptionProvider else {
      refusePeer(context, reason: "peer credentials unavailable")
      return
    }
    let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
      level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
    let box = NIOLoopBound(self, eventLoop: loop)
    let contextBox = NIOLoopBound(context, eventLoop: loop)
    credentials.whenComplete { result in
      let handler = box.value
      let context = contextBox.value
      switch result {
      case .success(let peer) where access.admits(uid: peer.uid, gid: peer.gid):
        handler.admitted = true
      case .success(let peer) where !access.gids.isEmpty:
        // Not by uid or primary group: ask the kernel for the peer's supplementary groups.
        let groups: EventLoopFuture<PeerGroups> = provider.unsafeGetSocketOption(
          level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(PeerGroups.option))
        groups.whenComplete { result in
          let handler = box.value
          let context = contextBox.value
          switch result {
          case .success(let groups) where access.admits(supplementaryGroups: groups.list):
            handler.admitted = true
          case .success:
            handler.refusePeer(context, reason: "uid \(peer.uid) gid \(peer.gid) may not use the crew console")
          case .failure(let error):
            handler.refusePeer(context, reason: "uid \(peer.uid): supplementary groups: \(error)")
          }
        }
      case .success(let peer):
        handler.refusePeer(context, reason: "uid \(peer.uid) gid \(peer.gid) may not use the crew console")
      case .failure(let error):
        handler.refusePeer(context, reason: "peer credentials: \(error)")
      }
    }
    context.fireChannelActive()
  }

  private func refusePeer(_ context: ChannelHandlerContext, reason: String) {
    counters.peerRefused()
    respond(
      context, LinkProtocol.line(requestID: nil, refusal: .init(requestID: nil, code: .authority, reason: reason)))
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    counters.frame()
    let frame: [UInt8]
    switch unwrapInboundIn(data) {
    case .oversized:
      refuse(context, .init(requestID: nil, code: .format, reason: "frame over \(LinkProtocol.maxFrameBytes) bytes"))
      return
    case .line(let bytes): frame = bytes
    }
    if frame.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are ignored
    guard admitted else {
      refuse(context, .init(requestID: nil, code: .authority, reason: "peer not yet admitted"))
      return
    }
    guard inFlight < maxInFlight else {
      refuse(context, .init(requestID: nil, code: .busy, reason: "too many requests waiting on this connection"))
      return
    }
    inFlight += 1
    let loop = context.eventLoop
    let box = NIOLoopBound(self, eventLoop: loop)
    let contextBox = NIOLoopBound(context, eventLoop: loop)
    let counters = counters
    let answer: @Sendable (LinkReply) -> Void = { reply in
      if reply.beforeArbiter { counters.refusal() }
      loop.execute {
        let handler = box.value
        handler.inFlight -= 1
        handler.respond(contextBox.value, reply.line)
      }
    }
    switch role {
    case .console: path.crew(frame, completion: answer)
    case .ground: path.ground(frame, completion: answer)
    }
  }

  private func refuse(_ context: ChannelHandlerContext, _ refusal: LinkProtocol.Refusal) {
    counters.refusal()
    respond(context, LinkProtocol.line(requestID: refusal.requestID, refusal: refusal))
  }

  /// Writes one response line; a client that does not read its responses (the channel's
  /// write buffer over its high mark) is disconnected rather than buffered without bound.
  private func respond(_ context: ChannelHandlerContext, _ line: String) {
    guard context.channel.isActive else { return }
    guard context.channel.isWritable else {
      context.close(promise: nil)
      return
    }
    var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
    buffer.writeString(line)
    buffer.writeInteger(UInt8(0x0A))
    context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is IdleStateHandler.IdleStateEvent {
      context.close(promise: nil)
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    context.close(promise: nil)
  }
}

/// SO_PEERGROUPS (Linux 4.13+): the peer's supplementary groups when it connected, as an
/// array of gid_t; room for 64 (a peer in more groups fails with ERANGE and is refused
/// unless admitted otherwise). The kernel does not say how many it wrote through this
/// interface, so the zeroed rest reads as group 0, which is never admitted.
struct PeerGroups: Sendable {
  static let option: Int32 = 59  // SO_PEERGROUPS, asm-generic/socket.h
  var gids = SIMD64<UInt32>()
  var list: [UInt32] { (0..<gids.scalarCount).map { gids[$0] } }
}

/// `struct ucred` of SO_PEERCRED (Linux): pid, uid, gid.
struct PeerCredentials: Sendable {
  var pid: Int32 = 0
  var uid: UInt32 = 0
  var gid: UInt32 = 0
}
