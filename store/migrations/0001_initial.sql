-- parlens store, schema version 1. The store is the system of record; the search index is rebuilt from it.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Original file bytes, content-addressed.
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE REFERENCES files(sha256),
    source_name   TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    title         TEXT,
    doc_type      TEXT,
    number        TEXT,
    issuer        TEXT,
    issuer_parent TEXT,
    issuer_code   TEXT,
    place         TEXT,
    issued_on     TEXT,            -- YYYY-MM-DD
    subject       TEXT,
    recipients    TEXT NOT NULL DEFAULT '[]',   -- JSON list
    signer        TEXT,
    signer_title  TEXT,
    publisher     TEXT,
    source_url    TEXT,
    province      TEXT,
    text          TEXT NOT NULL,   -- the one normalised text all offsets index
    pages         TEXT NOT NULL DEFAULT '[]',   -- JSON list of PageInfo
    headers       TEXT NOT NULL DEFAULT '[]',   -- JSON list of page headers/footers
    warnings      TEXT NOT NULL DEFAULT '[]',   -- JSON list
    ingested_at   TEXT NOT NULL
);
CREATE INDEX documents_type ON documents(doc_type);
CREATE INDEX documents_issued ON documents(issued_on);

CREATE TABLE blocks (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('heading', 'paragraph', 'list_item', 'table')),
    text        TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    page        INTEGER,
    level       INTEGER NOT NULL DEFAULT 0,
    numbering   TEXT,
    rows        TEXT,              -- JSON: list of rows of cells {text,start,end,row_span,col_span}
    style       TEXT,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    agency        TEXT NOT NULL,
    agency_id     TEXT,
    agency_name   TEXT,
    role          TEXT NOT NULL CHECK (role IN ('lead', 'support')),
    task          TEXT NOT NULL,
    deadline_text TEXT,
    due           TEXT,            -- YYYY-MM-DD
    recurrence    TEXT NOT NULL DEFAULT '[]',   -- JSON list of RRULE values
    within        TEXT,            -- ISO 8601 duration
    working_time  INTEGER NOT NULL DEFAULT 0,
    deadline_start INTEGER,        -- offsets of the deadline phrase in documents.text
    deadline_end   INTEGER,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    page          INTEGER,
    rule          TEXT NOT NULL DEFAULT '',
    UNIQUE (document_id, seq)
);
CREATE INDEX tasks_document ON tasks(document_id);
CREATE INDEX tasks_agency ON tasks(agency_id);
CREATE INDEX tasks_due ON tasks(due);

CREATE TABLE task_criteria (
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    score       REAL NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, code)
);
CREATE INDEX task_criteria_code ON task_criteria(code);

CREATE TABLE document_criteria (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    score       REAL NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, code)
);

-- Every change to a document (ingest, re-extraction, deletion) gets a sequence number; the search
-- index records the last one it applied and catches up from there.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    at          TEXT NOT NULL
);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    prefix     TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
