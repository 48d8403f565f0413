-- Probable duplicates: one document stored from two different files (a DOCX and its scan). The later copy
-- points at the primary; its tasks are kept but never counted in lists, `who`, coverage, exports or search.
ALTER TABLE documents ADD COLUMN duplicate_of INTEGER REFERENCES documents(id) ON DELETE SET NULL;
ALTER TABLE documents ADD COLUMN duplicate_reason TEXT;   -- 'number', 'text' or 'person' (someone linked them)
ALTER TABLE documents ADD COLUMN duplicate_score REAL;
CREATE INDEX documents_duplicate ON documents(duplicate_of);

-- MinHash signature of each document's text (NULL when too short to judge) and its LSH band keys.
CREATE TABLE document_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    minhash     BLOB
);
CREATE TABLE document_bands (
    band_key    INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX document_bands_key ON document_bands(band_key);
CREATE INDEX document_bands_document ON document_bands(document_id);
