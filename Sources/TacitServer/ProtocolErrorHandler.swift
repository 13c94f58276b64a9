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
/// a request is being read or answered — pipelined ones included — it stays out of the way (its
/// answer could otherwise overtake one being written, or answer a request twice): the error goes
/// on to Hummingbird, which answers once the requests before it have their answers, with an empty
/// 400. That 400 is then mended here: for bytes after the last request, it gets the JSON body; for
/// a body broken after its request was answered (a `GET` that never reads its body), it would be
/// a second answer to one request, and is dropped — the connection just ends.
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has come in and whose response has not ended (more than one when a
    /// client pipelines).
    private var inFlight = 0
    /// A request's head has come in and its body's end has not: an error now is in that body,
    /// after an answer may already have been given to it (a 401, a 413).
    private var reading = false

    /// Where an error passed on to Hummingbird was: nowhere yet, in a new request's head (its
    /// 400 answers that request), or in the body of one already answered or being answered.
    private enum PassedError { case none, beforeRequest, inBody }
    private var passed = PassedError.none
    /// The parts of a dropped answer are being swallowed, up to its end.
    private var dropping = false

    /// The body every such answer carries.
    static let body = APIError.badRequest("the request could not be read as HTTP/1.1").jsonText()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            reading = true
        case .end:
            reading = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        // An answer begun with no request in flight, after a parse error went on, is
        // Hummingbird's empty 400 for that error.
        if passed != .none, dropping || inFlight == 0 {
            switch (passed, part) {
            case (.inBody, .head(let head)) where head.status == .badRequest:
                dropping = true
                promise?.succeed(())
                return
            case (.inBody, _) where dropping:
                if case .end = part { dropping = false }
                promise?.succeed(())
                return
            case (.beforeRequest, .head(var head)) where head.status == .badRequest:
                head.headerFields[.contentType] = "application/json; charset=utf-8"
                head.headerFields[.contentLength] = String(Self.body.readableBytes)
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                context.write(wrapOutboundOut(.body(Self.body)), promise: nil)
                return
            default:
                break
            }
        }
        if case .end = part { inFlight = max(0, inFlight - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Only between requests: with one being read or answered, Hummingbird answers and ends
        // the connection as it always did (its empty 400), and no answer of ours overtakes one.
        guard error is HTTPParserError, inFlight == 0, !reading else {
            if error is HTTPParserError, passed == .none { passed = reading ? .inBody : .beforeRequest }
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
