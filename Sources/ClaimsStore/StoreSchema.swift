import GRDB

/// The schema, as an append-only list of migrations written in SQL terms.
/// Never edit or reorder a migration that has shipped: add a new one at the end.
enum StoreSchema {
    static let tables = ["prior_authorization", "prior_authorization_history", "authorization_use", "control_number",
                         "batch_run", "claim", "billed_line", "encounter", "superbill", "rule_version", "rule_change_refusal", "rule_install"]
        + ResponseSchema.tables + EstimateSchema.tables + CorrectionSchema.tables + EligibilitySchema.tables + AuthorizationRequestSchema.tables

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
        migrator.registerMigration("v3-batch-runs") { db in
            try db.execute(sql: """
                -- A batch run: 'prepared' once its claims are recorded and its files are ready in the work
                -- directory; 'committed' once every file is in place. plan = the file moves (JSON).
                CREATE TABLE batch_run (
                    number INTEGER PRIMARY KEY NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('prepared', 'committed')),
                    output_directory TEXT NOT NULL,
                    plan TEXT NOT NULL,
                    prepared_at TEXT NOT NULL,
                    committed_at TEXT
                );
                CREATE TABLE claim (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run INTEGER NOT NULL REFERENCES batch_run(number),
                    encounter_id TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    payer TEXT NOT NULL,
                    date_of_service TEXT NOT NULL,
                    x12_file TEXT NOT NULL,
                    fhir_file TEXT NOT NULL,
                    isa13 TEXT NOT NULL,
                    gs06 TEXT NOT NULL,
                    st02 TEXT NOT NULL,
                    total_cents INTEGER NOT NULL,
                    auth_number TEXT,
                    rule_version TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX claim_by_encounter ON claim(encounter_id);
                -- A service line is billed once: the primary key makes a second claim for it impossible.
                CREATE TABLE billed_line (
                    encounter_id TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    claim_id INTEGER NOT NULL REFERENCES claim(id),
                    code TEXT NOT NULL,
                    charge_cents INTEGER NOT NULL,
                    PRIMARY KEY (encounter_id, line)
                );
                -- The last version of every valid encounter a batch read (JSON), so a rule change can be
                -- previewed against recent history.
                CREATE TABLE encounter (
                    id TEXT PRIMARY KEY NOT NULL,
                    date_of_service TEXT NOT NULL,
                    payer TEXT NOT NULL,
                    record TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX encounter_by_date ON encounter(date_of_service);
                CREATE TABLE superbill (
                    encounter_id TEXT PRIMARY KEY NOT NULL,
                    run INTEGER NOT NULL REFERENCES batch_run(number),
                    file TEXT NOT NULL,
                    total_cents INTEGER NOT NULL,
                    balance_due_cents INTEGER NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-rule-versions") { db in
            try db.execute(sql: """
                -- Every version of a payer rule file an admin applied (or rolled back to), with its full text.
                CREATE TABLE rule_version (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    slug TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    content TEXT NOT NULL,
                    author TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    applied_at TEXT NOT NULL,
                    diff TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('apply', 'rollback', 'baseline')),
                    UNIQUE (slug, version)
                );
                -- Refused attempts to change rules (who, when, what).
                CREATE TABLE rule_change_refusal (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    slug TEXT NOT NULL,
                    attempted_by TEXT NOT NULL,
                    attempted_at TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE TRIGGER rule_version_is_append_only_update BEFORE UPDATE ON rule_version
                    BEGIN SELECT RAISE(ABORT, 'rule_version rows are append-only'); END;
                CREATE TRIGGER rule_version_is_append_only_delete BEFORE DELETE ON rule_version
                    BEGIN SELECT RAISE(ABORT, 'rule_version rows are append-only'); END;
                """)
        }
        migrator.registerMigration("v5-rule-installs") { db in
            try db.execute(sql: """
                -- A rule update in flight: recorded as 'pending' before the file is installed, then
                -- 'installed' (its rule_version row is written in the same transaction) or 'abandoned'
                -- (the file never got installed; the next command that loads rules decides, by hash).
                CREATE TABLE rule_install (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    slug TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'installed', 'abandoned')),
                    content_hash TEXT NOT NULL,
                    content TEXT NOT NULL,
                    previous_hash TEXT,
                    previous_content TEXT,
                    author TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    diff TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('apply', 'rollback')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    version INTEGER,          -- the rule_version it became ('installed')
                    note TEXT                 -- how it ended (e.g. recovered after an interruption)
                );
                -- One update per file at a time.
                CREATE UNIQUE INDEX rule_install_one_pending_per_file ON rule_install (slug) WHERE status = 'pending';
                -- Only a pending row may change (to its outcome); rows are never deleted.
                CREATE TRIGGER rule_install_outcome_is_final BEFORE UPDATE ON rule_install
                    WHEN OLD.status <> 'pending'
                    BEGIN SELECT RAISE(ABORT, 'a finished rule_install row cannot change'); END;
                CREATE TRIGGER rule_install_is_never_deleted BEFORE DELETE ON rule_install
                    BEGIN SELECT RAISE(ABORT, 'rule_install rows are never deleted'); END;
                """)
        }
        ResponseSchema.register(in: &migrator)
        migrator.registerMigration("v7-billed-units") { db in
            try db.execute(sql: """
                -- The units each billed line carried (decimal text), so a units-per-day limit counts a
                -- patient's claims of earlier runs (POLICY §5.2). NULL on lines billed before: one unit.
                ALTER TABLE billed_line ADD COLUMN units TEXT;
                CREATE INDEX claim_by_patient_and_date ON claim (patient_id, date_of_service);
                """)
        }
        EstimateSchema.register(in: &migrator)
        CorrectionSchema.register(in: &migrator)
        EligibilitySchema.register(in: &migrator)
        AuthorizationRequestSchema.register(in: &migrator)
        CheckListSchema.register(in: &migrator)
        return migrator
    }()
}
