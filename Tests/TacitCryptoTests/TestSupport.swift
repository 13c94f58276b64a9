import Foundation
import TacitCrypto

/// Hex helpers for test vectors.
extension Array where Element == UInt8 {
    init(hex: String) {
        precondition(hex.count % 2 == 0, "odd-length hex")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension SecretBytes {
    init(hex: String) { self.init(copying: [UInt8](hex: hex)) }
    var hex: String { unprotectedCopy().hex }
}

/// Where the external test vectors are: `$TACIT_VECTORS`, else `../shared/vectors` beside the checkout.
enum Vectors {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["TACIT_VECTORS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    static func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    static func available(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relative).path)
    }

    static func missingReason(_ relative: String) -> Comment {
        Comment(rawValue: "skipped: \(url(relative).path) is missing (set TACIT_VECTORS to the folder holding the external vectors)")
    }

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(relative))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

import Testing
