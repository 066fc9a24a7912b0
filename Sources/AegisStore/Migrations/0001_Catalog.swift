extension Migrations {
    /// The ATT&CK catalog. List columns hold `StringList`s; the link tables
    /// carry the domain whose import wrote them, so re-importing one domain
    /// replaces only its own links.
    static let catalogSchema = """
        CREATE TABLE catalog_domains (
            domain TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            modified INTEGER,
            imported_at INTEGER NOT NULL,
            source_format TEXT NOT NULL,
            source_files TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            counts TEXT NOT NULL
        );
        CREATE TABLE tactics (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            domain TEXT NOT NULL,
            shortname TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            position INTEGER NOT NULL,
            url TEXT NOT NULL
        );
        CREATE INDEX tactics_by_domain ON tactics (domain, position);
        CREATE TABLE techniques (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            tactics TEXT NOT NULL,
            platforms TEXT NOT NULL,
            domains TEXT NOT NULL,
            is_subtechnique INTEGER NOT NULL,
            parent_id TEXT,
            subtechnique_ids TEXT NOT NULL,
            mitigation_ids TEXT NOT NULL,
            detection_strategy_ids TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL,
            revoked_by TEXT,
            url TEXT NOT NULL,
            created INTEGER,
            modified INTEGER
        );
        CREATE TABLE technique_tactics (
            technique_id TEXT NOT NULL REFERENCES techniques (id),
            domain TEXT NOT NULL,
            shortname TEXT NOT NULL,
            PRIMARY KEY (technique_id, domain, shortname)
        );
        CREATE INDEX technique_tactics_by_shortname ON technique_tactics (shortname, technique_id);
        CREATE TABLE technique_platforms (
            technique_id TEXT NOT NULL REFERENCES techniques (id),
            platform TEXT NOT NULL,
            PRIMARY KEY (technique_id, platform)
        );
        CREATE INDEX technique_platforms_by_platform ON technique_platforms (platform COLLATE NOCASE, technique_id);
        CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            aliases TEXT NOT NULL,
            technique_ids TEXT NOT NULL,
            domains TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL,
            revoked_by TEXT,
            url TEXT NOT NULL,
            first_seen INTEGER,
            last_seen INTEGER
        );
        CREATE TABLE actor_techniques (
            actor_id TEXT NOT NULL REFERENCES actors (id),
            technique_id TEXT NOT NULL REFERENCES techniques (id),
            domain TEXT NOT NULL,
            PRIMARY KEY (actor_id, domain, technique_id)
        );
        CREATE INDEX actor_techniques_by_technique ON actor_techniques (technique_id);
        CREATE TABLE mitigations (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            technique_ids TEXT NOT NULL,
            domains TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL,
            url TEXT NOT NULL
        );
        CREATE TABLE detection_strategies (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            technique_ids TEXT NOT NULL,
            analytic_ids TEXT NOT NULL,
            domains TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL,
            url TEXT NOT NULL
        );
        CREATE TABLE analytics (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            platforms TEXT NOT NULL,
            log_sources TEXT NOT NULL,
            domains TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL
        );
        CREATE TABLE data_components (
            id TEXT PRIMARY KEY,
            stix_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            domains TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            deprecated INTEGER NOT NULL
        );
        CREATE TABLE detection_links (
            technique_id TEXT NOT NULL,
            strategy_id TEXT NOT NULL,
            analytic_id TEXT NOT NULL,
            data_component_id TEXT NOT NULL,
            domain TEXT NOT NULL,
            PRIMARY KEY (technique_id, strategy_id, analytic_id, data_component_id)
        );
        CREATE INDEX detection_links_by_component ON detection_links (data_component_id);
        """
}
