-- 0005: who uploaded each stored file (a file is stored once, but every
-- uploader may read it back).
CREATE TABLE upload_owners (
	digest		TEXT NOT NULL REFERENCES uploads(digest),
	user_id		BIGINT NOT NULL REFERENCES users(id),
	created_at	BIGINT NOT NULL,
	PRIMARY KEY (digest, user_id)
);
INSERT INTO upload_owners (digest, user_id, created_at)
	SELECT digest, uploader_id, created_at FROM uploads WHERE uploader_id IS NOT NULL;
