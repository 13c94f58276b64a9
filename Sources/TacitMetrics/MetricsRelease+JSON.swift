import Foundation

extension MetricsRelease {
    /// The canonical JSON file: fixed key order, two-space indent, one cell per line, a final
    /// newline. The same release always gives the same bytes.
    public func jsonBytes() -> [UInt8] {
        func string(_ text: String) -> String { "\"" + JSONText.escape(text) + "\"" }
        var out = "{\n"
        out += "  \"schema\": \(string(schema)),\n"
        out += "  \"period\": \(string(period.description)),\n"
        out += "  \"madeOn\": \(string(madeOn.description)),\n"
        out += "  \"status\": \(string(status.rawValue)),\n"
        out += "  \"withheldBecause\": [\(withheldBecause.map { string($0.rawValue) }.joined(separator: ", "))],\n"
        out += "  \"cohort\": \(cohort.map(string) ?? "null"),\n"
        out += "  \"groups\": [\(groups.map(string).joined(separator: ", "))],\n"
        out += "  \"cells\": [\n"
        out += cells.map { cell in
            "    {\"metric\": \(string(cell.metric.rawValue)), \"value\": \(cell.value), "
                + "\"epsilon\": \(string(cell.epsilon.description)), \"sensitivity\": \(cell.sensitivity)}"
        }.joined(separator: ",\n")
        out += cells.isEmpty ? "  ],\n" : "\n  ],\n"
        out += "  \"privacy\": {\"mechanism\": \(string(privacy.mechanism)), "
        out += "\"epsilonSpent\": \(string(privacy.epsilonSpent.description)), "
        out += "\"budget\": \(string(privacy.budget.description)), "
        out += "\"budgetLeft\": \(string(privacy.budgetLeft.description)), "
        out += "\"minimumGroupMembers\": \(privacy.minimumGroupMembers), "
        out += "\"minimumCohortGroups\": \(privacy.minimumCohortGroups), "
        out += "\"minimumCohortMembers\": \(privacy.minimumCohortMembers)}\n"
        out += "}\n"
        return Array(out.utf8)
    }

    /// Reads a release from its JSON file, refusing anything outside the closed schema: an unknown
    /// or missing key at any level, another schema version, a cell out of order, a negative value,
    /// accounting that does not add up.
    ///
    /// - Throws: `MetricsError.malformedRelease`.
    public init(jsonBytes: some Collection<UInt8>) throws {
        do {
            let wire = try JSONDecoder().decode(WireRelease.self, from: Data(jsonBytes))
            try self.init(period: wire.period, madeOn: wire.madeOn, status: wire.status,
                          withheldBecause: wire.withheldBecause, cohort: wire.cohort, groups: wire.groups,
                          cells: wire.cells.map { Cell(metric: $0.metric, value: $0.value, epsilon: $0.epsilon, sensitivity: $0.sensitivity) },
                          privacy: Privacy(epsilonSpent: wire.privacy.epsilonSpent, budget: wire.privacy.budget,
                                           budgetLeft: wire.privacy.budgetLeft,
                                           minimumGroupMembers: wire.privacy.minimumGroupMembers,
                                           minimumCohortGroups: wire.privacy.minimumCohortGroups,
                                           minimumCohortMembers: wire.privacy.minimumCohortMembers))
            guard wire.schema == Self.schemaVersion, wire.privacy.mechanism == "discrete-laplace" else {
                throw MetricsError(.malformedRelease, "not a \(Self.schemaVersion) release")
            }
        } catch let error as MetricsError {
            throw error
        } catch {
            throw MetricsError(.malformedRelease, "not a valid \(Self.schemaVersion) release: \(StrictKeys.explain(error))")
        }
    }
}

/// The JSON shape, decoded strictly: every level refuses keys it does not know.
private struct WireRelease: Decodable {
    let schema: String
    let period: MetricsPeriod
    let madeOn: CalendarDay
    let status: MetricsRelease.Status
    let withheldBecause: [WithheldReason]
    let cohort: String?
    let groups: [String]
    let cells: [WireCell]
    let privacy: WirePrivacy

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, period, madeOn, status, withheldBecause, cohort, groups, cells, privacy
    }

    init(from decoder: any Decoder) throws {
        let c = try StrictKeys.container(decoder, CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        period = try c.decode(MetricsPeriod.self, forKey: .period)
        madeOn = try c.decode(CalendarDay.self, forKey: .madeOn)
        status = try c.decode(MetricsRelease.Status.self, forKey: .status)
        withheldBecause = try c.decode([WithheldReason].self, forKey: .withheldBecause)
        cohort = try c.decodeNil(forKey: .cohort) ? nil : try c.decode(String.self, forKey: .cohort)
        groups = try c.decode([String].self, forKey: .groups)
        cells = try c.decode([WireCell].self, forKey: .cells)
        privacy = try c.decode(WirePrivacy.self, forKey: .privacy)
    }
}

private struct WireCell: Decodable {
    let metric: MetricID
    let value: Int
    let epsilon: Rational
    let sensitivity: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case metric, value, epsilon, sensitivity }

    init(from decoder: any Decoder) throws {
        let c = try StrictKeys.container(decoder, CodingKeys.self)
        metric = try c.decode(MetricID.self, forKey: .metric)
        value = try c.decode(Int.self, forKey: .value)
        epsilon = try c.decode(Rational.self, forKey: .epsilon)
        sensitivity = try c.decode(Int.self, forKey: .sensitivity)
    }
}

private struct WirePrivacy: Decodable {
    let mechanism: String
    let epsilonSpent: Rational
    let budget: Rational
    let budgetLeft: Rational
    let minimumGroupMembers: Int
    let minimumCohortGroups: Int
    let minimumCohortMembers: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mechanism, epsilonSpent, budget, budgetLeft, minimumGroupMembers, minimumCohortGroups, minimumCohortMembers
    }

    init(from decoder: any Decoder) throws {
        let c = try StrictKeys.container(decoder, CodingKeys.self)
        mechanism = try c.decode(String.self, forKey: .mechanism)
        epsilonSpent = try c.decode(Rational.self, forKey: .epsilonSpent)
        budget = try c.decode(Rational.self, forKey: .budget)
        budgetLeft = try c.decode(Rational.self, forKey: .budgetLeft)
        minimumGroupMembers = try c.decode(Int.self, forKey: .minimumGroupMembers)
        minimumCohortGroups = try c.decode(Int.self, forKey: .minimumCohortGroups)
        minimumCohortMembers = try c.decode(Int.self, forKey: .minimumCohortMembers)
    }
}

/// Keyed containers that refuse unknown keys: a closed schema stays closed when read.
enum StrictKeys {
    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    static func container<Key: CodingKey & CaseIterable>(_ decoder: any Decoder, _ keys: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(Key.allCases.map(\.stringValue))
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                                                    debugDescription: "unknown key"))
        }
        return try decoder.container(keyedBy: Key.self)
    }

    /// A short explanation of a decoding error: the path and what was wrong, never the input.
    static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "missing key `\(path(context.codingPath + [key]))`"
        case DecodingError.dataCorrupted(let context): return "\(context.debugDescription) at `\(path(context.codingPath))`"
        case DecodingError.typeMismatch(_, let context): return "wrong type at `\(path(context.codingPath))`"
        case DecodingError.valueNotFound(_, let context): return "missing value at `\(path(context.codingPath))`"
        default: return "not JSON"
        }
    }
}

/// JSON string escaping for the few strings a release holds.
enum JSONText {
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
