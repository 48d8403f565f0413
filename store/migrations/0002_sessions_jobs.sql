-- Web sign-in sessions (the cookie holds a random id; only its hash is stored) and durable upload jobs.

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    key_id     INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_key ON sessions (key_id);

-- A job is written, with its files spooled to disk, before the upload is answered; a restart resumes it.
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,                  -- 'key:<id>' or 'local'
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled')),
    background  INTEGER NOT NULL DEFAULT 1,     -- 0: the client waits for the answer (cancelled if it leaves)
    created_at  TEXT NOT NULL,
    finished_at TEXT,
    refused     TEXT NOT NULL DEFAULT '[]'      -- JSON results of files refused before spooling
);
CREATE INDEX jobs_status ON jobs (status);

CREATE TABLE job_files (
    job_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    spool   TEXT NOT NULL,                      -- path under PARLENS_DATA_DIR/spool
    size    INTEGER NOT NULL,
    status  TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done')),
    result  TEXT,                               -- JSON outcome once done
    PRIMARY KEY (job_id, seq)
);
