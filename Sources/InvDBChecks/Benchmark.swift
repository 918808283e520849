import Foundation
import InvDBCore
import InvDBStore

/// A folder of saved checks, such as `Queries/cis-1.18/`, with an optional `benchmark.txt`
/// (`title:`, `aliases:` and `checks:` lines) that names it, lists the other ids it answers to,
/// and orders its checks (checks not listed follow, by name).
public struct Benchmark: Sendable {
    /// The folder name, e.g. `cis-1.18`.
    public var id: String
    public var title: String
    /// Other names of the same benchmark (CIS renumbers the control between versions).
    public var aliases: [String]
    public var checks: [CheckDefinition]

    /// Loads the benchmark in `directory`: every `*.sql` file, sorted by name.
    public init(directory: URL) throws {
        id = directory.lastPathComponent
        var title = id
        var aliases: [String] = []
        var order: [String] = []
        let infoURL = directory.appendingPathComponent("benchmark.txt")
        if let info = try? String(contentsOf: infoURL, encoding: .utf8) {
            for line in info.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "title": title = parts[1]
                case "aliases": aliases = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                case "checks": order = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                default: break
                }
            }
        }
        self.title = title
        self.aliases = aliases
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CommandFailure("cannot read the checks folder \(directory.path)")
        }
        checks = try names.filter { $0.hasSuffix(".sql") }.sorted().map { name in
            let url = directory.appendingPathComponent(name)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read \(url.path): \(error.localizedDescription)")
            }
            return try CheckDefinition(id: String(name.dropLast(4)), path: url.path, text: text)
        }
        guard !checks.isEmpty else { throw CommandFailure("\(directory.path) holds no .sql checks") }
        let rank = { (id: String) in order.firstIndex(of: id) ?? order.count }
        checks = checks.enumerated().sorted { (rank($0.element.id), $0.offset) < (rank($1.element.id), $1.offset) }.map(\.element)
    }

    /// True when `name` is this benchmark's id or one of its aliases (case-insensitive).
    public func answers(to name: String) -> Bool {
        ([id] + aliases).contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// The benchmarks found under a queries folder (the shipped `Queries/` or the user's own).
public struct BenchmarkCatalog: Sendable {
    public var benchmarks: [Benchmark]

    /// Loads every sub-folder of `directory` that holds `.sql` files.
    public init(directory: URL) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw CommandFailure("cannot read the queries folder \(directory.path)")
        }
        benchmarks = try names.sorted().compactMap { name in
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
                  let files = try? fm.contentsOfDirectory(atPath: folder.path), files.contains(where: { $0.hasSuffix(".sql") }) else {
                return nil
            }
            return try Benchmark(directory: folder)
        }
    }

    /// The benchmark named `name` (an id or alias), or a folder path of checks.
    ///
    /// - Throws: `UsageError` listing the known names when nothing matches.
    public func resolve(_ name: String) throws -> Benchmark {
        if let match = benchmarks.first(where: { $0.answers(to: name) }) { return match }
        var isDirectory: ObjCBool = false
        if name.contains("/"), FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue {
            return try Benchmark(directory: URL(fileURLWithPath: name, isDirectory: true))
        }
        let known = benchmarks.map { ([$0.id] + $0.aliases).joined(separator: ", ") }.joined(separator: "; ")
        throw UsageError("no benchmark named '\(name)' (known: \(known)); or give a folder of .sql checks, e.g. ./my-checks/")
    }
}

extension Benchmark {
    /// A benchmark built in code (for tests and tools), not read from a folder.
    public init(testID id: String, title: String, checks: [CheckDefinition]) {
        self.id = id
        self.title = title
        self.aliases = []
        self.checks = checks
    }
}
