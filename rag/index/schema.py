"""The catalog's tables (one SQLite file): articles, chunks, stories, sentence vectors, memory.

Every statement is idempotent: opening an existing catalog creates what an older version lacks.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, root TEXT, source TEXT NOT NULL, title TEXT, date TEXT, url TEXT,
    author TEXT, publisher TEXT, hash TEXT NOT NULL, text TEXT NOT NULL, n_chunks INTEGER
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, start INTEGER, "end" INTEGER,
    text TEXT NOT NULL, terms TEXT NOT NULL, gen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS documents_root ON documents(root);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
CREATE TABLE IF NOT EXISTS files (doc_id TEXT PRIMARY KEY, path TEXT, digest TEXT);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS deleted (text_hash TEXT PRIMARY KEY, doc_id TEXT, at REAL);
CREATE TABLE IF NOT EXISTS stories (doc_id TEXT PRIMARY KEY, story TEXT NOT NULL, sig BLOB);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, vec BLOB NOT NULL,
    PRIMARY KEY (doc_id, start, "end")
);
CREATE INDEX IF NOT EXISTS stories_story ON stories(story);
CREATE TABLE IF NOT EXISTS removals (doc_id TEXT NOT NULL, gen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS removals_gen ON removals(gen);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""
