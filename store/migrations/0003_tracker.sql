-- Task tracking: status per task and per occurrence of a recurring duty, human corrections with their
-- history, tombstones for deleted machine tasks (so re-extraction does not bring them back), and evidence.

ALTER TABLE tasks ADD COLUMN status TEXT NOT NULL DEFAULT 'chua_thuc_hien'
    CHECK (status IN ('chua_thuc_hien', 'dang_thuc_hien', 'hoan_thanh'));
ALTER TABLE tasks ADD COLUMN completed_on TEXT;            -- YYYY-MM-DD
ALTER TABLE tasks ADD COLUMN assignee TEXT;                -- a person's name or a unit, free text
ALTER TABLE tasks ADD COLUMN note TEXT;
ALTER TABLE tasks ADD COLUMN origin TEXT NOT NULL DEFAULT 'machine' CHECK (origin IN ('machine', 'human'));
ALTER TABLE tasks ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;   -- a person corrected agency/role/task/deadline/criteria
ALTER TABLE tasks ADD COLUMN machine_key TEXT;             -- start:end:role:agency as first extracted (re-extraction matches on it)
ALTER TABLE tasks ADD COLUMN deleted_at TEXT;              -- a person deleted it; kept as a tombstone
ALTER TABLE tasks ADD COLUMN updated_at TEXT;
UPDATE tasks SET machine_key = start || ':' || "end" || ':' || role || ':' || agency;
CREATE INDEX tasks_machine_key ON tasks(document_id, machine_key);
CREATE INDEX tasks_status ON tasks(status);

-- One row per occurrence of a recurring duty that someone gave a status.
CREATE TABLE task_occurrences (
    task_id      INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    due          TEXT NOT NULL,                 -- YYYY-MM-DD: the occurrence
    status       TEXT NOT NULL CHECK (status IN ('chua_thuc_hien', 'dang_thuc_hien', 'hoan_thanh')),
    completed_on TEXT,
    note         TEXT,
    PRIMARY KEY (task_id, due)
);

-- Every change a person made to a task: who, when, what before, what after (JSON objects of the fields).
CREATE TABLE task_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('add', 'edit', 'delete', 'import', 'evidence')),
    before      TEXT NOT NULL DEFAULT '{}',
    after       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX task_history_task ON task_history(task_id);

-- Tài liệu kiểm chứng: a stored document or an uploaded file attached to a task or to a criterion.
CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    criterion    TEXT,
    document_id  INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    file_sha256  TEXT REFERENCES files(sha256),
    file_name    TEXT,
    media_type   TEXT,
    note         TEXT,
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    CHECK ((task_id IS NULL) != (criterion IS NULL)),
    CHECK ((document_id IS NULL) != (file_sha256 IS NULL))
);
CREATE INDEX evidence_task ON evidence(task_id);
CREATE INDEX evidence_criterion ON evidence(criterion);
