import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBJSON
import InvDBRender

/// The report's JSON twin: the same summary and groups as the Markdown, and every change (new,
/// resolved, still failing) in full. Small parts are `Codable` values encoded with sorted keys;
/// the change lists stream from the database one item at a time, so the file may be large but
/// the memory stays small. Top-level keys are in alphabetical order.
struct ReportJSON {
    var data: ReportData
    var now: Date
    var resultsFile: String

    private struct CheckCounts: Encodable {
        var checkId: String
        var title: String
        var severity: String
        var counts: RunCounts

        enum CodingKeys: String, CodingKey { case checkId = "check_id", title, severity, counts }
    }

    private struct TagGroups: Encodable {
        var tag: String
        var groups: [GroupCounts]
    }

    private struct Exception: Encodable {
        var checkId: String
        var resource: String
        var owner: String
        var reason: String
        var expiresOn: String
        var expired: Bool

        enum CodingKeys: String, CodingKey { case checkId = "check_id", resource, owner, reason, expiresOn = "expires_on", expired }
    }

    func write(to sink: any OutputSink, db: Database) throws {
        let writer = JSONObjectWriter(sink: sink)
        let today = Clock.day(now)
        try writer.member("benchmark", data.benchmark.id)
        try writer.member("by_account", data.byAccount)
        try writer.member("by_account_region", data.byAccountRegion)
        try writer.member("by_check", data.summary.checks.map {
            CheckCounts(checkId: $0.check.id, title: $0.check.title, severity: $0.check.severity, counts: RunCounts($0.counts))
        })
        try writer.member("by_region", data.byRegion)
        try writer.member("by_tag", data.tag.map { TagGroups(tag: $0, groups: data.byTag) })
        try writer.member("cloudtrail", data.cloudTrail)
        try writer.member("data", data.freshness)
        try writer.member("exceptions", data.waivers.map {
            Exception(checkId: $0.checkId, resource: $0.resource, owner: $0.owner, reason: $0.reason, expiresOn: $0.expiresOn, expired: !$0.isActive(on: today))
        })
        try writer.member("invdb_version", InvDB.version)
        try writer.array("new_failures") { element in
            try RunHistory.forEachChange(.new, from: data.previous?.id, to: data.runId, db: db) { try element($0) }
        }
        try writer.member("previous_run_id", data.previous?.id)
        try writer.member("recorded_at", data.recordedAt)
        try writer.array("resolved") { element in
            try RunHistory.forEachChange(.resolved, from: data.previous?.id, to: data.runId, db: db) { try element($0) }
        }
        try writer.member("results_csv", resultsFile)
        try writer.member("run_id", data.runId)
        try writer.array("still_failing") { element in
            try RunHistory.forEachChange(.stillFailing, from: data.previous?.id, to: data.runId, db: db) { try element($0) }
        }
        try writer.member("summary", RunCounts(data.summary.counts))
        try writer.finish()
    }
}

/// Writes one JSON object member by member into a sink: values are encoded with
/// `JSONEncoder` (sorted keys), arrays may be streamed element by element.
final class JSONObjectWriter {
    private let output: BufferedSink
    private let encoder: JSONEncoder
    private var isFirst = true

    init(sink: any OutputSink) {
        output = BufferedSink(sink)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    private func key(_ name: String) throws {
        output.bytes.append(isFirst ? "{\n  " : ",\n  ")
        isFirst = false
        JSONString.writeNeutralized(json: Array(try encoder.encode(name)), into: &output.bytes)
        output.bytes.append(": ")
    }

    /// Writes `"name": value` (`null` for nil).
    func member<Value: Encodable>(_ name: String, _ value: Value?) throws {
        try key(name)
        if let value {
            // Values hold input (tag values, regions, waiver text): JSONEncoder leaves DEL, C1
            // and bidi characters raw, so they are escaped as in every other JSON invdb writes.
            JSONString.writeNeutralized(json: Array(try encoder.encode(value)), into: &output.bytes)
        } else {
            output.bytes.append("null")
        }
        try output.flushIfLarge()
    }

    /// Writes `"name": [ … ]`, one element per call of the function `body` is given. The
    /// elements write themselves (`JSONStreamable`): these lists grow with the fleet, and
    /// `JSONEncoder` took most of a 100,000-instance report's JSON time.
    func array<Element: JSONStreamable>(_ name: String, _ body: ((Element) throws -> Void) throws -> Void) throws {
        try key(name)
        output.bytes.append("[")
        var count = 0
        try body { element in
            self.output.bytes.append(count == 0 ? "\n    " : ",\n    ")
            element.writeJSON(into: &self.output.bytes)
            count += 1
            try self.output.flushIfLarge()
        }
        output.bytes.append(count == 0 ? "]" : "\n  ]")
    }

    /// Closes the object and finishes the sink.
    func finish() throws {
        output.bytes.append(isFirst ? "{}\n" : "\n}\n")
        try output.finish()
    }
}

/// A value that writes itself as one JSON object (keys sorted, absent values as `null`).
protocol JSONStreamable {
    func writeJSON(into output: inout OutputBytes)
}

extension RunChangeItem: JSONStreamable {
    func writeJSON(into output: inout OutputBytes) {
        func member(_ key: StaticString, _ value: String?, first: Bool = false) {
            output.append(first ? "{\"" : ", \"")
            output.append(key)
            output.append("\": ")
            if let value { output.appendJSONString(value) } else { output.append("null") }
        }
        member("account_id", accountId, first: true)
        member("check_id", checkId)
        member("failing_since", failingSince)
        member("name", name)
        member("reason", reason)
        member("region", region)
        member("resource", resource)
        member("status", status)
        output.append("}")
    }
}
