import Foundation
import TacitAPI

extension Int {
    /// "1 entry", "2 entries": the count with the noun that fits it.
    func counted(_ one: String, _ many: String) -> String { self == 1 ? "1 \(one)" : "\(self) \(many)" }
}

/// Bytes for standard output, after whatever `print` buffered: a reader that went away (`| head`,
/// a pager quit early) ends the output quietly, as it does for `print`, where `FileHandle.write`
/// trapped on EPIPE with a backtrace.
enum StandardOutput {
    static func write(_ data: Data) {
        fflush(nil)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}

/// `--json` output: pretty, sorted, ISO 8601 dates.
enum JSONOutput {
    /// Prints `value` as JSON on standard output.
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        StandardOutput.write(data + Data("\n".utf8))
    }
}

/// A plain text table: a header row and left-aligned columns, with long cells shortened and
/// control characters neutralized (`DisplayText.line`).
struct Table {
    /// The column titles.
    let columns: [String]
    /// The widest a column may be before its cells are shortened with "…".
    var maximumWidth = 48
    private var rows: [[String]] = []

    /// A table with these column titles.
    init(_ columns: String...) { self.columns = columns }

    /// Adds a row (one cell per column).
    mutating func add(_ cells: String...) { rows.append(cells) }

    /// Adds a row from an array.
    mutating func add(row cells: [String]) { rows.append(cells) }

    /// The rendered table, or `empty` when there are no rows.
    func render(empty: String) -> String {
        guard !rows.isEmpty else { return empty }
        let cells = ([columns] + rows).map { row in
            row.map { cell -> String in
                let flat = DisplayText.line(cell)
                return flat.count > maximumWidth ? String(flat.prefix(maximumWidth - 1)) + "…" : flat
            }
        }
        var widths = Array(repeating: 0, count: columns.count)
        for row in cells { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        var lines: [String] = []
        lines.reserveCapacity(cells.count)
        for row in cells {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Prints the table (or `empty`).
    func print(empty: String) {
        Swift.print(render(empty: empty))
    }
}

/// Short ids for tables: the first 8 hex digits, which commands accept as a prefix.
extension UUID {
    /// The first 8 characters of the lowercase id.
    var short: String { String(uuidString.lowercased().prefix(8)) }
    /// The lowercase id.
    var lower: String { uuidString.lowercased() }
}
