import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers bytes that NIO's HTTP parser cannot read as a request — a broken request line, a bad
/// header, a body that contradicts its framing — with the daemon's JSON error (400 `bad-request`)
/// and closes the connection. Hummingbird answers them itself with an empty 400, the one refusal
/// of the daemon a client could not read a reason from.
///
/// Between the HTTP codec and Hummingbird's handler, so it sees request and response parts. While
/// a request is being answered it stays out of the way (its answer could otherwise overtake the
/// one being written) and Hummingbird ends the connection as before.
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head has come in and its response has not ended.
    private var answering = false

    /// The body every such answer carries.
    static let body = APIError.badRequest("the request could not be read as HTTP/1.1").jsonText()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { answering = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { answering = false }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !answering else {
            context.fireErrorCaught(error)
            return
        }
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(Self.body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(Self.body)), promise: nil)
        // Closed once the answer is out (closing at once would drop what is not written yet).
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
