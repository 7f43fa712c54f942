/// The samples of a Prometheus text exposition (`GET /metrics`), for assertions in tests.
///
/// ```swift
/// let scrape = PrometheusSamples(text)
/// #expect(scrape["verify_emulator_checks_total", ["result": "approved"]] == 1)
/// ```
public struct PrometheusSamples: Sendable {
    /// One sample line: its metric name, labels and value.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public private(set) var samples: [Sample] = []
    /// The `# TYPE` of each metric family.
    public private(set) var types: [String: String] = [:]

    /// Parses `text`; a line that is not a sample or a comment is skipped.
    public init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples.append(Sample(name: String(series), labels: [:], value: value))
                continue
            }
            samples.append(
                Sample(name: String(series[..<brace]), labels: Self.labels(series[brace...]), value: value))
        }
    }

    /// `{a="1",b="x\"y"}` as a dictionary.
    static func labels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var rest = text.dropFirst()
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingPrefix(",")
            var value = ""
            var index = rest.index(equals, offsetBy: 2)
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                    index = rest.index(after: index)
                    value.append(rest[index] == "n" ? "\n" : rest[index])
                } else {
                    value.append(rest[index])
                }
                index = rest.index(after: index)
            }
            labels[String(name)] = value
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return labels
    }

    /// The value of the sample `name` whose labels include `labels`; nil when there is none.
    /// Several matching samples (a label left out) are summed.
    public subscript(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }
}
