import GRDB

/// Migration v8: the Good Faith Estimates given to uninsured and self-pay patients (45 CFR 149.610),
/// so a later bill can be compared with them (`claims batch`, warning `estimate/exceeded`) and the
/// checklist can say an estimate was given. An estimate given again on the same day (same number)
/// replaces its items; estimates are never deleted.
enum EstimateSchema {
    static let tables = ["good_faith_estimate", "estimate_item"]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-estimates") { db in
            try db.execute(sql: """
                CREATE TABLE good_faith_estimate (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    number TEXT NOT NULL UNIQUE,          -- GFE-<patient id>-<YYYYMMDD>
                    patient_id TEXT NOT NULL,
                    issued TEXT NOT NULL CHECK (issued GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    total_cents INTEGER NOT NULL,
                    html_file TEXT NOT NULL,
                    pdf_file TEXT,
                    recorded_at TEXT NOT NULL
                );
                CREATE INDEX good_faith_estimate_by_patient ON good_faith_estimate (patient_id, issued);
                CREATE TRIGGER good_faith_estimate_is_never_deleted BEFORE DELETE ON good_faith_estimate
                    BEGIN SELECT RAISE(ABORT, 'good_faith_estimate rows are never deleted'); END;

                -- One row per expected item (a scheduled service line).
                CREATE TABLE estimate_item (
                    estimate_id INTEGER NOT NULL REFERENCES good_faith_estimate (id),
                    encounter_id TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    date_of_service TEXT NOT NULL
                        CHECK (date_of_service GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    code TEXT NOT NULL,
                    units TEXT NOT NULL,
                    charge_cents INTEGER NOT NULL,
                    PRIMARY KEY (estimate_id, encounter_id, line)
                );
                """)
        }
    }
}
