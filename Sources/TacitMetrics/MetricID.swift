/// The closed set of cells a release can hold. Nothing else can be asked for or released: there is
/// no per-member row, no raw entry count and no free text.
///
/// *Public* cells are facts of rosters and schedules, which are public within the organisation:
/// they are released exactly and cost no ε. *Noisy* cells depend on what members did; each moves
/// by at most its sensitivity when one member's activity changes, and gets discrete Laplace noise.
public enum MetricID: String, Sendable, CaseIterable, Codable, Comparable {
    /// Groups in the cohort (active in the period, at least the minimum size). Public.
    case groups = "groups"
    /// Distinct members on the cohort's rosters. Public.
    case members = "members"
    /// Active groups left out for being under the minimum size. Public.
    case groupsLeftOut = "groups-left-out"
    /// Cohort cycles whose session 2 falls in the period. Public (schedules).
    case cyclesEnded = "cycles-ended"
    /// Members who wrote at least one entry in the period.
    case membersWrote = "members-wrote"
    /// Members who shared at least one entry in the period.
    case membersShared = "members-shared"
    /// Members who wrote at least one commitment in the period.
    case membersWroteCommitment = "members-wrote-commitment"
    /// Members who wrote at least one practice entry in the period.
    case membersWrotePractice = "members-wrote-practice"
    /// Members who wrote at least one reflection in the period.
    case membersWroteReflection = "members-wrote-reflection"
    /// Members who wrote at least one insight in the period.
    case membersWroteInsight = "members-wrote-insight"
    /// Members who wrote at least one note in the period.
    case membersWroteNote = "members-wrote-note"
    /// Members who wrote no entry in the period.
    case membersBand0 = "members-band-0"
    /// Members who wrote 1 or 2 entries in the period.
    case membersBand1to2 = "members-band-1-2"
    /// Members who wrote 3 to 5 entries in the period.
    case membersBand3to5 = "members-band-3-5"
    /// Members who wrote 6 or more entries in the period.
    case membersBand6Plus = "members-band-6+"
    /// Cycles whose session 2 fell in the period and for which every member wrote a reflection.
    case cyclesCompleted = "cycles-completed"

    /// The cells that get noise and cost ε, in schema order.
    public static let noisy: [MetricID] = allCases.filter { !$0.isPublic }

    /// `true` for cells computed from rosters and schedules alone.
    public var isPublic: Bool {
        switch self {
        case .groups, .members, .groupsLeftOut, .cyclesEnded: return true
        default: return false
        }
    }

    /// The cell counting members who wrote `kind`.
    public static func membersWrote(_ kind: EntryKind) -> MetricID {
        switch kind {
        case .commitment: return .membersWroteCommitment
        case .practice: return .membersWrotePractice
        case .reflection: return .membersWroteReflection
        case .insight: return .membersWroteInsight
        case .note: return .membersWroteNote
        }
    }

    /// The cell counting members in `band`.
    public static func members(in band: ParticipationBand) -> MetricID {
        switch band {
        case .none: return .membersBand0
        case .oneToTwo: return .membersBand1to2
        case .threeToFive: return .membersBand3to5
        case .sixOrMore: return .membersBand6Plus
        }
    }

    /// Schema order.
    public static func < (lhs: MetricID, rhs: MetricID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A band of entries written in the period; each member is in exactly one.
public enum ParticipationBand: String, Sendable, CaseIterable, Codable {
    /// No entry.
    case none = "0"
    /// One or two entries.
    case oneToTwo = "1-2"
    /// Three to five entries.
    case threeToFive = "3-5"
    /// Six or more entries.
    case sixOrMore = "6+"

    /// The band of a member who wrote `count` entries.
    public init(entries count: Int) {
        switch count {
        case ...0: self = .none
        case 1...2: self = .oneToTwo
        case 3...5: self = .threeToFive
        default: self = .sixOrMore
        }
    }
}
