enum PolicySuite {
    static func run() async throws {
        print("policy suite: not yet written")
    }
}
