/// The entity types, their attributes and parents, and the actions a policy may name, with the
/// principal and resource types and context each action applies to.
public struct Schema: Sendable {
    /// One entity type: its attributes (all required) and the types its entities may be `in`.
    public struct EntityType: Sendable {
        /// Attribute names to types.
        public var attributes: [String: SchemaType]
        /// The entity types an entity of this type may have as parents.
        public var memberOf: [String]
        /// String attributes that only ever hold one of a few values (a cycle's `phase`): the
        /// validator refuses `==` or `!=` with any other literal, which could never match. Cedar's
        /// schema has no such lists, so `tacit policy schema` leaves them out.
        public var stringValues: [String: [String]]
        /// Whether every entity of this type has a lowercase UUID as its id: an operator's policy
        /// that names one otherwise (`Member::"alice"`) is refused, since it could never match.
        public var uuidIDs: Bool
        /// Ids other than UUIDs that entities of a `uuidIDs` type may have (the placeholder cycle
        /// of an entry written outside any cycle, `Cycle::"none"`).
        public var placeholderIDs: [String]

        /// Makes an entity type.
        public init(attributes: [String: SchemaType] = [:], memberOf: [String] = [], stringValues: [String: [String]] = [:],
                    uuidIDs: Bool = false, placeholderIDs: [String] = []) {
            self.attributes = attributes
            self.memberOf = memberOf
            self.stringValues = stringValues
            self.uuidIDs = uuidIDs
            self.placeholderIDs = placeholderIDs
        }
    }

    /// One action: who may ask it, of what, with which context.
    public struct Action: Sendable {
        /// The principal types the action applies to.
        public var principals: [String]
        /// The resource types the action applies to.
        public var resources: [String]
        /// The context attributes the caller provides with every request of this action.
        public var context: [String: SchemaType]

        /// Makes an action.
        public init(principals: [String], resources: [String], context: [String: SchemaType] = [:]) {
            self.principals = principals
            self.resources = resources
            self.context = context
        }
    }

    /// Entity type names to their definitions (`Action` is implicit).
    public var entityTypes: [String: EntityType]
    /// Action names (the id in `Action::"name"`) to their definitions.
    public var actions: [String: Action]

    /// Makes a schema.
    public init(entityTypes: [String: EntityType], actions: [String: Action]) {
        self.entityTypes = entityTypes
        self.actions = actions
    }

    /// Whether an entity of type `type` can ever be `in` an entity of type `ancestor`.
    func canBeIn(_ type: String, _ ancestor: String) -> Bool {
        if type == ancestor { return true }
        var seen: Set<String> = [type]
        var stack = [type]
        while let next = stack.popLast() {
            for parent in entityTypes[next]?.memberOf ?? [] where seen.insert(parent).inserted {
                if parent == ancestor { return true }
                stack.append(parent)
            }
        }
        return false
    }

    /// Checks a request against the action's declared principal, resource and context types.
    ///
    /// - Throws: `PolicyError` (`.data`) naming the first mismatch.
    public func validate(_ request: Request) throws(PolicyError) {
        guard request.action.type == "Action", let action = actions[request.action.id] else {
            throw PolicyError(.data, "unknown action `\(request.action)`")
        }
        guard action.principals.contains(request.principal.type) else {
            throw PolicyError(.data, "`\(request.action)` does not apply to a principal of type `\(request.principal.type)`")
        }
        guard action.resources.contains(request.resource.type) else {
            throw PolicyError(.data, "`\(request.action)` does not apply to a resource of type `\(request.resource.type)`")
        }
        for (name, type) in action.context {
            guard let value = request.context[name] else {
                throw PolicyError(.data, "the context of `\(request.action)` lacks `\(name)`")
            }
            guard type.admits(value) else {
                throw PolicyError(.data, "the context attribute `\(name)` should be \(type), got \(value.typeName)")
            }
        }
    }

    /// Checks an entity against its type: known type, every attribute present with its type,
    /// parents of allowed types.
    ///
    /// - Throws: `PolicyError` (`.data`) naming the first mismatch.
    public func validate(_ entity: Entity) throws(PolicyError) {
        if entity.uid.type == "Action" {
            guard actions[entity.uid.id] != nil else { throw PolicyError(.data, "unknown action `\(entity.uid)`") }
            return
        }
        guard let type = entityTypes[entity.uid.type] else {
            throw PolicyError(.data, "unknown entity type `\(entity.uid.type)` in `\(entity.uid)`")
        }
        for (name, attributeType) in type.attributes {
            guard let value = entity.attributes[name] else {
                throw PolicyError(.data, "`\(entity.uid)` lacks the attribute `\(name)`")
            }
            guard attributeType.admits(value) else {
                throw PolicyError(.data, "`\(entity.uid)`'s attribute `\(name)` should be \(attributeType), got \(value.typeName)")
            }
        }
        for name in entity.attributes.keys where type.attributes[name] == nil {
            throw PolicyError(.data, "`\(entity.uid)` has an attribute `\(name)` that `\(entity.uid.type)` does not declare")
        }
        for parent in entity.parents where !type.memberOf.contains(parent.type) {
            throw PolicyError(.data, "`\(entity.uid)` cannot be in `\(parent)`: `\(entity.uid.type)` is only ever in \(type.memberOf.isEmpty ? "nothing" : type.memberOf.joined(separator: ", "))")
        }
    }
}
