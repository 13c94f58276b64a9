import Foundation
import TacitSpawn
import Testing
@testable import TacitMetrics

/// Where Debian's `chromium` is, if it is installed.
enum Chromium {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/chromium" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}

/// Counts the pixels of given colours in a PNG with Python's standard library (zlib, struct):
/// 8-bit RGB or RGBA, not interlaced, every scanline filter undone. Prints a JSON object
/// `{"#rrggbb": count}`; a pixel counts when each channel is within 2 of the colour.
let pngColourCounter = #"""
import json, struct, sys, zlib
path, colours = sys.argv[1], sys.argv[2:]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
targets = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colours]
counts = [0] * len(targets)
prev = bytearray(stride)
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        for k, (tr, tg, tb) in enumerate(targets):
            if abs(r - tr) <= 2 and abs(g - tg) <= 2 and abs(bl - tb) <= 2:
                counts[k] += 1
    prev = line
print(json.dumps(dict(zip(colours, counts))))
"""#

@Suite struct ReportRenderingTests {
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run(executable, arguments)
        return (result.termination.status, result.outputText)
    }

    @Test(.enabled(if: Chromium.path != nil, "chromium is not on PATH: install Debian's `chromium` to render the report"))
    func theReportRendersInHeadlessChromiumWithEveryChartsColours() async throws {
        let export = try await Fixture.exporter(configuration: Fixture.nearlyExact)
            .export(period: Fixture.period) { Fixture.input(sizes: [5, 6, 7]) }
        #expect(export.release.status == .released)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tacit-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = directory.appendingPathComponent(export.html.suggestedName)
        let png = directory.appendingPathComponent("report.png")
        try Data(export.html.bytes).write(to: html)

        try Self.run(Chromium.path!, ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                                      "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
                                      "--screenshot=\(png.path)", "--window-size=1200,1600", html.absoluteString])
        #expect(FileManager.default.fileExists(atPath: png.path), "chromium made no screenshot")
        if let keep = ProcessInfo.processInfo.environment["TACIT_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep))
        }

        let colours = [MetricsRelease.ChartColour.bands, MetricsRelease.ChartColour.kinds,
                       MetricsRelease.ChartColour.cyclesCompleted, MetricsRelease.ChartColour.cyclesEnded]
        let script = directory.appendingPathComponent("count.py")
        try Data(pngColourCounter.utf8).write(to: script)
        let result = try Self.run("/usr/bin/env", ["python3", script.path, png.path] + colours)
        #expect(result.status == 0, "the PNG could not be decoded")
        let counts = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Int] ?? [:]
        for colour in colours {
            // A bar is 44 px wide and at least several px tall.
            #expect((counts[colour] ?? 0) >= 400, "chart colour \(colour) has \(counts[colour] ?? 0) pixels in the screenshot")
        }
    }

    @Test func theReportIsSelfContained() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 6, 7, 3]) }
        let html = export.html.bytes.text
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=") && !html.contains("href="))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        for id in ["chart-bands", "chart-kinds", "chart-cycles", "explanation"] { #expect(html.contains("id=\"\(id)\"")) }
        #expect(html.contains("1 group with fewer than 5 members was left out"))
        #expect(html.contains("ε = 1/2 of the month's privacy budget of 1; budget left: 1/2"))
    }

    /// The table's noise column gives the scale Δ/ε as one number, not Δ and ε run together
    /// ("scale 1/1/24").
    @Test func theNoiseColumnGivesTheScale() async throws {
        let configuration = try MetricsConfiguration(epsilon: [.membersWrote: try Rational(3, 8)])
        let export = try await Fixture.exporter(configuration: configuration).export(period: Fixture.period) {
            Fixture.input(sizes: [5, 6, 7])
        }
        let html = export.html.bytes.text
        #expect(html.contains("<td>1/24</td><td>discrete Laplace, scale 24</td></tr>"), "\(html)")
        #expect(html.contains("<td>3/8</td><td>discrete Laplace, scale 8/3</td></tr>"), "\(html)")
        #expect(html.contains("<td>0</td><td>none (public roster or schedule)</td></tr>"))
        #expect(!html.contains("scale 1/"))
    }

    @Test func aWithheldReportSaysWhyAndDrawsNoChart() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 6]) }
        let html = export.html.bytes.text
        #expect(html.contains("Every count for March 2026 is withheld"))
        #expect(html.contains("at least 3 groups and 15 members"))
        #expect(html.contains("budget left: 1."))
        #expect(!html.contains("<svg"))
    }
}
