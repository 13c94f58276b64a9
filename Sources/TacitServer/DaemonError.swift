/// Why the daemon could not start or had to stop; the message says what to do.
public enum DaemonError: Error, CustomStringConvertible, Equatable {
    /// A problem found before serving: configuration, keys, socket, database.
    case startup(String)

    public var description: String {
        switch self {
        case .startup(let message): message
        }
    }
}
