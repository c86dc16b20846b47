import GRDB

/// Migration v9: corrected, voided and secondary claims (CONTRACT §9, docs/corrections.md).
///
/// - `claim` gains what kind of claim it is: `frequency` (CLM05-3: 1 original, 7 replacement, 8 void),
///   `coverage` (primary or secondary payer), the claim a replacement or void `replaces`, the primary
///   claim a secondary claim `follows`, the payer claim number it sent (REF*F8) and the intent it carries.
/// - `billed_line` is keyed by claim and line: a replacement, a void, a resent rejected claim and a
///   secondary claim each carry their own lines. An encounter's line is still on one *original* claim
///   only (a trigger), unless that claim was rejected (POLICY §5.1: fixed and sent again as an original).
/// - `claim_intent`: `claims correct` / `claims void` requests (who, why, the payer's claim number),
///   consumed exactly once by the claim that carries it (a trigger in the batch's own transaction).
/// - `claim_payment.crossover_carrier`: the 835's NM1*TT (Medicare crossed the claim over).
enum CorrectionSchema {
    static let tables = ["claim_intent"]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-claim-corrections") { db in
            try db.execute(sql: """
                CREATE TABLE claim_intent (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    encounter_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('correct', 'void')),
                    claim_id INTEGER NOT NULL REFERENCES claim(id),   -- the claim to replace or void
                    payer_claim_number TEXT NOT NULL,                 -- sent in REF*F8
                    reason TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    sent_claim_id INTEGER REFERENCES claim(id)        -- the claim that carried it; NULL while pending
                );
                CREATE UNIQUE INDEX claim_intent_one_pending ON claim_intent(encounter_id) WHERE sent_claim_id IS NULL;
                CREATE TRIGGER claim_intent_only_sent_changes BEFORE UPDATE ON claim_intent
                    WHEN OLD.sent_claim_id IS NOT NULL OR NEW.id <> OLD.id OR NEW.encounter_id <> OLD.encounter_id OR NEW.kind <> OLD.kind
                        OR NEW.claim_id <> OLD.claim_id OR NEW.reason <> OLD.reason OR NEW.requested_by <> OLD.requested_by
                        OR NEW.payer_claim_number <> OLD.payer_claim_number OR NEW.recorded_at <> OLD.recorded_at
                    BEGIN SELECT RAISE(ABORT, 'a claim intent is recorded once and sent once'); END;
                CREATE TRIGGER claim_intent_is_never_deleted BEFORE DELETE ON claim_intent
                    BEGIN SELECT RAISE(ABORT, 'claim_intent rows are never deleted'); END;

                ALTER TABLE claim ADD COLUMN frequency TEXT NOT NULL DEFAULT '1' CHECK (frequency IN ('1', '7', '8'));
                ALTER TABLE claim ADD COLUMN coverage TEXT NOT NULL DEFAULT 'primary' CHECK (coverage IN ('primary', 'secondary'));
                ALTER TABLE claim ADD COLUMN replaces_claim_id INTEGER REFERENCES claim(id);
                ALTER TABLE claim ADD COLUMN follows_claim_id INTEGER REFERENCES claim(id);
                ALTER TABLE claim ADD COLUMN payer_claim_number TEXT;
                ALTER TABLE claim ADD COLUMN intent_id INTEGER REFERENCES claim_intent(id);
                CREATE INDEX claim_by_follows ON claim(follows_claim_id);

                -- An intent is carried by one claim: a second claim for it rolls its whole run back.
                CREATE TRIGGER claim_intent_sent_once BEFORE INSERT ON claim
                    WHEN NEW.intent_id IS NOT NULL AND (SELECT sent_claim_id FROM claim_intent WHERE id = NEW.intent_id) IS NOT NULL
                    BEGIN SELECT RAISE(ABORT, 'claim_intent: this correction or void was sent already'); END;
                CREATE TRIGGER claim_intent_sent AFTER INSERT ON claim WHEN NEW.intent_id IS NOT NULL BEGIN
                    UPDATE claim_intent SET sent_claim_id = NEW.id WHERE id = NEW.intent_id;
                    INSERT INTO claim_event (claim_id, kind, source, date, message, recorded_at)
                    VALUES (NEW.replaces_claim_id, CASE NEW.frequency WHEN '7' THEN 'corrected' ELSE 'void' END, '837P',
                            substr(NEW.created_at, 1, 10),
                            CASE NEW.frequency WHEN '7' THEN 'replaced by claim ' ELSE 'voided by claim ' END || NEW.id || ' in ' || NEW.x12_file,
                            NEW.created_at);
                END;

                CREATE TABLE billed_line_v9 (
                    encounter_id TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    claim_id INTEGER NOT NULL REFERENCES claim(id),
                    code TEXT NOT NULL,
                    charge_cents INTEGER NOT NULL,
                    units TEXT,
                    PRIMARY KEY (claim_id, line)
                );
                INSERT INTO billed_line_v9 (encounter_id, line, claim_id, code, charge_cents, units)
                    SELECT encounter_id, line, claim_id, code, charge_cents, units FROM billed_line;
                DROP TABLE billed_line;
                ALTER TABLE billed_line_v9 RENAME TO billed_line;
                CREATE INDEX billed_line_by_encounter ON billed_line(encounter_id, line);
                -- A service line is on one original claim to the primary payer; only a rejected one (its
                -- latest response is a rejection) may be followed by another original.
                CREATE TRIGGER billed_line_original_once BEFORE INSERT ON billed_line
                    WHEN (SELECT frequency = '1' AND coverage = 'primary' FROM claim WHERE id = NEW.claim_id)
                     AND EXISTS (SELECT 1 FROM billed_line b JOIN claim c ON c.id = b.claim_id
                                 WHERE b.encounter_id = NEW.encounter_id AND b.line = NEW.line AND b.claim_id <> NEW.claim_id
                                   AND c.coverage = 'primary'
                                   AND COALESCE((SELECT e.kind FROM claim_event e WHERE e.claim_id = c.id AND e.kind <> 'sent'
                                                 ORDER BY e.id DESC LIMIT 1), '') <> 'rejected')
                    BEGIN SELECT RAISE(ABORT, 'billed_line: this line of the encounter is on a claim already'); END;

                ALTER TABLE claim_payment ADD COLUMN crossover_carrier TEXT;
                """)
        }
    }
}
