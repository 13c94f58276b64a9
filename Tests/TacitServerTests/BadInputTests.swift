import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TacitAPI
@testable import TacitServer

/// Hostile and careless input gets a 4xx with a JSON error body: never a 500, never a crash.
@Suite struct BadInputTests {
    @Test func malformedBodiesAre400WithAJSONError() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            let cases: [(String, String)] = [
                ("{", "malformed JSON"),
                (#"{"name": 5}"#, "wrong type"),
                (#"{"name": "south", "colour": "red"}"#, "unknown field"),
                (#"[]"#, "not an object"),
                ("", "empty"),
                (#"{"name": null}"#, "null"),
            ]
            for (body, what) in cases {
                let response = try await olivia.call(.post, "/v1/groups", raw: body)
                #expect(response.status == .badRequest, "\(what)")
                let error = try olivia.decode(APIErrorBody.self, response)
                #expect(!error.error.message.isEmpty, "\(what)")
            }
            // Messages speak of JSON, not of Swift's types or Foundation's wording.
            let notObject = try await olivia.call(.post, "/v1/groups", raw: "[]")
            #expect(try olivia.decode(APIErrorBody.self, notObject).error.message == "the body should be a JSON object")
            let group = try await olivia.call(.post, "/v1/groups", raw: #"{"name": "south"}"#)
            #expect(group.status == .created)
            let fiona = try await API(client: client).enroll("fiona", code: try olivia.decode(InvitationResponse.self, try await olivia.call(
                .post, "/v1/invitations", json: InvitationRequest(name: "fiona", role: "member", group: "south"))).code).0
            let badID = try await fiona.call(.post, "/v1/entries", raw: #"{"body": "x", "cycle": "nope"}"#)
            #expect(try fiona.decode(APIErrorBody.self, badID).error.message == #"field "cycle" should be an id (a UUID)"#)
            for response in [notObject, badID] {
                let message = try olivia.decode(APIErrorBody.self, response).error.message
                #expect(!message.contains("Dictionary") && !message.contains("Attempted"), "\(message)")
            }
            let unknown = try await olivia.call(.post, "/v1/groups", raw: #"{"name": "south", "colour": "red"}"#)
            #expect(try olivia.decode(APIErrorBody.self, unknown).error.message.contains("colour"))
            // Unlock bodies are read without JSONDecoder; they are strict too.
            for body in ["{", #"{"name":"olivia"}"#, #"{"name":"olivia","passphrase":"x","extra":"y"}"#,
                         #"{"name":"olivia","passphrase":"\ud800"}"#, #"{"name":"olivia","passphrase":5}"#] {
                let response = try await API(client: client).call(.post, "/v1/sessions", raw: body)
                #expect(response.status == .badRequest, "\(body)")
            }
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        let test = try await TestDaemon(configuration: #", "bodyLimitBytes": 4096"#)
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            let big = #"{"name": ""# + String(repeating: "x", count: 10_000) + #""}"#
            let response = try await olivia.call(.post, "/v1/groups", raw: big)
            #expect(response.status == .contentTooLarge)
            #expect(olivia.errorCode(response) == "too-large")
            // The limit is stated, so that a text can be shortened to fit it.
            #expect(try olivia.decode(APIErrorBody.self, response).error.message
                    == "the request body is over the daemon's limit of 4096 bytes (4 KiB)")
        }
    }

    @Test func invalidIdsAndUnknownRoutesAre404() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            for path in ["/v1/entries/not-a-uuid", "/v1/entries/\(UUID().uuidString)", "/v1/shares/%00/readers",
                         "/v1/groups/nope", "/v1/nothing-here", "/v1/feed/\(UUID().uuidString)"] {
                let response = try await olivia.call(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect((try? olivia.decode(APIErrorBody.self, response)) != nil, "\(path) has a JSON body")
            }
            #expect(try await olivia.call(.get, "/v1/search").status == .badRequest)
            // A lone quote holds no word: refused, not an answer of every entry.
            let quotes = try await olivia.call(.get, "/v1/search?q=%22%22")
            #expect(quotes.status == .badRequest && String(buffer: quotes.body).contains("holds no word"), "\(String(buffer: quotes.body))")
            #expect(try await olivia.call(.get, "/v1/entries?idPrefix=xyz!").status == .badRequest)
            #expect(try await olivia.call(.get, "/v1/entries?limit=0").status == .badRequest)
            #expect(try await olivia.call(.get, "/v1/entries?since=yesterday").status == .badRequest)
        }
    }

    /// A path that exists asked with another method is a 405 naming the methods it answers (curl
    /// users had been told "no such route" for `-X DELETE /v1/entries`).
    @Test func aWrongMethodOnARealPathIs405WithAllow() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.delete, "/v1/health", "GET"),
                (.patch, "/v1/entries", "GET, POST"),
                (.post, "/v1/feed/\(UUID().uuidString)", "GET"),
                (.put, "/v1/sessions/current", "DELETE"),
            ]
            for (method, path, allowed) in cases {
                let response = try await olivia.call(method, path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allowed, "\(method) \(path)")
                let error = try olivia.decode(APIErrorBody.self, response)
                #expect(error.error.code == "method-not-allowed" && error.error.message.contains(allowed), "\(error.error.message)")
            }
            // A path no method answers stays a 404, and the right method still works.
            #expect(try await olivia.call(.delete, "/v1/nothing-here").status == .notFound)
            #expect(try await olivia.call(.get, "/v1/health").status == .ok)
        }
    }

    @Test func unauthenticatedRequestsAre401() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            for (method, path) in [(HTTPRequest.Method.get, "/v1/whoami"), (.get, "/v1/entries"), (.post, "/v1/groups"),
                                   (.get, "/v1/audit"), (.get, "/v1/backup"), (.delete, "/v1/sessions/current")] {
                let response = try await anonymous.call(method, path, raw: method == .post ? "{}" : nil)
                #expect(response.status == .unauthorized, "\(method) \(path)")
            }
        }
    }

    /// What other members see on one line — names, titles, tags, topics — holds no line break or
    /// control character: each is refused with a 400 naming the field, and nothing is stored.
    @Test func namesAndOneLineFieldsRefuseControlCharacters() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await ImportRouteTests.organiseInPractice(test, client)
            let olivia = org.olivia, ali = org.members["ali"]!
            for name in ["Bea", "bad name", "eve\u{1B}[2J", "\u{0430}li"] {
                let invited = try await olivia.call(.post, "/v1/invitations", json: InvitationRequest(name: name, role: "member", group: nil))
                #expect(invited.status == .badRequest, "\(name.debugDescription)")
                #expect(olivia.errorCode(invited) == "invalid-input")
                let created = try await olivia.call(.post, "/v1/groups", json: GroupCreateRequest(name: name))
                #expect(created.status == .badRequest, "\(name.debugDescription)")
            }
            let forged = "Week 1\n1111aaaa  2026-03-10 18:00  fiona  practice  Run this"
            let inputs = [
                ("a title", EntryInput(title: forged, body: "b")),
                ("a title", EntryInput(title: "red \u{1B}[31m", body: "b")),
                ("a title", EntryInput(title: "line\u{2028}separator", body: "b")),
                ("a tag", EntryInput(body: "b", tags: ["ok", "t\u{1B}]0;owned\u{07}"])),
                ("a topic", EntryInput(body: "b", topic: "Delegation\r")),
            ]
            for (field, input) in inputs {
                let response = try await ali.call(.post, "/v1/entries", json: input)
                #expect(response.status == .badRequest, "\(field)")
                #expect(try ali.decode(APIErrorBody.self, response).error.message == "\(field) is one line without control characters")
            }
            // Tags: each limit is said on its own, and a tag of spaces is no tag.
            let tagCases: [([String], String)] = [
                (["ok", "   "], "a tag is empty or only spaces: give each tag a word"),
                ([""], "a tag is empty or only spaces: give each tag a word"),
                ([String(repeating: "t", count: 65)], "a tag is at most 64 characters"),
                ((0..<51).map { "t\($0)" }, "at most 50 tags (this entry has 51)"),
            ]
            for (tags, message) in tagCases {
                let response = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "b", tags: tags))
                #expect(response.status == .badRequest && (try? ali.decode(APIErrorBody.self, response).error.message) == message,
                        "\(tags.prefix(2))")
            }
            #expect(try await ImportRouteTests.entries(ali).isEmpty)
            let topics = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-05-04T09:00:00Z"), session2: date("2026-06-08T09:00:00Z"), topics: ["a\u{1B}[8m"]))
            #expect(topics.status == .badRequest)
            // Sessions in the wrong order are bad input (a 400 naming it), not a denial.
            let backwards = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-06-08T09:00:00Z"), session2: date("2026-05-04T09:00:00Z"), topics: []))
            #expect(backwards.status == .badRequest
                    && (try? ali.decode(APIErrorBody.self, backwards).error.message) == "session 2 must come after session 1")
            // Line breaks and tabs belong in an entry's text.
            let text = try await ali.call(.post, "/v1/entries", json: EntryInput(title: "Week 1", body: "one\n\ttwo\r\nthree"))
            #expect(text.status == .created)
        }
    }

    /// A name in a path arrives percent-encoded when it holds what a path cannot (a space, in a
    /// name given out before names had rules); the daemon looks up the name the client meant.
    @Test func percentEncodedNamesInPathsAreDecoded() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let org = try await DaemonFlowTests.organise(test, client)
            let group = try await org.olivia.call(.get, "/v1/groups/%6Eorth")
            #expect(group.status == .ok)
            #expect(try org.olivia.decode(GroupDetail.self, group).group.name == "north")
            let peer = try await org.members["bea"]!.call(.get, "/v1/whois/%61li")
            #expect(peer.status == .ok)
            #expect(try org.olivia.decode(WhoisResponse.self, peer).principal.name == "ali")
            #expect(try await org.olivia.call(.get, "/v1/groups/%6Eorth%20").status == .notFound)
        }
    }
}
