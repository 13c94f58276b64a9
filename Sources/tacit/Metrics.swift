import ArgumentParser
import Foundation
import TacitAPI
import TacitMetrics

extension Tacit {
    /// `tacit metrics export|verify`.
    struct MetricsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metrics",
            abstract: "Anonymized participation metrics for compliance: signed exports, checked offline.",
            discussion: """
            Examples:
              tacit metrics export --period 2026-03 --format html
              tacit metrics verify tacit-metrics-2026-03.html
            """,
            subcommands: [Export.self, Verify.self]
        )

        /// The body of `POST /v1/metrics/exports`.
        struct ExportRequest: Codable {
            var period: String
            var format: String
        }

        /// The answer of `POST /v1/metrics/exports`.
        struct ExportResponse: Codable {
            var format: String
            var file: String
            var signature: String
            var charged: Bool
            var `repeat`: Bool
            /// Why every count is withheld (`population-changed`, …); empty or absent when released.
            var withheldBecause: [String]?
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Export a month's metrics and their detached signature (compliance).",
                discussion: """
                Writes FILE and FILE.sig. A repeat on the same day returns the same release and spends no \
                privacy budget; a later day's release of the same period is charged again. An existing FILE or \
                FILE.sig is kept unless --replace is given, and an --out ending in another format's extension \
                is refused, both before anything is asked of the daemon.

                Example:
                  tacit metrics export --period 2026-03 --format html --out march.html
                """)
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Option(help: ArgumentHelp("The month (YYYY-MM).", valueName: "YYYY-MM")) var period: String
            @Option(help: "json, csv or html.") var format = "json"
            @Option(help: ArgumentHelp("Where to write (default: tacit-metrics-PERIOD.FORMAT).", valueName: "FILE")) var out: String?
            @Flag(help: "Replace FILE and FILE.sig if they exist.") var replace = false

            /// File extensions of the export formats.
            static let extensions = ["json": "json", "csv": "csv", "html": "html", "htm": "html"]

            func validate() throws {
                guard period.count == 7, period.dropFirst(4).first == "-", Int(period.prefix(4)) != nil,
                      let month = Int(period.suffix(2)), (1...12).contains(month) else {
                    throw ValidationError("--period must be a month: YYYY-MM")
                }
                guard ["json", "csv", "html"].contains(format) else { throw ValidationError("--format must be json, csv or html") }
                // `--format html --out a2.json` is a slip on one side or the other; writing HTML into
                // a .json file would only surface when someone opens it.
                let written = URL(fileURLWithPath: out ?? "").pathExtension.lowercased()
                if let out, let named = Self.extensions[written], named != format {
                    throw ValidationError("--out \(out) is named as \(named) but --format is \(format): "
                                          + "give --format \(named), or an --out ending in .\(format)")
                }
            }

            func run() async throws {
                let file = out ?? "tacit-metrics-\(period).\(format)"
                // Checked before asking: an export spends privacy budget, which a refusal to write
                // afterwards would waste.
                if !replace, let existing = [file, file + ".sig"].first(where: { FileManager.default.fileExists(atPath: $0) }) {
                    throw Self.refusal(existing)
                }
                let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                    throw CLIError("cannot write \(file): the folder \(folder) does not exist (nothing was exported)")
                }
                guard access(folder, W_OK) == 0 else {
                    throw CLIError("cannot write \(file): the folder \(folder) is not writable (nothing was exported)")
                }
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let export: ExportResponse = try await account.call(.POST, "/v1/metrics/exports",
                                                                    body: ExportRequest(period: period, format: format))
                guard let bytes = Data(base64Encoded: export.file) else { throw CLIError("the daemon's export was not base64") }
                // Without --replace, a file that appeared meanwhile is kept too (O_EXCL).
                let options: Data.WritingOptions = replace ? [] : [.withoutOverwriting]
                for (target, contents) in [(file, bytes), (file + ".sig", Data(export.signature.utf8))] {
                    do {
                        try contents.write(to: URL(fileURLWithPath: target), options: options)
                    } catch {
                        if !replace && FileManager.default.fileExists(atPath: target) { throw Self.refusal(target) }
                        throw CLIError("cannot write \(target): \(error.localizedDescription)")
                    }
                }
                print("wrote \(file) and \(file).sig")
                if let reasons = export.withheldBecause, !reasons.isEmpty {
                    print(Self.withheldLine(reasons, period: period))
                }
                if export.`repeat` {
                    print("the same release as earlier today: no privacy budget spent")
                } else if export.charged {
                    print("this release spent privacy budget for \(period)")
                }
            }

            static func refusal(_ file: String) -> CLIError {
                CLIError("\(file) exists and is kept — give another --out, or add --replace to overwrite it", status: .usage)
            }

            /// One line saying that every count is withheld, and why.
            static func withheldLine(_ reasons: [String], period: String) -> String {
                let why = reasons.map { reason in
                    switch reason {
                    case "population-changed":
                        "the groups' rosters changed by only a few members since an earlier release for \(period), "
                            + "and the two side by side could single those members out"
                    case "too-few-groups": "the cohort has too few groups"
                    case "too-few-members": "the cohort has too few members"
                    default: reason
                    }
                }.joined(separator: "; ")
                return "withheld (\(reasons.joined(separator: ", "))): \(why); the file holds only the public counts, "
                    + "and no privacy budget was spent"
            }
        }

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check an export's signature offline against the instance key; exit 0 valid, 1 invalid, 2 no usable key.",
                discussion: """
                The signature is FILE.sig; the key is the one given with --key, else Keys/instance.pub in \
                the home, else the one the daemon serves (GET /v1/instance-key) — say which you trust.

                Example:
                  tacit metrics verify tacit-metrics-2026-03.html --key instance.pub
                """)
            @OptionGroup var connection: Connection
            @Argument(help: "The exported file.") var file: String
            @Option(help: ArgumentHelp("The instance public key file (default: Keys/instance.pub in the home).", valueName: "PUB"))
            var key: String?
            @Option(help: ArgumentHelp("The signature file (default: FILE.sig).", valueName: "SIG")) var signature: String?

            func run() async throws {
                let signaturePath = signature ?? file + ".sig"
                guard let fileBytes = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                guard let signatureBytes = FileManager.default.contents(atPath: signaturePath) else {
                    throw CLIError("cannot read the signature \(signaturePath)")
                }
                let (keyBytes, source, place) = try await instanceKey()
                // A key file that is not a key says nothing about the export: not "INVALID".
                do { _ = try ExportSignature.publicKey(fromFile: Array(keyBytes)) } catch {
                    throw CLIError("\(place) is not an instance public key (base64 of 32 bytes and a newline, "
                                   + "like Keys/instance.pub): nothing was verified", status: .usage)
                }
                do {
                    try ExportSignature.verify(fileBytes: fileBytes, signatureFileBytes: Array(signatureBytes),
                                               publicKeyFileBytes: Array(keyBytes))
                } catch {
                    throw CLIError("INVALID: \(file) does not match its signature under \(source) (\(error))")
                }
                print("valid: \(file) is signed by \(source)")
            }

            /// The key to verify with, where it came from (for the verdict) and the file or daemon
            /// it was read from (for a complaint about it): --key, else the home's
            /// Keys/instance.pub, else the daemon (someone who verifies away from the daemon's
            /// machine has no home, and the daemon serves its public key to anyone).
            private func instanceKey() async throws -> (bytes: Data, source: String, place: String) {
                if let key {
                    guard let bytes = FileManager.default.contents(atPath: key) else {
                        throw CLIError("cannot read the instance key \(key): \(Secrets.unreadable(key))", status: .usage)
                    }
                    return (bytes, "the instance key in \(key)", key)
                }
                let local = connection.homeURL.appendingPathComponent("Keys/instance.pub").path
                if let bytes = FileManager.default.contents(atPath: local) { return (bytes, "the instance key in \(local)", local) }
                var served = Data()
                do {
                    try await connection.client.download("/v1/instance-key", credential: .none) { served.append(contentsOf: $0.readableBytesView) }
                } catch {
                    throw CLIError("no instance key: none given with --key, no \(local), and the daemon did not answer (\(error)) — give it with --key",
                                   status: .usage)
                }
                return (served, "the instance key the daemon on \(connection.socketPath) serves",
                        "what the daemon on \(connection.socketPath) serves")
            }
        }
    }
}
