-- 0008: in-app notifications (消息提醒): one row per recipient, written by
-- the workflow engine in the transaction of the event that causes it.
CREATE TABLE notifications (
	id		{{ID}},
	user_id		BIGINT NOT NULL REFERENCES users(id),	-- the recipient
	kind		TEXT NOT NULL,		-- task | urge | escalate | return | approved | rejected
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,
	link		TEXT NOT NULL DEFAULT '',	-- a route of the web app
	entity		TEXT NOT NULL,		-- application | rectification
	entity_id	BIGINT NOT NULL,
	org_id		BIGINT REFERENCES orgs(id),	-- the handling org of the case
	created_at	BIGINT NOT NULL,
	read_at		BIGINT NOT NULL DEFAULT 0	-- 0 while unread
);
-- My notifications, newest first; and my unread ones (the bell's count).
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at = 0;
