import ArgumentParser
import Foundation
import NIOCore
import TacitAPI

extension Tacit {
    /// `tacit backup FILE`.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream a backup of the database to a local file (operator).",
            discussion: """
            The backup holds only ciphertext. Keys/ is not in it: back up the home's Keys/ folder \
            separately (it is needed to open the backup, and holds the instance signing key).

            An existing FILE is kept unless --replace is given; either way FILE appears only once the \
            backup is complete and on disk.

            Example:
              tacit backup /backups/tacit-2026-03-31.sqlite
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The file to write (mode 0600).") var file: String
        @Flag(help: "Replace FILE if it exists.") var replace = false

        func validate() throws {
            if file.isEmpty { throw ValidationError("<file> is empty: give the name of the file to write") }
        }

        func run() async throws {
            let target = URL(fileURLWithPath: file)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) {
                if isFolder.boolValue { throw CLIError("\(file) is a folder — give the name of a file to write, in it or elsewhere", status: .usage) }
                if !replace { throw Self.refusal(file) }
            }
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                // Said of the file asked for: the temporary name beside it is the command's own.
                let reason = errno == ENOENT ? "the folder \(target.deletingLastPathComponent().path) does not exist"
                    : String(cString: strerror(errno))
                throw CLIError("cannot write \(file): \(reason)")
            }
            let progress = ProgressBar("backup", total: nil)
            var total = 0
            var fdOpen = true
            do {
                try await account.retrying { token in
                    try await account.client.download("/v1/backup", credential: .bearer(token)) { chunk in
                        let written = chunk.withUnsafeReadableBytes { write(fd, $0.baseAddress, $0.count) }
                        guard written == chunk.readableBytes else { throw CLIError("cannot write \(temporary.path)") }
                        total += written
                        progress.advance(by: written, unit: "bytes")
                    }
                }
                guard fsync(fd) == 0 else { throw CLIError("cannot sync \(temporary.path)") }
                close(fd)
                fdOpen = false
                // Without --replace, link(2) refuses a FILE that appeared meanwhile, where rename(2) would
                // replace it; a file system without hard links gets the check before rename instead.
                if !replace && link(temporary.path, target.path) == 0 {
                    unlink(temporary.path)
                } else {
                    if !replace && (errno == EEXIST || FileManager.default.fileExists(atPath: target.path)) { throw Self.refusal(file) }
                    guard rename(temporary.path, target.path) == 0 else {
                        throw CLIError("cannot write \(file): \(String(cString: strerror(errno)))")
                    }
                }
            } catch {
                if fdOpen { close(fd) }
                unlink(temporary.path)
                progress.finish()
                throw error
            }
            progress.finish()
            print("backup written to \(file) (\(total) bytes); back up Keys/ separately")
            // A restore refuses a backup whose audit chain is broken; one taken of a database whose
            // chain is already broken would be found unusable only when it is needed.
            if let check: AuditVerification = try? await account.call(.GET, "/v1/audit/verify"), !check.ok {
                Terminal.warn("WARNING: the live audit log is already broken at record \(check.brokenAt.map(String.init) ?? "?") "
                              + "(`tacit audit verify`): `tacit restore` will refuse this backup; keep your earlier backups")
                throw ExitCode(1)
            }
        }

        static func refusal(_ file: String) -> CLIError {
            CLIError("\(file) exists and is kept — give another file, or add --replace to overwrite it", status: .usage)
        }
    }

    /// `tacit restore FILE`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a backup to the daemon, which stages it for `tacit serve --accept-restore` (operator).",
            discussion: """
            The daemon checks the file and keeps it beside the database; stop the daemon and start it \
            with `tacit serve --accept-restore` to replace the database (it asks for confirmation).

            Example:
              tacit restore /backups/tacit-2026-03-31.sqlite
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The backup file.") var file: String

        func validate() throws {
            if file.isEmpty { throw ValidationError("<file> is empty: give the backup file to upload") }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                  let size = (attributes[.size] as? NSNumber)?.int64Value else {
                throw CLIError("cannot read \(file): \(Secrets.unreadable(file))")
            }
            // Opening a folder for reading works; reading it does not, and Foundation stops the process.
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw CLIError(attributes[.type] as? FileAttributeType == .typeDirectory
                               ? "\(file) is a folder, not a backup file" : "\(file) is not a regular file, so not a backup file",
                               status: .usage)
            }
            let path = file
            _ = try await account.retrying { token -> Data in
                let progress = ProgressBar("restore", total: nil)
                defer { progress.finish() }
                let chunks = FileChunks(path: path) { progress.advance(by: $0, unit: "bytes") }
                return try await account.client.upload("/v1/restore", length: size, chunks: chunks, credential: .bearer(token))
            }
            print("the backup is checked and staged; stop the daemon and start it with `tacit serve --accept-restore`")
        }
    }
}

/// A file read lazily in 1 MiB chunks, for streaming uploads.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// The file.
    let path: String
    /// Told the size of each chunk read.
    let onChunk: @Sendable (Int) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let path: String
        let onChunk: @Sendable (Int) -> Void

        mutating func next() async throws -> ByteBuffer? {
            guard let handle else { throw CLIError("cannot read \(path)") }
            // `read(upToCount:)` throws where `readData(ofLength:)` stops the process.
            let data: Data
            do {
                data = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw CLIError("cannot read \(path): the read failed partway through")
            }
            if data.isEmpty {
                try? handle.close()
                return nil
            }
            onChunk(data.count)
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: FileHandle(forReadingAtPath: path), path: path, onChunk: onChunk)
    }
}
