import Foundation
import Glibc
import TacitCrypto

/// A temporary home with a short path (socket paths are limited to 107 bytes), removed at the end.
final class TemporaryHome: @unchecked Sendable {
    let url: URL

    /// - Parameter memory: in `/dev/shm` where there is one (fsync costs nothing there), for tests
    ///   that open thousands of copies; the folder is swept like any other.
    init(prefix: String = "tr", memory: Bool = false) throws {
        let parent = memory && FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : "/tmp"
        var template = Array("\(parent)/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessFailure("mkdtemp failed") }
        url = URL(fileURLWithPath: String(cString: made))
    }

    var path: String { url.path }
    var socket: String { url.appendingPathComponent("tacit.sock").path }
    var data: URL { url.appendingPathComponent("Data") }
    var keys: URL { url.appendingPathComponent("Keys") }
    var logs: URL { url.appendingPathComponent("logs") }
    var database: URL { data.appendingPathComponent("tacit.sqlite") }

    /// A test configuration (fast scrypt unless told otherwise) in `tacit.json`.
    func writeConfiguration(scryptLog2N: Int = 10, extra: String = "") throws {
        let text = #"{"testing": true, "scryptLog2N": \#(scryptLog2N)\#(extra)}"#
        try text.write(to: url.appendingPathComponent("tacit.json"), atomically: true, encoding: .utf8)
    }

    /// Removes the folder now (also done when the last reference goes).
    func remove() { try? FileManager.default.removeItem(at: url) }

    deinit { remove() }
}

/// A failure of the harness itself (not of the system under test).
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A marker written into every title, body, tag and topic, so a sweep of the files at rest can
/// prove that none of it is stored readable. Random per run: no file can contain it by chance.
struct Canary: Sendable {
    let marker: String

    init() {
        let bytes = (try? SecureRandom.bytes(count: 8)) ?? (0..<8).map { _ in UInt8.random(in: 0...255) }
        marker = "CANARY" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The forms searched at rest: as written (UTF-8), upper- and lower-case, and UTF-16 either way.
    var needles: [Data] {
        var needles = [Data(marker.utf8), Data(marker.lowercased().utf8), Data(marker.uppercased().utf8)]
        needles.append(marker.data(using: .utf16LittleEndian)!)
        needles.append(marker.data(using: .utf16BigEndian)!)
        return needles
    }
}

/// The end of every run: every file under the given folders (database, -wal, -shm, Keys/, logs,
/// exports, temporary folders) searched for the canary. Returns the files that hold it.
enum PlaintextSweep {
    struct Result {
        var files = 0
        var bytes = 0
        var hits: [String] = []
    }

    /// Files under the temporary folder changed since `date` (what a run may have left there).
    static func temporaryFiles(since date: Date) -> [URL] {
        let temporary = URL(fileURLWithPath: NSTemporaryDirectory())
        guard let walker = FileManager.default.enumerator(at: temporary, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey],
                                                          options: [.skipsPackageDescendants]) else { return [] }
        var files: [URL] = []
        for case let file as URL in walker {
            guard let values = try? file.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey]),
                  values.isRegularFile == true, let modified = values.contentModificationDate, modified >= date else { continue }
            files.append(file)
        }
        return files
    }

    static func sweep(_ roots: [URL], for canary: Canary) -> Result {
        var result = Result()
        let needles = canary.needles
        for root in roots {
            var files: [URL] = [root]
            if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
                files = walker.compactMap { $0 as? URL }
            }
            for file in files {
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                      let size = try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize, size <= 256 << 20,
                      let contents = FileManager.default.contents(atPath: file.path) else { continue }
                result.files += 1
                result.bytes += contents.count
                if needles.contains(where: { contents.range(of: $0) != nil }) { result.hits.append(file.path) }
            }
        }
        return result
    }
}

/// The suite's sizes: the default run is small; `Scripts/soak` raises them through the environment.
enum Knobs {
    static func int(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    /// `TACIT_SOAK=1`: the long tests (load, timing) run too.
    static var soak: Bool { ProcessInfo.processInfo.environment["TACIT_SOAK"] == "1" }

    /// Where a figure is appended for the soak summary (`TACIT_RESULTS=FILE`), one line each.
    static func report(_ line: String) {
        print("[reliability] \(line)")
        guard let path = ProcessInfo.processInfo.environment["TACIT_RESULTS"] else { return }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        }
    }
}
