enum CryptoSuite {
    static func run() async throws {
        print("crypto suite: not yet written")
    }
}
