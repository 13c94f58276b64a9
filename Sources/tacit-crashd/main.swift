// tacit-crashd: the daemon as a child process for the reliability suite (crash, load, timing).
// The suite SIGKILLs it at random moments and starts it again on the same home; a restart must
// succeed without --accept-restore. Usage: tacit-crashd HOME [--clock FILE]
// Logs go to standard error; "ready" is printed on standard output once the socket listens.

import Foundation
import Logging
import TacitServer

let arguments = Array(CommandLine.arguments.dropFirst())
guard let home = arguments.first, arguments.count == 1 || (arguments.count == 3 && arguments[1] == "--clock") else {
    FileHandle.standardError.write(Data("usage: tacit-crashd HOME [--clock FILE]\n".utf8))
    exit(2)
}
let level = ProcessInfo.processInfo.environment["TACIT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, logLevel: level) }
let logger = Logger(label: "tacit-crashd")
let options = Daemon.Options(layout: HomeLayout(home: URL(fileURLWithPath: home)),
                             clockFile: arguments.count == 3 ? URL(fileURLWithPath: arguments[2]) : nil)
do {
    let daemon = try await Daemon.prepare(options, logger: logger)
    try await daemon.run(onReady: {
        FileHandle.standardOutput.write(Data("ready \(getpid())\n".utf8))
    })
} catch {
    FileHandle.standardError.write(Data("tacit-crashd: \(error)\n".utf8))
    exit(1)
}
