import GRDB

/// The schema, as an append-only list of migrations written in SQL terms.
/// Never edit or reorder a migration that has shipped: add a new one at the end.
enum StoreSchema {
    static let tables = ["prior_authorization", "prior_authorization_history", "authorization_use", "control_number"]

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-prior-authorizations") { db in
            try db.execute(sql: """
                CREATE TABLE prior_authorization (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: an id is never handed out twice
                    patient_id TEXT NOT NULL,
                    payer TEXT NOT NULL,
                    service TEXT NOT NULL,
                    status TEXT NOT NULL
                        CHECK (status IN ('submitted', 'pending', 'approved', 'denied', 'appealed', 'cancelled')),
                    auth_number TEXT,
                    units INTEGER CHECK (units IS NULL OR (typeof(units) = 'integer' AND units >= 0)),
                    start TEXT CHECK (start IS NULL OR start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    "end" TEXT CHECK ("end" IS NULL OR "end" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    note TEXT,
                    submitted_on TEXT
                        CHECK (submitted_on IS NULL OR submitted_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    CHECK (start IS NULL OR "end" IS NULL OR start <= "end")
                );
                CREATE INDEX prior_authorization_by_patient ON prior_authorization (patient_id, payer, service);
                CREATE INDEX prior_authorization_by_auth_number ON prior_authorization (auth_number);

                -- The audit trail: one row per change, written in the change's transaction.
                CREATE TABLE prior_authorization_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    authorization_id INTEGER NOT NULL REFERENCES prior_authorization (id),
                    at TEXT NOT NULL,
                    "by" TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'used')),
                    changes TEXT NOT NULL CHECK (json_valid(changes))  -- {"field": {"from": …, "to": …}}
                );
                CREATE INDEX prior_authorization_history_by_authorization
                    ON prior_authorization_history (authorization_id);

                -- One unit per billed encounter; units used = number of rows.
                CREATE TABLE authorization_use (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    authorization_id INTEGER NOT NULL REFERENCES prior_authorization (id),
                    encounter_id TEXT NOT NULL,
                    date_of_service TEXT NOT NULL
                        CHECK (date_of_service GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    recorded_at TEXT NOT NULL,
                    UNIQUE (authorization_id, encounter_id)
                );

                -- Audit rows and uses are never rewritten; authorizations are never deleted (cancel them).
                CREATE TRIGGER prior_authorization_history_is_append_only_update
                    BEFORE UPDATE ON prior_authorization_history
                    BEGIN SELECT RAISE(ABORT, 'prior_authorization_history rows are append-only'); END;
                CREATE TRIGGER prior_authorization_history_is_append_only_delete
                    BEFORE DELETE ON prior_authorization_history
                    BEGIN SELECT RAISE(ABORT, 'prior_authorization_history rows are append-only'); END;
                CREATE TRIGGER authorization_use_is_append_only_update
                    BEFORE UPDATE ON authorization_use
                    BEGIN SELECT RAISE(ABORT, 'authorization_use rows are append-only'); END;
                CREATE TRIGGER prior_authorization_is_never_deleted
                    BEFORE DELETE ON prior_authorization
                    BEGIN SELECT RAISE(ABORT, 'prior authorizations are never deleted; set the status to cancelled'); END;
                """)
        }
        migrator.registerMigration("v2-control-numbers") { db in
            try db.execute(sql: """
                -- Counters for interchange/group/transaction control numbers: name → last value handed out.
                CREATE TABLE control_number (
                    name TEXT PRIMARY KEY NOT NULL,
                    last_value INTEGER NOT NULL CHECK (typeof(last_value) = 'integer' AND last_value >= 0)
                );
                """)
        }
        return migrator
    }()
}
