import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Guards a connection until its first request head is read (decision 1416). Hummingbird's
/// WebSocket-upgrade pipeline leaves that phase without an answer to a malformed request
/// (NIO's own error handler is switched off there, and Hummingbird's handlers are added
/// only once the head is read) and without a time limit: a request whose header is larger
/// than the decoder's limit (about 80 KB) got no answer and held its connection open, and
/// so did a connection that never sent a whole head.
///
/// Added after the upgrade handler, it answers an HTTP parse error with `431 Request
/// Header Fields Too Large` (a header over the limit, RFC 6585) or `400 Bad Request`
/// (anything else) and `Connection: close`, then closes; it closes a connection that has
/// not sent a whole request head within `deadline`. It removes itself once the first
/// head reaches it (not upgraded) or the WebSocket upgrade completes, and then has no
/// part in the connection.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = NIOAny

  private let deadline: TimeAmount
  private var timer: Scheduled<Void>?
  private var done = false

  init(deadline: TimeAmount) { self.deadline = deadline }

  func handlerAdded(context: ChannelHandlerContext) {
    // Both run on the channel's event loop only (the timer fires there).
    let bound = NIOLoopBound((guard: self, context: context), eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: deadline) {
      let (guardHandler, context) = bound.value
      guard !guardHandler.done else { return }
      guardHandler.done = true
      context.close(promise: nil)
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    timer?.cancel()
    timer = nil
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    // The first request head, after the upgrade negotiation chose plain HTTP: passed on
    // first (a removed handler's context forwards nothing), then the guard leaves.
    context.fireChannelRead(data)
    stand(down: context)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    context.fireUserInboundEventTriggered(event)
    if event is HTTPServerUpgradeEvents { stand(down: context) }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard !done, let parseError = error as? HTTPParserError else {
      context.fireErrorCaught(error)
      return
    }
    done = true
    timer?.cancel()
    let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
    var headers = HTTPHeaders()
    headers.add(name: "Connection", value: "close")
    headers.add(name: "Content-Length", value: "0")
    let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
      loopBound.value.close(promise: nil)
    }
  }

  /// The first request is read or upgraded: stop guarding and leave the pipeline (the
  /// timer is cancelled as the handler is removed).
  private func stand(down context: ChannelHandlerContext) {
    guard !done else { return }
    done = true
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }
}

/// The operator API's child channel: Hummingbird's HTTP/1 with WebSocket upgrade, with a
/// ``FirstRequestGuard`` after its upgrade handler.
struct GuardedUpgradeChannel: ServerChildChannel {
  typealias Value = HTTP1WebSocketUpgradeChannel.Value

  let inner: HTTP1WebSocketUpgradeChannel
  /// How long a new connection has to send a whole request head.
  let firstRequestDeadline: TimeAmount

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
      try channel.pipeline.syncOperations.addHandler(FirstRequestGuard(deadline: firstRequestDeadline))
      return value
    }
  }

  func handle(value: Value, logger: Logger) async {
    await inner.handle(value: value, logger: logger)
  }
}
