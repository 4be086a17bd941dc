-- 0007: the stripe roots of full level-0 tiles.  tlog_tiles.roots of tile (0, idx)
-- holds its 16 level-4 hashes, each the root of 16 of its leaves (512 bytes), so
-- an inclusion proof hashes one stripe and these roots instead of the whole tile;
-- in the same row, so one lookup reads both.  NULL for every other tile.  Written
-- with the tile when it becomes full; derived data, checked by every reader
-- against the tile and by `zhili ledger verify` against the rebuilt tree.  The
-- tiles themselves (data) stay C2SP tlog-tiles, byte for byte.
-- Logs older than this column get it filled right after migrating
-- (zl_ledger_backfill: SQL cannot hash on every backend); until then proofs hash
-- the whole tile, as before.
ALTER TABLE tlog_tiles ADD COLUMN roots {{BLOB}};
-- The tiles without roots (partial and higher tiles, ~160 rows on a log of ten
-- million leaves), so the backfill every start runs finds its work without
-- reading every level-0 tile.
CREATE INDEX tlog_tiles_unrooted ON tlog_tiles (level, idx) WHERE roots IS NULL;
