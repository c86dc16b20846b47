import GRDB

/// Migration v6: what payers and clearinghouses send back (999, 277CA, 835) and each claim's status
/// history. Append-only like the rest of the schema; the rows of an imported file are never rewritten.
enum ResponseSchema {
    static let tables = ["response_file", "response_transaction", "claim_event", "claim_payment", "line_payment",
                         "payment_adjustment", "payment_remark", "provider_adjustment", "unmatched_response"]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-payer-responses") { db in
            try db.execute(sql: """
                -- One row per imported file (by content hash: the same bytes are never imported twice).
                CREATE TABLE response_file (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    content_hash TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    imported_at TEXT NOT NULL
                );
                -- One row per transaction set; identity says what makes it the same transaction in
                -- another file (835: payer + TRN02 trace; 999/277CA: sender + a hash of ST…SE).
                CREATE TABLE response_transaction (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file_id INTEGER NOT NULL REFERENCES response_file(id),
                    kind TEXT NOT NULL CHECK (kind IN ('999', '277CA', '835')),
                    identity TEXT NOT NULL UNIQUE,
                    sender TEXT NOT NULL,
                    isa13 TEXT NOT NULL,
                    gs06 TEXT NOT NULL,
                    st02 TEXT NOT NULL,
                    reference TEXT,                 -- 999: the GS06 acknowledged; 835: the TRN02 trace number
                    amount_cents INTEGER,           -- 835: BPR02
                    date TEXT                       -- 835: BPR16 (payment date)
                );
                -- A claim's history; its status is the latest event that changes it.
                CREATE TABLE claim_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    claim_id INTEGER NOT NULL REFERENCES claim(id),
                    kind TEXT NOT NULL CHECK (kind IN ('sent', 'accepted', 'rejected', 'paid', 'partially-paid', 'denied',
                                                       'reversed', 'corrected', 'void')),
                    source TEXT NOT NULL CHECK (source IN ('837P', '999', '277CA', '835')),
                    transaction_id INTEGER REFERENCES response_transaction(id),
                    date TEXT,
                    message TEXT,
                    recorded_at TEXT NOT NULL
                );
                CREATE INDEX claim_event_by_claim ON claim_event(claim_id);
                -- 'sent' is written with the claim itself (same transaction as the batch), and for claims recorded before v6.
                CREATE TRIGGER claim_event_sent AFTER INSERT ON claim BEGIN
                    INSERT INTO claim_event (claim_id, kind, source, date, message, recorded_at)
                    VALUES (NEW.id, 'sent', '837P', substr(NEW.created_at, 1, 10), NEW.x12_file, NEW.created_at);
                END;
                INSERT INTO claim_event (claim_id, kind, source, date, message, recorded_at)
                    SELECT id, 'sent', '837P', substr(created_at, 1, 10), x12_file, created_at FROM claim ORDER BY id;

                -- 835 claims (2100). claim_id NULL: no claim of ours matched CLP01; kept and reported.
                CREATE TABLE claim_payment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    transaction_id INTEGER NOT NULL REFERENCES response_transaction(id),
                    claim_id INTEGER REFERENCES claim(id),
                    patient_control_number TEXT NOT NULL,
                    status_code TEXT NOT NULL,
                    charge_cents INTEGER NOT NULL,
                    paid_cents INTEGER NOT NULL,
                    patient_responsibility_cents INTEGER,
                    payer_claim_number TEXT,
                    frequency TEXT,
                    segment INTEGER NOT NULL
                );
                CREATE INDEX claim_payment_by_claim ON claim_payment(claim_id);
                -- 835 service lines (2110). line NULL: matched to no billed line; kept and reported.
                CREATE TABLE line_payment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    claim_payment_id INTEGER NOT NULL REFERENCES claim_payment(id),
                    line INTEGER,
                    matched_by TEXT CHECK (matched_by IS NULL OR matched_by IN ('control-number', 'code-and-date')),
                    control_number TEXT,
                    procedure_code TEXT NOT NULL,
                    modifiers TEXT NOT NULL,
                    service_date TEXT,
                    charge_cents INTEGER NOT NULL,
                    paid_cents INTEGER NOT NULL,
                    units TEXT
                );
                CREATE INDEX line_payment_by_claim_payment ON line_payment(claim_payment_id);
                -- CAS: line_payment_id NULL for a claim-level adjustment.
                CREATE TABLE payment_adjustment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    claim_payment_id INTEGER NOT NULL REFERENCES claim_payment(id),
                    line_payment_id INTEGER REFERENCES line_payment(id),
                    group_code TEXT NOT NULL CHECK (group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')),
                    reason TEXT NOT NULL,
                    amount_cents INTEGER NOT NULL,
                    quantity TEXT
                );
                CREATE INDEX payment_adjustment_by_claim_payment ON payment_adjustment(claim_payment_id);
                -- RARC: MOA (claim) and LQ*HE (line).
                CREATE TABLE payment_remark (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    claim_payment_id INTEGER NOT NULL REFERENCES claim_payment(id),
                    line_payment_id INTEGER REFERENCES line_payment(id),
                    code TEXT NOT NULL
                );
                CREATE INDEX payment_remark_by_claim_payment ON payment_remark(claim_payment_id);
                -- PLB: provider-level adjustments (a positive amount reduces the payment).
                CREATE TABLE provider_adjustment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    transaction_id INTEGER NOT NULL REFERENCES response_transaction(id),
                    provider TEXT NOT NULL,
                    fiscal_date TEXT,
                    reason TEXT NOT NULL,
                    reference TEXT,
                    amount_cents INTEGER NOT NULL
                );
                -- 999 groups/transactions and 277CA claims that match nothing we sent: kept and reported.
                CREATE TABLE unmatched_response (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    transaction_id INTEGER NOT NULL REFERENCES response_transaction(id),
                    reference TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                """)
            try appendOnly(tables, db)
        }
    }

    /// Triggers that refuse every UPDATE and DELETE of these tables (shared by later migrations).
    static func appendOnly(_ tables: [String], _ db: Database) throws {
        for table in tables {
            try db.execute(sql: """
                CREATE TRIGGER \(table)_is_append_only_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
                CREATE TRIGGER \(table)_is_append_only_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
                """)
        }
    }
}
