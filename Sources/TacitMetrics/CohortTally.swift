import Foundation

/// Why a cohort's counts are withheld whole.
public enum WithheldReason: String, Sendable, Codable, CaseIterable {
    /// Fewer groups than `minimumCohortGroups`.
    case tooFewGroups = "too-few-groups"
    /// Fewer members than `minimumCohortMembers`.
    case tooFewMembers = "too-few-members"
    /// An earlier release of the period was made on rosters that differ from today's by fewer
    /// than `minimumGroupSize` members: the two together could single those members out.
    case populationChanged = "population-changed"
}

/// The exact counts of one period's cohort, before noise. Internal: it never leaves the module,
/// and it holds no content (there is none in the input) and no id in anything released.
struct CohortTally: Sendable {
    /// Group ids of the cohort (active in the period, at least the minimum size), sorted.
    var includedGroups: [UUID] = []
    /// Exact value of every cell.
    var exact: [MetricID: Int] = [:]
    /// Sensitivity of each noisy cell: how far one member's activity can move it.
    var sensitivity: [MetricID: Int] = [:]
    /// The reasons the cohort is withheld; empty when it is released.
    var withheld: [WithheldReason] = []
    /// Whose activity the noisy cells depend on, for the ledger's differencing check.
    var population = CohortPopulation(members: [], cycleMembers: [])
    /// The members whose activity feeds each noisy cell (public cells: none). For the differencing
    /// tests; the export never reads it.
    var support: [MetricID: Set<UUID>] = [:]

    /// The value a noisy cell may take after clamping: `0...members`, or `0...cycles-ended`.
    func clampRange(_ metric: MetricID) -> ClosedRange<Int> {
        metric == .cyclesCompleted ? 0...(exact[.cyclesEnded] ?? 0) : 0...(exact[.members] ?? 0)
    }

    /// Counts `input` for `period` under `configuration`.
    ///
    /// A group is *active* in a month when one of its cycles runs during it: from session 1's day to
    /// the last grace day (session 2 + 7 days). The cohort is the active groups with at least
    /// `minimumGroupMembers` distinct members. Entries and shares count when their ISO week belongs
    /// to the month, their group is in the cohort and their author is on that group's roster.
    ///
    /// - Throws: `MetricsError.invalidInput` for a group listed twice.
    static func count(_ input: MetricsInput, period: MetricsPeriod, configuration: MetricsConfiguration,
                      recordSupport: Bool = false) throws -> CohortTally {
        let days = period.dayRange
        let timeZone = input.timeZone
        var tally = CohortTally()
        var seenGroups = Set<UUID>()
        var included: [GroupFacts] = []
        var leftOut = 0
        for group in input.groups {
            guard seenGroups.insert(group.id).inserted else {
                throw MetricsError(.invalidInput, "the metadata lists one group twice")
            }
            let active = group.cycles.contains { cycle in
                let first = CivilCalendar.dayNumber(of: cycle.session1, in: timeZone)
                let second = CivilCalendar.dayNumber(of: cycle.session2, in: timeZone)
                let span = min(first, second)...(max(first, second) + 7)
                return span.overlaps(days)
            }
            guard active else { continue }
            if Set(group.memberIDs).count >= configuration.minimumGroupMembers {
                included.append(group)
            } else {
                leftOut += 1
            }
        }
        included.sort { $0.id.byteOrderKey < $1.id.byteOrderKey }
        tally.includedGroups = included.map(\.id)

        // Members of the cohort, each once even when on two rosters.
        var memberIndex: [UUID: Int] = [:]
        var memberIDs: [UUID] = []
        for group in included {
            for member in group.memberIDs where memberIndex[member] == nil {
                memberIndex[member] = memberIDs.count
                memberIDs.append(member)
            }
        }
        let memberCount = memberIDs.count
        // Each roster seat (group, member) → the member's index: one lookup per entry decides both
        // that its group is in the cohort and that its author is on that group's roster.
        var seats: [Seat: Int] = [:]
        seats.reserveCapacity(included.reduce(0) { $0 + $1.memberIDs.count })
        for group in included {
            for member in group.memberIDs { seats[Seat(group: group.id, member: member)] = memberIndex[member]! }
        }

        // Cycles of the cohort whose session 2 falls in the period; one member can move the count
        // of completed cycles by the number of such cycles on their rosters.
        var endingIndex: [UUID: Int] = [:]          // cycle id → index into endingRosters
        var endingRosters: [[Int]] = []             // member indices of each ending cycle's roster
        var endingPerMember = [Int](repeating: 0, count: memberCount)
        for group in included {
            let roster = Set(group.memberIDs).map { memberIndex[$0]! }
            for cycle in group.cycles where days.contains(CivilCalendar.dayNumber(of: cycle.session2, in: timeZone)) {
                guard endingIndex[cycle.id] == nil else {
                    throw MetricsError(.invalidInput, "the metadata lists one cycle twice")
                }
                endingIndex[cycle.id] = endingRosters.count
                endingRosters.append(roster)
                for member in roster { endingPerMember[member] += 1 }
            }
        }

        // The weeks of the period: those whose Thursday falls in it, four or five of them.
        let periodWeeks = Self.weeks(of: period)
        var written = [Int32](repeating: 0, count: memberCount)
        var kinds = [UInt8](repeating: 0, count: memberCount)
        var shared = [Bool](repeating: false, count: memberCount)
        var reflected = Set<Int>()                  // ending cycle index × memberCount + member index
        // One pass over the entries.
        for entry in input.entries {
            guard let member = seats[Seat(group: entry.group, member: entry.author)] else { continue }
            if entry.kind == .reflection, let cycle = entry.cycle, let ending = endingIndex[cycle] {
                reflected.insert(ending * memberCount + member)
            }
            guard periodWeeks.contains(entry.isoWeek) else { continue }
            written[member] &+= 1
            kinds[member] |= entry.kind.bit
        }
        for share in input.shares {
            guard periodWeeks.contains(share.isoWeek),
                  let member = seats[Seat(group: share.group, member: share.author)] else { continue }
            shared[member] = true
        }

        var exact: [MetricID: Int] = [:]
        for metric in MetricID.allCases { exact[metric] = 0 }
        exact[.groups] = included.count
        exact[.members] = memberCount
        exact[.groupsLeftOut] = leftOut
        exact[.cyclesEnded] = endingRosters.count
        for member in 0..<memberCount {
            if written[member] > 0 { exact[.membersWrote]! += 1 }
            if shared[member] { exact[.membersShared]! += 1 }
            for kind in EntryKind.allCases where kinds[member] & kind.bit != 0 {
                exact[.membersWrote(kind)]! += 1
            }
            exact[.members(in: ParticipationBand(entries: Int(written[member])))]! += 1
        }
        exact[.cyclesCompleted] = endingRosters.indices.filter { cycle in
            endingRosters[cycle].allSatisfy { reflected.contains(cycle * memberCount + $0) }
        }.count
        tally.exact = exact

        for metric in MetricID.noisy { tally.sensitivity[metric] = 1 }
        tally.sensitivity[.cyclesCompleted] = max(1, endingPerMember.max() ?? 0)

        if included.count < configuration.minimumCohortGroups { tally.withheld.append(.tooFewGroups) }
        if memberCount < configuration.minimumCohortMembers { tally.withheld.append(.tooFewMembers) }

        tally.population = CohortPopulation(members: memberIDs, cycleMembers: endingRosters.joined().map { memberIDs[$0] })
        if recordSupport {
            let everyone = Set(memberIDs)
            for metric in MetricID.noisy { tally.support[metric] = everyone }
            tally.support[.cyclesCompleted] = Set(endingRosters.joined().map { memberIDs[$0] })
        }
        return tally
    }

    /// A place on a roster.
    struct Seat: Hashable {
        let group: UUID
        let member: UUID
    }

    /// The ISO weeks whose Thursday falls in `period`.
    static func weeks(of period: MetricsPeriod) -> [ISOWeek] {
        period.dayRange.filter { CivilCalendar.isoWeekday($0) == 4 }.map { ISOWeek(containing: CalendarDay(dayNumber: $0)) }
    }
}

extension EntryKind {
    /// One bit per kind, to keep a member's kinds in a byte.
    var bit: UInt8 {
        switch self {
        case .commitment: return 1
        case .practice: return 2
        case .reflection: return 4
        case .insight: return 8
        case .note: return 16
        }
    }
}
