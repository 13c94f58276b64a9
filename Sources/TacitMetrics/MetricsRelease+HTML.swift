extension MetricsRelease {
    /// The fill colour of each chart, fixed so a person learns them and a test can find them in a
    /// screenshot.
    public enum ChartColour {
        /// Participation bands.
        public static let bands = "#2b6cb0"
        /// Members who wrote each kind of entry.
        public static let kinds = "#dd6b20"
        /// Completed cycles.
        public static let cyclesCompleted = "#2f855a"
        /// Cycles that ended (for comparison).
        public static let cyclesEnded = "#a0aec0"
    }

    /// A self-contained HTML report: no script, no external file, inline SVG charts (participation
    /// bands, members who wrote each kind in the month, completed cycles), a table of every cell,
    /// and a plain-language box saying what was withheld and why, the ε spent and the budget left.
    public func htmlBytes() -> [UInt8] {
        let month = Self.monthName(period)
        var body = ""
        body += "<h1>Practice journal participation, \(month)</h1>\n"
        body += "<p class=\"meta\">Report made on \(madeOn) · schema \(HTMLText.escape(schema))"
        if let cohort { body += " · cohort \(HTMLText.escape(cohort))" }
        body += "</p>\n"
        body += explanationBox(month: month)
        if status == .released {
            body += "<div class=\"charts\">\n"
            body += Self.barChart(id: "chart-bands", title: "Members by entries written in \(month)",
                                  bars: ParticipationBand.allCases.map { band in
                                      ("\(band.rawValue) entries", value(of: .members(in: band)) ?? 0, ChartColour.bands)
                                  })
            body += Self.barChart(id: "chart-kinds", title: "Members who wrote each kind of entry, \(month)",
                                  bars: EntryKind.allCases.map { kind in
                                      (kind.rawValue, value(of: .membersWrote(kind)) ?? 0, ChartColour.kinds)
                                  })
            body += Self.barChart(id: "chart-cycles", title: "Cycles with session 2 in \(month)",
                                  bars: [("ended", value(of: .cyclesEnded) ?? 0, ChartColour.cyclesEnded),
                                         ("completed", value(of: .cyclesCompleted) ?? 0, ChartColour.cyclesCompleted)])
            body += "</div>\n"
        }
        body += cellTable()
        if !groups.isEmpty {
            body += "<p class=\"meta\">Groups in this report (labels valid for this export only): "
            body += groups.map(HTMLText.escape).joined(separator: ", ") + "</p>\n"
        }
        let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Tacit metrics \(period)</title>
        <style>
        body { font-family: sans-serif; margin: 24px; color: #1a202c; background: #ffffff; max-width: 1150px; }
        h1 { font-size: 24px; margin: 0 0 4px 0; }
        h2 { font-size: 17px; margin: 8px 0; }
        .meta { color: #4a5568; font-size: 13px; }
        .box { border: 2px solid #2d3748; background: #f7fafc; padding: 12px 16px; margin: 16px 0; }
        .box p { margin: 6px 0; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        table { border-collapse: collapse; margin-top: 16px; font-size: 14px; }
        th, td { border: 1px solid #cbd5e0; padding: 3px 8px; text-align: left; }
        td.n { text-align: right; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
        return Array(page.utf8)
    }

    private func explanationBox(month: String) -> String {
        let groupCount = value(of: .groups) ?? 0
        let memberCount = value(of: .members) ?? 0
        let leftOut = value(of: .groupsLeftOut) ?? 0
        var lines: [String] = []
        switch status {
        case .released:
            lines.append("This report counts the \(groupCount) groups that ran a learning cycle in \(month), with \(memberCount) members in all. It never counts one member or one group on its own.")
        case .withheld where withheldBecause == [.populationChanged]:
            lines.append("<strong>Every count for \(month) is withheld.</strong> The groups' rosters changed by fewer than \(privacy.minimumGroupMembers) members since an earlier report for \(month); set side by side, the two reports could describe just those members. The next month's report is not affected.")
        case .withheld:
            let needs = "at least \(privacy.minimumCohortGroups) groups and \(privacy.minimumCohortMembers) members"
            lines.append("<strong>Every count for \(month) is withheld.</strong> The groups that ran a cycle in \(month) were \(groupCount) groups with \(memberCount) members; a report needs \(needs), so that no count could describe a few people.")
        }
        if leftOut > 0 {
            lines.append("\(leftOut) \(leftOut == 1 ? "group" : "groups") with fewer than \(privacy.minimumGroupMembers) members \(leftOut == 1 ? "was" : "were") left out, for the same reason.")
        }
        if status == .released {
            lines.append("Every number about what members did has random noise added (discrete Laplace) and is then kept between 0 and the number of members, so no one member's activity can be read from it. Small differences mean nothing.")
        }
        lines.append("This release spent ε = \(privacy.epsilonSpent) of the month's privacy budget of \(privacy.budget); budget left: \(privacy.budgetLeft). When the budget is spent, no further report for \(month) can be made. Asking again on the same day gives this same report.")
        lines.append("No names, no member ids, no group names and no word of anyone's journal are in this report.")
        return "<div class=\"box\" id=\"explanation\">\n<h2>What this report shows, and what it leaves out</h2>\n"
            + lines.map { "<p>\($0)</p>\n" }.joined() + "</div>\n"
    }

    private func cellTable() -> String {
        var out = "<table>\n<tr><th>metric</th><th>value</th><th>ε</th><th>noise</th></tr>\n"
        for cell in cells {
            let noise = cell.metric.isPublic ? "none (public roster or schedule)" : "discrete Laplace, scale \(Self.scale(of: cell))"
            out += "<tr><td>\(cell.metric.rawValue)</td><td class=\"n\">\(cell.value)</td><td>\(cell.epsilon)</td><td>\(noise)</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// The noise scale Δ/ε of a noisy cell, in lowest terms: 24 for Δ 1 and ε 1/24, 8/3 for ε 3/8.
    static func scale(of cell: Cell) -> String {
        let (numerator, overflow) = cell.sensitivity.multipliedReportingOverflow(by: cell.epsilon.denominator)
        guard !overflow, let scale = try? Rational(numerator, cell.epsilon.numerator) else {
            return "\(cell.sensitivity) ÷ \(cell.epsilon)"
        }
        return scale.description
    }

    /// A vertical bar chart as inline SVG; bar heights are integers scaled to the largest value.
    static func barChart(id: String, title: String, bars: [(label: String, value: Int, colour: String)]) -> String {
        let width = 360, height = 276, top = 46, bottom = 40, barWidth = 44
        let plot = height - top - bottom
        let largest = max(1, bars.map(\.value).max() ?? 1)
        let step = (width - 20) / max(1, bars.count)
        var svg = "<figure>\n<svg id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n"
        svg += "<text x=\"10\" y=\"18\" font-size=\"14\" font-family=\"sans-serif\">\(HTMLText.escape(title))</text>\n"
        svg += "<line x1=\"10\" y1=\"\(top + plot)\" x2=\"\(width - 10)\" y2=\"\(top + plot)\" stroke=\"#4a5568\"/>\n"
        for (index, bar) in bars.enumerated() {
            let x = 10 + index * step + (step - barWidth) / 2
            let barHeight = bar.value * plot / largest
            let y = top + plot - barHeight
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(bar.colour)\"/>\n"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(y - 4)\" font-size=\"12\" text-anchor=\"middle\" font-family=\"sans-serif\">\(bar.value)</text>\n"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(top + plot + 16)\" font-size=\"12\" text-anchor=\"middle\" font-family=\"sans-serif\">\(HTMLText.escape(bar.label))</text>\n"
        }
        return svg + "</svg>\n</figure>\n"
    }

    static func monthName(_ period: MetricsPeriod) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"]
        return "\(names[period.month - 1]) \(period.year)"
    }
}

/// HTML escaping for the few strings a report prints.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
