#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads a `.env` file the way the shells and tools people copy them from do: `NAME=value`
/// lines, `#` comments and blank lines, an optional leading `export `, and values in single
/// quotes (taken as they are) or double quotes (with `\n`, `\"` and `\\`). An empty value is
/// empty, and never swallows the next line. Any other line is an error naming its number, so a
/// broken file is never dropped silently.
///
/// ```swift
/// let settings = try DotEnv.parse("PORT=8000\nSECRET_KEY=\n")   // ["PORT": "8000", "SECRET_KEY": ""]
/// ```
public enum DotEnv {
    /// A line that is not a setting, a comment or blank.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    public static func parse(_ text: String) throws(Invalid) -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else {
                throw Invalid(line: index + 1, problem: "expected NAME=value")
            }
            let name = String(line[..<equals]).trimmingWhitespace()
            guard let first = name.first, first == "_" || first.isLetter,
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else {
                throw Invalid(line: index + 1, problem: "'\(name)' is not a variable name")
            }
            values[String(name)] = try value(line[line.index(after: equals)...].trimmingWhitespace(), line: index + 1)
        }
        return values
    }

    /// The settings of the file at `path`, or nil when there is no such file.
    public static func load(path: String) throws -> [String: String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(line: 0, problem: "the file is not UTF-8 text")
        }
        return try parse(text)
    }

    private static func value(_ text: Substring, line: Int) throws(Invalid) -> String {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // unquoted: up to a comment that follows a space
            var end = text.endIndex
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(after: index)
                if text[index].isWhitespace, next < text.endIndex, text[next] == "#" {
                    end = index
                    break
                }
                index = next
            }
            return String(text[..<end].trimmingWhitespace())
        }
        var result = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let rest = text[text.index(after: index)...].trimmingWhitespace()
                guard rest.isEmpty || rest.hasPrefix("#") else {
                    throw Invalid(line: line, problem: "text after the closing quote")
                }
                return result
            }
            if quote == "\"", character == "\\", text.index(after: index) < text.endIndex {
                index = text.index(after: index)
                switch text[index] {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(text[index])
                }
            } else {
                result.append(character)
            }
            index = text.index(after: index)
        }
        throw Invalid(line: line, problem: "a quote that is never closed")
    }
}
