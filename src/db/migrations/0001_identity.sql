-- 0001: organisations, users, roles, sessions, API tokens, audit and login logs.
-- Times are Unix seconds (UTC).  Booleans are 0/1 integers on both backends.
-- An org's path is '/1/5/12/' (its ancestors' ids and its own), so a subtree
-- is the one indexed range  path >= '/1/5/' AND path < '/1/5/~'.

CREATE TABLE orgs (
	id		{{ID}},
	parent_id	BIGINT REFERENCES orgs(id),
	code		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	level		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	path		TEXT {{C}} NOT NULL,
	depth		INTEGER NOT NULL,
	credit_code	TEXT NOT NULL DEFAULT '',
	region_code	TEXT NOT NULL DEFAULT '',
	sort		INTEGER NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'active',
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL
);
CREATE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_parent ON orgs (parent_id, sort, id);

CREATE TABLE users (
	id		{{ID}},
	org_id		BIGINT REFERENCES orgs(id),
	kind		TEXT NOT NULL,
	username	TEXT {{C}} NOT NULL UNIQUE,
	display_name	TEXT {{C}} NOT NULL,
	phone		TEXT NOT NULL DEFAULT '',
	email		TEXT NOT NULL DEFAULT '',
	position	TEXT NOT NULL DEFAULT '',
	rank		TEXT NOT NULL DEFAULT '',
	password_hash	TEXT NOT NULL,
	is_admin	INTEGER NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'active',
	failed_logins	INTEGER NOT NULL DEFAULT 0,
	first_failed_at	BIGINT NOT NULL DEFAULT 0,
	locked_until	BIGINT NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id, id);
CREATE INDEX users_display_name ON users (display_name);

CREATE TABLE roles (
	id		{{ID}},
	org_id		BIGINT REFERENCES orgs(id),
	code		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	scope		TEXT NOT NULL,
	builtin		INTEGER NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'active',
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL
);

CREATE TABLE role_perms (
	role_id		BIGINT NOT NULL REFERENCES roles(id),
	perm		TEXT NOT NULL,
	PRIMARY KEY (role_id, perm)
);

CREATE TABLE role_scope_orgs (
	role_id		BIGINT NOT NULL REFERENCES roles(id),
	org_id		BIGINT NOT NULL REFERENCES orgs(id),
	PRIMARY KEY (role_id, org_id)
);

CREATE TABLE user_roles (
	user_id		BIGINT NOT NULL REFERENCES users(id),
	role_id		BIGINT NOT NULL REFERENCES roles(id),
	PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

CREATE TABLE sessions (
	id		{{ID}},
	token_hash	TEXT NOT NULL UNIQUE,
	user_id		BIGINT NOT NULL REFERENCES users(id),
	csrf		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	last_seen_at	BIGINT NOT NULL,
	expires_at	BIGINT NOT NULL,
	client_addr	TEXT NOT NULL DEFAULT '',
	user_agent	TEXT NOT NULL DEFAULT '',
	revoked_at	BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

CREATE TABLE api_tokens (
	id		{{ID}},
	org_id		BIGINT NOT NULL REFERENCES orgs(id),
	name		TEXT NOT NULL,
	prefix		TEXT NOT NULL,
	token_hash	TEXT NOT NULL UNIQUE,
	perms		TEXT NOT NULL,
	created_by	BIGINT NOT NULL REFERENCES users(id),
	created_at	BIGINT NOT NULL,
	expires_at	BIGINT NOT NULL DEFAULT 0,
	last_used_at	BIGINT NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'active',
	version		INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, id);

CREATE TABLE audit (
	id		{{ID}},
	at		BIGINT NOT NULL,
	actor_id	BIGINT,
	actor_name	TEXT NOT NULL DEFAULT '',
	org_id		BIGINT,
	entity		TEXT NOT NULL,
	entity_id	BIGINT NOT NULL,
	action		TEXT NOT NULL,
	digest		TEXT NOT NULL,
	client_addr	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit (entity, entity_id, id);
CREATE INDEX audit_org ON audit (org_id, id);

CREATE TABLE login_log (
	id		{{ID}},
	at		BIGINT NOT NULL,
	username	TEXT NOT NULL,
	user_id		BIGINT,
	org_id		BIGINT,
	result		TEXT NOT NULL,
	client_addr	TEXT NOT NULL DEFAULT '',
	user_agent	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_log_org ON login_log (org_id, id);

CREATE TABLE login_throttle (
	addr		TEXT NOT NULL PRIMARY KEY,
	window_start	BIGINT NOT NULL,
	attempts	INTEGER NOT NULL
);
