import GRDB

/// Migration v10: eligibility inquiries we sent (270) and the answers that came back (271, or a 999
/// rejecting a 270), with history: every answer is a new row, never rewritten (docs/eligibility.md).
enum EligibilitySchema {
    static let tables = ["eligibility_request", "eligibility_inquiry", "eligibility_file", "eligibility_answer"]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-eligibility") { db in
            try db.execute(sql: """
                -- One row per 270 interchange written (one per payer and run).
                CREATE TABLE eligibility_request (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    payer TEXT NOT NULL,
                    file TEXT NOT NULL,
                    isa13 TEXT NOT NULL,
                    gs06 TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                -- One subscriber inquiry (patient × payer × date of service), in its own transaction set (st02);
                -- the 271 echoes trace_number (TRN02, also BHT03).
                CREATE TABLE eligibility_inquiry (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id INTEGER NOT NULL REFERENCES eligibility_request(id),
                    st02 TEXT NOT NULL,
                    trace_number TEXT NOT NULL UNIQUE,
                    patient_id TEXT NOT NULL,
                    payer TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    date_of_service TEXT NOT NULL CHECK (date_of_service GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    service_types TEXT NOT NULL,
                    encounter_id TEXT NOT NULL
                );
                CREATE INDEX eligibility_inquiry_by_patient ON eligibility_inquiry (patient_id, payer);
                -- One row per imported file (by content hash: the same bytes are never imported twice).
                CREATE TABLE eligibility_file (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    content_hash TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    imported_at TEXT NOT NULL
                );
                -- One answer per inquiry answered; inquiry_id NULL = matched no inquiry of ours (kept, reported).
                -- identity: what makes it the same answer in another file (sender, kind, trace, content hash).
                CREATE TABLE eligibility_answer (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file_id INTEGER NOT NULL REFERENCES eligibility_file(id),
                    inquiry_id INTEGER REFERENCES eligibility_inquiry(id),
                    kind TEXT NOT NULL CHECK (kind IN ('271', '999')),
                    identity TEXT NOT NULL UNIQUE,
                    trace_number TEXT,
                    patient_id TEXT,
                    payer TEXT,
                    date_of_service TEXT,
                    checked TEXT NOT NULL CHECK (checked GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'error')),
                    unmatched_reason TEXT,
                    answer TEXT NOT NULL CHECK (json_valid(answer)),
                    recorded_at TEXT NOT NULL,
                    CHECK ((inquiry_id IS NULL) = (unmatched_reason IS NOT NULL))
                );
                CREATE INDEX eligibility_answer_by_patient ON eligibility_answer (patient_id, payer);
                """)
            try ResponseSchema.appendOnly(tables, db)
        }
    }
}
