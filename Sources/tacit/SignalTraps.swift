import Foundation

/// Signals taken over for a while: each is ignored by the process's default action and handled on
/// a queue of Dispatch instead, until `release()` puts back what was there before. How a command
/// cleans up after Ctrl-C, SIGTERM or a closed terminal (the demo, the editor, an import).
final class SignalTraps: @unchecked Sendable {
    // Written once in `init`, read once in `release`, both on the command's own thread.
    private var installed: [(number: Int32, before: sighandler_t?, source: any DispatchSourceSignal)]

    init(_ numbers: [Int32], _ handler: @escaping @Sendable (Int32) -> Void) {
        installed = numbers.map { number in
            let before = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return (number, before, source)
        }
    }

    /// Stops handling the signals and restores their earlier dispositions.
    func release() {
        for (number, before, source) in installed {
            source.cancel()
            signal(number, before)
        }
        installed = []
    }
}
