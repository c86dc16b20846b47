import GRDB

/// Migration v11: the prior-authorization requests sent to payers (X12 278, Da Vinci PAS) and the
/// answers imported for them (docs/prior-auth-requests.md). Append-only, like the authorization history.
enum AuthorizationRequestSchema {
    static let tables = ["authorization_request", "authorization_response"]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-authorization-requests") { db in
            try db.execute(sql: """
                -- One row per request written; `trace` is what the answer quotes back (278 TRN02 of the
                -- patient event, PAS Claim.identifier), unique across formats.
                CREATE TABLE authorization_request (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    authorization_id INTEGER NOT NULL REFERENCES prior_authorization (id),
                    format TEXT NOT NULL CHECK (format IN ('x12', 'fhir')),
                    trace TEXT NOT NULL UNIQUE,
                    file TEXT NOT NULL,
                    encounter_id TEXT,                  -- the encounter the clinical facts came from
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL
                );
                -- One row per answer applied; `identity` (the trace and the decision's content) makes
                -- the same answer, in this file or another, count once.
                CREATE TABLE authorization_response (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id INTEGER NOT NULL REFERENCES authorization_request (id),
                    identity TEXT NOT NULL UNIQUE,
                    outcome TEXT NOT NULL CHECK (outcome IN ('certified', 'denied', 'pended', 'modified')),
                    auth_number TEXT,
                    units INTEGER,
                    start TEXT,
                    "end" TEXT,
                    file TEXT NOT NULL,
                    imported_at TEXT NOT NULL
                );
                CREATE TRIGGER authorization_request_is_append_only BEFORE UPDATE ON authorization_request
                    BEGIN SELECT RAISE(ABORT, 'authorization_request rows never change'); END;
                CREATE TRIGGER authorization_request_is_never_deleted BEFORE DELETE ON authorization_request
                    BEGIN SELECT RAISE(ABORT, 'authorization_request rows are never deleted'); END;
                CREATE TRIGGER authorization_response_is_append_only BEFORE UPDATE ON authorization_response
                    BEGIN SELECT RAISE(ABORT, 'authorization_response rows never change'); END;
                CREATE TRIGGER authorization_response_is_never_deleted BEFORE DELETE ON authorization_response
                    BEGIN SELECT RAISE(ABORT, 'authorization_response rows are never deleted'); END;
                """)
        }
    }
}
