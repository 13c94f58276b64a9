/// A loaded, validated set of policies, indexed by action for fast decisions.
public struct PolicySet: Sendable {
    /// The policies in file order (base policies first when layered).
    public let policies: [Policy]
    /// The schema the policies were validated against; nil for an unvalidated set.
    public let schema: Schema?

    private let candidatesByAction: [EntityUID: [Int]]
    private let anyActionCandidates: [Int]

    /// Parses `text` and, with a schema, validates it; policies without `@id` are named `policy0`,
    /// `policy1`, … in file order.
    ///
    /// - Throws: `PolicyError` for the first syntax or validation problem, or a duplicate id.
    public init(parsing text: String, schema: Schema? = .tacit) throws(PolicyError) {
        let policies = try Parser.policies(in: text)
        if let first = Self.problems(of: policies, schema: schema, layeredOn: nil).first { throw first }
        try self.init(policies: policies, schema: schema)
    }

    init(policies: [Policy], schema: Schema?) throws(PolicyError) {
        var seen = Set<String>()
        for policy in policies where !seen.insert(policy.id).inserted {
            throw PolicyError(.duplicateID, "two policies have the id `\(policy.id)`", at: policy.location, policy: policy.id)
        }
        self.policies = policies
        self.schema = schema
        var byAction: [EntityUID: [Int]] = [:]
        var anyAction: [Int] = []
        for (index, policy) in policies.enumerated() {
            if let named = policy.action.named {
                for uid in Set(named) { byAction[uid, default: []].append(index) }
            } else {
                anyAction.append(index)
            }
        }
        self.candidatesByAction = byAction.mapValues { ($0 + anyAction).sorted() }
        self.anyActionCandidates = anyAction
    }

    /// The text of the base policy compiled into the engine (`tacit.cedar`).
    public static let baseText: String = String(decoding: PackageResources.tacit_cedar, as: UTF8.self)

    /// The base policy, validated against `Schema.tacit`.
    public static let base: PolicySet = {
        do {
            return try PolicySet(parsing: baseText, schema: .tacit)
        } catch {
            // The base policy is part of the build and tested; failing here is a build defect.
            fatalError("the compiled-in base policy is invalid: \(error)")
        }
    }()

    /// The base policy with an operator's policy file layered on top, both validated against
    /// `schema` (or only parsed, when `schema` is nil).
    ///
    /// The operator's policies can add permits and forbids; no base policy is removed or replaced.
    /// - Throws: `PolicyError` for the first problem in `operatorText` (syntax, validation, or an
    ///   `@id` that a base policy already uses).
    public static func load(base baseText: String = PolicySet.baseText, operator operatorText: String?,
                            schema: Schema? = .tacit) throws(PolicyError) -> PolicySet {
        let basePolicies = try PolicySet(parsing: baseText, schema: schema).policies
        guard let operatorText else { return try PolicySet(policies: basePolicies, schema: schema) }
        let layer = try Parser.policies(in: operatorText)
        if let first = problems(of: layer, schema: schema, layeredOn: basePolicies).first { throw first }
        return try PolicySet(policies: basePolicies + layer, schema: schema)
    }

    /// Every problem in an operator's policy file, in source order, as `tacit policy check` prints
    /// them; empty when the file can be loaded on top of the base policy.
    public static func problems(inOperatorPolicy text: String, schema: Schema = .tacit) -> [PolicyError] {
        problems(in: text, schema: schema, layeredOn: PolicySet.base.policies)
    }

    /// Every problem in `text`: the first syntax error (parsing stops there), or each validation
    /// problem and duplicate id.
    static func problems(in text: String, schema: Schema?, layeredOn base: [Policy]?) -> [PolicyError] {
        do {
            return problems(of: try Parser.policies(in: text), schema: schema, layeredOn: base)
        } catch {
            return [error]
        }
    }

    /// Every duplicate id and validation problem of parsed policies, in source order.
    static func problems(of policies: [Policy], schema: Schema?, layeredOn base: [Policy]?) -> [PolicyError] {
        var problems: [PolicyError] = []
        var seen = Set((base ?? []).map(\.id))
        for policy in policies where !seen.insert(policy.id).inserted {
            let owner = base?.contains { $0.id == policy.id } == true ? "the base policy already has" : "another policy has"
            problems.append(PolicyError(.duplicateID, "\(owner) the id `\(policy.id)`; choose another `@id`",
                                        at: policy.location, policy: policy.id))
        }
        if let schema {
            let validator = Validator(schema: schema)
            for policy in policies { problems += validator.problems(in: policy) }
            // An operator's layer: names where ids belong would silently never match.
            if base != nil { for policy in policies { problems += EntityIDCheck.problems(in: policy, schema: schema) } }
        }
        return problems.sorted { ($0.location ?? .init(line: 0, column: 0)) < ($1.location ?? .init(line: 0, column: 0)) }
    }

    /// The indices of the policies that can apply to `action`, in policy order.
    func candidates(for action: EntityUID, in entities: Entities) -> [Int] {
        // An action with parents may match `action in [group]`; look at every policy then.
        if entities.hasAncestors(action) { return Array(policies.indices) }
        return candidatesByAction[action] ?? anyActionCandidates
    }
}

extension PolicySet {
    /// Warnings about an operator's policy that loads: each permit that grants its actions to every
    /// principal — members, compliance officers and operators alike — with no condition, which is
    /// rarely what was meant (`permit(principal, action, resource);` makes every member an operator,
    /// though the base policy's forbids still hold). Empty for a file with problems.
    public static func warnings(inOperatorPolicy text: String) -> [PolicyError] {
        guard let policies = try? Parser.policies(in: text) else { return [] }
        return policies.compactMap { policy in
            guard policy.effect == .permit, policy.conditions.isEmpty else { return nil }
            switch policy.principal {
            case .any, .is: break
            default: return nil
            }
            let actions = policy.action.named.map { $0.map(\.id).sorted().joined(separator: ", ") } ?? "every action"
            return PolicyError(.validation, "`\(policy.id)` permits \(actions) to every principal whatever their role, with no "
                               + "condition (the base policy's forbids still apply)", at: policy.location, policy: policy.id)
        }
    }
}
