@testable import ClaimsStore
import ClaimsTestSupport
import Foundation
import GRDB
import Testing

/// Migration v12 (CheckListSchema): the per-claim tables' CHECK lists become OR chains — the same
/// constraints, without SQLite's temporary b-tree per checked row.
@Suite("Store: CHECK lists as OR chains (v12)")
struct CheckListSchemaTests {
    private static let claimColumns = """
        INSERT INTO claim (run, encounter_id, patient_id, payer, date_of_service, x12_file, fhir_file, isa13, gs06, st02,
                           total_cents, rule_version, created_at, frequency)
        """

    @Test func rewritesOneListAndKeepsTheRestOfTheDefinition() {
        let sql = "CREATE TABLE t (id INTEGER, kind TEXT NOT NULL CHECK (kind IN ('a', 'b',\n    'c')), note TEXT CHECK (length(note) < 9))"
        #expect(CheckListSchema.orChain(in: sql, column: "kind")
            == "CREATE TABLE t (id INTEGER, kind TEXT NOT NULL CHECK (kind = 'a' OR kind = 'b' OR kind = 'c'), note TEXT CHECK (length(note) < 9))")
        #expect(CheckListSchema.orChain(in: sql, column: "note") == nil)
        #expect(CheckListSchema.orChain(in: "CHECK (kind IN ('a', b))", column: "kind") == nil)
        #expect(CheckListSchema.orChain(in: "CHECK (kind IN ('a')) CHECK (kind IN ('b'))", column: "kind") == nil)
    }

    /// A store made by v1…v11 with rows in every rewritten table: after v12 the rows are all there,
    /// the file is sound, no IN list is left in those tables, inserting no longer opens a temporary
    /// b-tree, and every constraint still refuses what it refused.
    @Test func migratesAnExistingStoreKeepingRowsAndConstraints() throws {
        let directory = try Fixtures.temporaryDirectory("v12")
        let path = directory.appendingPathComponent("claims.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v11-authorization-requests")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO prior_authorization (patient_id, payer, service, status, created_at, updated_at) VALUES ('PT-1', 'bcbs-il', 'tms', 'approved', 't', 't');
                INSERT INTO prior_authorization_history (authorization_id, at, "by", action, changes) VALUES (1, 't', 'alice', 'created', '{}');
                INSERT INTO batch_run (number, status, output_directory, plan, prepared_at) VALUES (1, 'committed', '/o', '{}', '2026-11-20T10:00:00.000Z');
                \(Self.claimColumns) VALUES (1, 'ENC-1', 'PT-1', 'bcbs-il', '2026-11-01', 'a.x12', 'a.xml', '1', '1', '0001', 100, 'r', '2026-11-20T10:00:00.000Z', '1');
                """)
        }
        let before = try queue.read { db in try Self.counts(db) }
        try StoreSchema.migrator.migrate(queue)
        try queue.read { db in
            #expect(try Self.counts(db) == before)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            for table in CheckListSchema.rewrites.map(\.table) {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                #expect(!sql.contains(" IN ("), "\(table) still has an IN list")
            }
            // The point of v12: the claim insert (and the event its trigger writes) builds no temporary b-tree.
            let program = try Row.fetchAll(db, sql: "EXPLAIN \(Self.claimColumns) VALUES (1, 'E', 'P', 'x', 'd', 'f', 'g', '1', '1', '1', 1, 'r', 't', '1')")
            #expect(!program.contains { ($0["opcode"] as String?) == "OpenEphemeral" })
        }
        try queue.write { db in
            try db.execute(sql: "\(Self.claimColumns) VALUES (1, 'ENC-2', 'PT-1', 'bcbs-il', '2026-11-02', 'b.x12', 'b.xml', '1', '1', '0002', 100, 'r', 't', '7')")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM claim_event WHERE kind = 'sent'") == 2)
        }
        let refused = [
            "\(Self.claimColumns) VALUES (1, 'ENC-3', 'PT-1', 'bcbs-il', '2026-11-03', 'c.x12', 'c.xml', '1', '1', '0003', 100, 'r', 't', '9')",
            "INSERT INTO claim_event (claim_id, kind, source, recorded_at) VALUES (1, 'lost', '835', 't')",
            "INSERT INTO claim_event (claim_id, kind, source, recorded_at) VALUES (1, 'paid', '820', 't')",
            "INSERT INTO prior_authorization_history (authorization_id, at, \"by\", action, changes) VALUES (1, 't', 'alice', 'deleted', '{}')",
        ]
        for sql in refused {
            #expect(throws: DatabaseError.self, "\(sql)") { try queue.write { try $0.execute(sql: sql) } }
        }
        try queue.close()
        // The store opens normally afterwards and knows every migration as applied.
        let store = try ClaimsStore(path: path, configuration: .init(clock: { Date(timeIntervalSince1970: 1_795_000_000) }))
        #expect(try store.appliedMigrations() == ClaimsStore.migrationIdentifiers)
        #expect(try store.integrityCheck() == ["ok"])
    }

    private static func counts(_ db: Database) throws -> [Int] {
        try ["claim", "claim_event", "prior_authorization", "prior_authorization_history"].map { table in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1
        }
    }
}
