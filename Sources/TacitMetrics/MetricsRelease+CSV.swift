extension MetricsRelease {
    /// The CSV columns, fixed by the schema: a reader can rely on exactly these, in this order.
    public static let csvColumns = ["schema", "period", "made_on", "status", "cohort", "metric", "value",
                                    "epsilon_numerator", "epsilon_denominator", "sensitivity"]

    /// The CSV file: a header, then one row per cell, `\n` line ends.
    ///
    /// Every field is an integer, a month, a day, a metric name (band labels are in the names), a
    /// status or a pseudonym; none needs quoting and none can start a spreadsheet formula. ε is
    /// split into two integer columns so no spreadsheet mistakes `1/24` for a date.
    public func csvBytes() -> [UInt8] {
        var out = Self.csvColumns.joined(separator: ",") + "\n"
        for cell in cells {
            let row = [schema, period.description, madeOn.description, status.rawValue, cohort ?? "",
                       cell.metric.rawValue, String(cell.value), String(cell.epsilon.numerator),
                       String(cell.epsilon.denominator), String(cell.sensitivity)]
            out += row.joined(separator: ",") + "\n"
        }
        return Array(out.utf8)
    }
}
