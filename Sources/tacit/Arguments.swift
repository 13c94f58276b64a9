import ArgumentParser
import TacitVault

/// Checks of the names, groups and cycles people type, made before anything is sent: an empty one
/// would change the request's route (`GET /v1/groups/` is the list of groups, `/v1/whois/` no route
/// at all), and one longer than any the daemon gives out could only be refused by its HTTP server's
/// limits, in a status code rather than words. Each failure is a usage error (exit 2) naming the
/// argument. A name looked up is not held to the naming rule (names stored before it still work);
/// a name given out — enrolling, inviting, creating a group — is, as the daemon would.
enum Arguments {
    /// A person's name: not empty, and not longer than a name can be (`Names.principalMaximum`).
    ///
    /// - Throws: `ValidationError` naming `argument` (`<name>`, `--with`).
    static func checkName(_ name: String, _ argument: String) throws {
        if name.isEmpty { throw ValidationError("\(argument) is empty: give a name") }
        if name.utf8.count > Names.principalMaximum {
            throw ValidationError("\(argument) is longer than any name: names are at most \(Names.principalMaximum) characters")
        }
    }

    /// A name to give a person (`invite NAME`, `enroll --name`): the daemon's rule, `Names.checkPrincipal`.
    ///
    /// - Throws: `ValidationError` naming `argument` and the rule.
    static func checkNewName(_ name: String, _ argument: String) throws {
        try checkName(name, argument)
        do {
            try Names.checkPrincipal(name)
        } catch {
            throw ValidationError("\(argument) is not a name: \(error.message)")
        }
    }

    /// A name to give a new group: the daemon's rule, `Names.checkGroup`.
    ///
    /// - Throws: `ValidationError` naming `argument` and the rule.
    static func checkNewGroupName(_ name: String, _ argument: String) throws {
        if name.isEmpty { throw ValidationError("\(argument) is empty: give the group's name") }
        do {
            try Names.checkGroup(name)
        } catch {
            throw ValidationError("\(argument) is not a group name: \(error.message)")
        }
    }

    /// A group: its name, its id or a prefix of the id — not empty, and no longer than a group's
    /// name can be (`Names.groupMaximum`, which an id's 36 characters are within).
    ///
    /// - Throws: `ValidationError` naming `argument` (`<group>`, `--group`).
    static func checkGroup(_ group: String, _ argument: String) throws {
        if group.isEmpty { throw ValidationError("\(argument) is empty: give the group's name or id (see `tacit group list`)") }
        if group.utf8.count > Names.groupMaximum {
            throw ValidationError("\(argument) is longer than any group's name or id: at most \(Names.groupMaximum) characters")
        }
    }

    /// A cycle: its id or a prefix of it, or a group for its current cycle.
    ///
    /// - Throws: `ValidationError` naming `argument` (`<cycle>`, `--cycle`).
    static func checkCycle(_ cycle: String, _ argument: String) throws {
        if cycle.isEmpty { throw ValidationError("\(argument) is empty: give the cycle's id, or a group (see `tacit cycle list`)") }
        if cycle.utf8.count > Names.groupMaximum {
            throw ValidationError("\(argument) is longer than any cycle's id or group's name: at most \(Names.groupMaximum) characters")
        }
    }
}
