import Foundation

/// Base64 with the URL alphabet and no padding, for tokens that travel in headers and files.
public enum Base64URL {
    /// The base64url text of `bytes`, unpadded.
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of unpadded base64url `text` (at most 1,024 characters), or `nil` for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.count <= 1024, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
