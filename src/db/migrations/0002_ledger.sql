-- 0002: the transparency log.  One log per deployment: tlog_head holds its
-- hash algorithm (fixed for its life), size and frontier (the roots of the
-- complete subtrees on its right edge), locked by every appending transaction.
-- Tiles follow C2SP tlog-tiles: tile (level, idx) holds up to 256 hashes of
-- tree level 8*level.  Each audit row is one leaf; the leaf text is rebuilt
-- from the row, so the log holds ids and digests, never personal data.

CREATE TABLE tlog_head (
	id		INTEGER PRIMARY KEY,
	alg		TEXT NOT NULL,
	size		BIGINT NOT NULL,
	frontier	{{BLOB}} NOT NULL,
	created_at	BIGINT NOT NULL
);

CREATE TABLE tlog_tiles (
	level		INTEGER NOT NULL,
	idx		BIGINT NOT NULL,
	data		{{BLOB}} NOT NULL,
	PRIMARY KEY (level, idx)
);

CREATE TABLE tlog_checkpoints (
	id		{{ID}},
	size		BIGINT NOT NULL,
	root		TEXT NOT NULL,
	note		TEXT NOT NULL,
	created_at	BIGINT NOT NULL
);
CREATE INDEX tlog_checkpoints_size ON tlog_checkpoints (size);

CREATE TABLE tlog_cosignatures (
	id		{{ID}},
	checkpoint_id	BIGINT NOT NULL REFERENCES tlog_checkpoints(id),
	witness		TEXT NOT NULL,
	line		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	UNIQUE (checkpoint_id, witness)
);

ALTER TABLE audit ADD COLUMN leaf_index BIGINT;
CREATE UNIQUE INDEX audit_leaf ON audit (leaf_index);
ALTER TABLE orgs ADD COLUMN leaf_index BIGINT;
ALTER TABLE users ADD COLUMN leaf_index BIGINT;
ALTER TABLE roles ADD COLUMN leaf_index BIGINT;
ALTER TABLE api_tokens ADD COLUMN leaf_index BIGINT;
