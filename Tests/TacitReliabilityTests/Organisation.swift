import Foundation
import TacitAPI

/// Calls the daemon's API as one principal (a thread of its own; not shared between threads).
final class Member: @unchecked Sendable {
    let name: String
    let client: SocketClient
    var token: String?
    /// The notices of the last unlock (an `integrity:` one means a manifest did not check).
    var lastNotices: [String] = []

    static let passphrase = "a long practice passphrase for the reliability suite"

    init(name: String, socket: String) {
        self.name = name
        client = SocketClient(socket: socket)
    }

    func call(_ method: String, _ path: String, _ body: (any Encodable)? = nil) throws -> SocketClient.Response {
        try client.request(method, path, token: token, body: body.map { JSON.encode($0) })
    }

    /// Calls and insists on `expected`; anything else is a harness failure naming the call.
    @discardableResult
    func expect(_ expected: Int, _ method: String, _ path: String, _ body: (any Encodable)? = nil) throws -> SocketClient.Response {
        let response = try call(method, path, body)
        guard response.status == expected else {
            throw HarnessFailure("\(name): \(method) \(path) answered \(response.status), expected \(expected): \(response.text.prefix(300))")
        }
        return response
    }

    func enroll(code: String) throws {
        try expect(201, "POST", "/v1/enroll", EnrollRequest(code: code, name: name, passphrase: Self.passphrase))
        try login()
    }

    func login() throws {
        client.disconnect()
        // A token from before a restart is no session any more; the daemon refuses any request
        // that carries one, the unlock included.
        token = nil
        let response = try expect(201, "POST", "/v1/sessions", UnlockRequest(name: name, passphrase: Self.passphrase))
        let session = try JSON.decode(SessionResponse.self, response)
        token = session.token
        lastNotices = session.notices
    }
}

/// An organisation on a fresh daemon: operator olivia, groups of members (the first of each group
/// is its facilitator), each group with a cycle in its practice weeks.
struct Organisation {
    let socket: String
    let operatorMember: Member
    var groups: [String: [Member]] = [:]
    var cycles: [String: UUID] = [:]

    var members: [Member] { groups.keys.sorted().flatMap { groups[$0]! } }

    static func create(home: TemporaryHome, groups layout: [String: [String]], now: Date = Date()) throws -> Organisation {
        let code = try String(contentsOf: home.keys.appendingPathComponent("bootstrap-code"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let olivia = Member(name: "olivia", socket: home.socket)
        try olivia.enroll(code: code)
        var organisation = Organisation(socket: home.socket, operatorMember: olivia)
        for (group, names) in layout.sorted(by: { $0.key < $1.key }) {
            try olivia.expect(201, "POST", "/v1/groups", GroupCreateRequest(name: group))
            var members: [Member] = []
            for (index, name) in names.enumerated() {
                let invited = try olivia.expect(201, "POST", "/v1/invitations",
                                                InvitationRequest(name: name, role: index == 0 ? "facilitator" : "member", group: group))
                let member = Member(name: name, socket: home.socket)
                try member.enroll(code: try JSON.decode(InvitationResponse.self, invited).code)
                members.append(member)
            }
            // Session 1 in a minute (cycles are planned ahead), session 2 weeks away.
            let cycle = try members[0].expect(201, "POST", "/v1/cycles", CycleCreateRequest(
                group: group, session1: now.addingTimeInterval(60), session2: now.addingTimeInterval(40 * 86_400),
                topics: ["Delegation"]))
            organisation.cycles[group] = try JSON.decode(CycleInfo.self, cycle).id
            organisation.groups[group] = members
        }
        return organisation
    }
}
