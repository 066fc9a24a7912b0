extension Migrations {
    /// Users and sessions, tests and their technique status, templates,
    /// evidence, notifications, and the append-only audit trail.
    static let workflowSchema = """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            username TEXT NOT NULL,
            username_key TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            roles TEXT NOT NULL,
            disabled INTEGER NOT NULL,
            password_hash TEXT NOT NULL,
            password_changed_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER,
            peer TEXT
        );
        CREATE INDEX sessions_by_user ON sessions (user_id);
        CREATE TABLE tests (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            technique_id TEXT NOT NULL,
            name TEXT NOT NULL,
            procedure TEXT NOT NULL,
            platform TEXT NOT NULL,
            executor TEXT NOT NULL,
            command TEXT NOT NULL,
            expected_detection TEXT NOT NULL,
            assignees TEXT NOT NULL,
            blind INTEGER NOT NULL,
            state TEXT NOT NULL,
            procedure_id TEXT NOT NULL,
            template_id TEXT,
            retest_of TEXT REFERENCES tests (id),
            red_outcome TEXT,
            attack_started_at INTEGER,
            attack_stopped_at INTEGER,
            red_commands TEXT,
            red_notes TEXT,
            red_submitted_at INTEGER,
            red_submitted_by TEXT,
            prevented TEXT,
            alerted INTEGER,
            alert_severity TEXT,
            logged INTEGER,
            detected_at INTEGER,
            detecting_tools TEXT,
            blue_notes TEXT,
            blue_submitted_at INTEGER,
            blue_submitted_by TEXT,
            outcome TEXT,
            red_approved_by TEXT,
            red_approved_at INTEGER,
            blue_approved_by TEXT,
            blue_approved_at INTEGER,
            rejected_side TEXT,
            rejected_reason TEXT,
            rejected_by TEXT,
            rejected_at INTEGER,
            started_at INTEGER,
            running_since INTEGER,
            active_seconds REAL NOT NULL,
            validated_at INTEGER,
            cancelled_at INTEGER,
            cancel_reason TEXT,
            reopen_reason TEXT,
            remediation_owner TEXT,
            remediation_due_at INTEGER,
            remediated_at INTEGER,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX tests_by_technique ON tests (technique_id, procedure_id);
        CREATE INDEX tests_by_update ON tests (updated_at, id);
        CREATE INDEX tests_by_state ON tests (state, updated_at);
        CREATE INDEX tests_by_retest ON tests (retest_of);
        CREATE TABLE test_assignees (
            test_id TEXT NOT NULL REFERENCES tests (id),
            user_id TEXT NOT NULL,
            PRIMARY KEY (user_id, test_id)
        );
        CREATE INDEX tests_by_procedure ON tests (procedure_id, state, validated_at);
        CREATE TABLE procedure_coverage (
            procedure_id TEXT PRIMARY KEY,
            technique_id TEXT NOT NULL,
            outcome TEXT
        );
        CREATE TABLE technique_outcome_counts (
            technique_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            procedures INTEGER NOT NULL,
            PRIMARY KEY (technique_id, outcome)
        );
        CREATE TABLE technique_status (
            technique_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE templates (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            source_format TEXT NOT NULL,
            source_id TEXT,
            source_file TEXT,
            technique_id TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            executors TEXT NOT NULL,
            inputs TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX templates_by_source ON templates (source_format, source_id) WHERE source_id IS NOT NULL;
        CREATE INDEX templates_by_technique ON templates (technique_id);
        CREATE TABLE evidence (
            id TEXT PRIMARY KEY,
            test_id TEXT NOT NULL REFERENCES tests (id),
            side TEXT NOT NULL,
            caption TEXT NOT NULL,
            filename TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            uploaded_at INTEGER NOT NULL
        );
        CREATE INDEX evidence_by_test ON evidence (test_id);
        CREATE INDEX evidence_by_blob ON evidence (sha256);
        CREATE TABLE notifications (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            test_id TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            read_at INTEGER
        );
        CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            entity_kind TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            changes TEXT NOT NULL,
            request_id TEXT,
            peer TEXT
        );
        CREATE INDEX audit_by_entity ON audit (entity_kind, entity_id, id);
        CREATE INDEX audit_by_actor ON audit (actor, id);
        CREATE INDEX audit_login_failures ON audit (entity_id, at) WHERE action = 'auth.login_failed';
        CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        """
}
