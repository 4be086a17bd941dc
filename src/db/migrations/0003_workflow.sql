-- 0003: the workflow engine, the holiday calendar, the service catalog
-- (事项清单), applications and 好差评 ratings.

-- Working-day calendar: 法定节假日 (holiday) and 调休 working weekends (workday).
CREATE TABLE calendar_days (
	day		TEXT NOT NULL PRIMARY KEY,	-- YYYY-MM-DD, Asia/Shanghai
	kind		TEXT NOT NULL,			-- holiday | workday
	name		TEXT NOT NULL DEFAULT '',
	updated_at	BIGINT NOT NULL
);

-- Process definitions: versioned JSON documents; a running instance keeps
-- the version it started with.
CREATE TABLE process_defs (
	id		{{ID}},
	code		TEXT NOT NULL,
	version		INTEGER NOT NULL,
	name		TEXT NOT NULL,
	doc		TEXT NOT NULL,
	org_id		BIGINT REFERENCES orgs(id),
	created_by	BIGINT,
	created_at	BIGINT NOT NULL,
	leaf_index	BIGINT,
	UNIQUE (code, version)
);

-- Running and finished instances of any subject (an application today).
CREATE TABLE wf_instances (
	id		{{ID}},
	def_id		BIGINT NOT NULL REFERENCES process_defs(id),
	subject		TEXT NOT NULL,
	subject_id	BIGINT NOT NULL,
	org_id		BIGINT REFERENCES orgs(id),	-- the handling org (scope)
	applicant_id	BIGINT NOT NULL REFERENCES users(id),
	applicant_org	BIGINT REFERENCES orgs(id),	-- for assignee rules
	status		TEXT NOT NULL,	-- running | supplement | approved | rejected | withdrawn
	step		TEXT NOT NULL,	-- current step id, or 'end'
	step_started_at	BIGINT NOT NULL,
	due_at		BIGINT NOT NULL,	-- deadline of the whole case
	paused_since	BIGINT NOT NULL DEFAULT 0,	-- waiting for the applicant
	paused_total	BIGINT NOT NULL DEFAULT 0,
	returned	INTEGER NOT NULL DEFAULT 0,	-- times returned for supplement
	escalated	INTEGER NOT NULL DEFAULT 0,
	created_at	BIGINT NOT NULL,
	finished_at	BIGINT NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX wf_instances_subject ON wf_instances (subject, subject_id);
CREATE INDEX wf_instances_org ON wf_instances (org_id, status, id);

-- Open and done tasks.  An assignee is a user, or a role within an org.
CREATE TABLE wf_tasks (
	id		{{ID}},
	instance_id	BIGINT NOT NULL REFERENCES wf_instances(id),
	step		TEXT NOT NULL,
	org_id		BIGINT REFERENCES orgs(id),	-- the handling org (scope)
	user_id		BIGINT REFERENCES users(id),
	role_id		BIGINT REFERENCES roles(id),
	role_org	BIGINT REFERENCES orgs(id),
	mode		TEXT NOT NULL,	-- any | all
	status		TEXT NOT NULL,	-- open | done | cancelled
	action		TEXT NOT NULL DEFAULT '',
	comment		TEXT NOT NULL DEFAULT '',
	created_at	BIGINT NOT NULL,
	due_at		BIGINT NOT NULL,
	done_at		BIGINT NOT NULL DEFAULT 0,
	done_by		BIGINT REFERENCES users(id),
	urged		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX wf_tasks_user ON wf_tasks (status, user_id, due_at);
CREATE INDEX wf_tasks_role ON wf_tasks (status, role_org, role_id, due_at);
CREATE INDEX wf_tasks_instance ON wf_tasks (instance_id, status);

-- Everything that happened to an instance, in order.
CREATE TABLE wf_history (
	id		{{ID}},
	instance_id	BIGINT NOT NULL REFERENCES wf_instances(id),
	at		BIGINT NOT NULL,
	actor_id	BIGINT REFERENCES users(id),
	action		TEXT NOT NULL,
	step		TEXT NOT NULL,
	to_step		TEXT NOT NULL DEFAULT '',
	comment		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX wf_history_instance ON wf_history (instance_id, id);

-- The service catalog.
CREATE TABLE service_items (
	id		{{ID}},
	code		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	org_id		BIGINT NOT NULL REFERENCES orgs(id),
	type		TEXT NOT NULL,
	audience	TEXT NOT NULL,		-- public | internal
	doc		TEXT NOT NULL,		-- the full item as JSON
	process_code	TEXT NOT NULL,
	promised_days	INTEGER NOT NULL,
	statutory_days	INTEGER NOT NULL,
	visits		INTEGER NOT NULL,
	status		TEXT NOT NULL,		-- draft | published | withdrawn
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL,
	leaf_index	BIGINT
);
CREATE INDEX service_items_org ON service_items (org_id, id);

CREATE TABLE service_item_versions (
	item_id		BIGINT NOT NULL REFERENCES service_items(id),
	version		INTEGER NOT NULL,
	doc		TEXT NOT NULL,
	status		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	created_by	BIGINT,
	PRIMARY KEY (item_id, version)
);

CREATE TABLE applications (
	id		{{ID}},
	code		TEXT NOT NULL UNIQUE,
	item_id		BIGINT NOT NULL REFERENCES service_items(id),
	item_version	INTEGER NOT NULL,
	org_id		BIGINT NOT NULL REFERENCES orgs(id),	-- the responsible org
	applicant_id	BIGINT NOT NULL REFERENCES users(id),
	applicant_org	BIGINT REFERENCES orgs(id),
	channel		TEXT NOT NULL,		-- online | counter
	status		TEXT NOT NULL,		-- draft | running | supplement | approved | rejected | withdrawn
	data		TEXT NOT NULL,
	idem_key	TEXT,
	instance_id	BIGINT REFERENCES wf_instances(id),
	submitted_at	BIGINT NOT NULL DEFAULT 0,
	finished_at	BIGINT NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL,
	leaf_index	BIGINT,
	UNIQUE (applicant_id, idem_key)
);
CREATE INDEX applications_applicant ON applications (applicant_id, id);
CREATE INDEX applications_org ON applications (org_id, status, id);

-- Uploaded files, stored by their SHA-256.
CREATE TABLE uploads (
	digest		TEXT NOT NULL PRIMARY KEY,
	size		BIGINT NOT NULL,
	mime		TEXT NOT NULL,
	data		{{BLOB}} NOT NULL,
	uploader_id	BIGINT REFERENCES users(id),
	created_at	BIGINT NOT NULL
);

-- 好差评: indicator sets by channel, versioned; one rating per case.
CREATE TABLE rating_sets (
	id		{{ID}},
	channel		TEXT NOT NULL,
	version		INTEGER NOT NULL,
	dimensions	TEXT NOT NULL,		-- JSON array of names
	active		INTEGER NOT NULL DEFAULT 1,
	created_at	BIGINT NOT NULL,
	UNIQUE (channel, version)
);

CREATE TABLE ratings (
	id		{{ID}},
	application_id	BIGINT NOT NULL UNIQUE REFERENCES applications(id),
	org_id		BIGINT NOT NULL REFERENCES orgs(id),
	item_id		BIGINT NOT NULL REFERENCES service_items(id),
	set_id		BIGINT NOT NULL REFERENCES rating_sets(id),
	overall		INTEGER NOT NULL,	-- 1 非常不满意 … 5 非常满意
	scores		TEXT NOT NULL,		-- JSON {dimension: 1..5}
	tags		TEXT NOT NULL DEFAULT '[]',
	comment		TEXT NOT NULL DEFAULT '',
	rater_id	BIGINT NOT NULL REFERENCES users(id),
	created_at	BIGINT NOT NULL,
	rectification_id BIGINT,		-- the 差评整改 case, if any
	leaf_index	BIGINT
);
CREATE INDEX ratings_org ON ratings (org_id, id);
CREATE INDEX ratings_item ON ratings (item_id, id);

-- 差评整改: a bad rating's rectification case, run by the engine; it closes
-- only with a recorded follow-up with the applicant (回访) and a reply.
CREATE TABLE rectifications (
	id		{{ID}},
	rating_id	BIGINT NOT NULL UNIQUE REFERENCES ratings(id),
	org_id		BIGINT NOT NULL REFERENCES orgs(id),
	instance_id	BIGINT REFERENCES wf_instances(id),
	status		TEXT NOT NULL,		-- open | closed
	followup	TEXT NOT NULL DEFAULT '',
	followup_at	BIGINT NOT NULL DEFAULT 0,
	reply		TEXT NOT NULL DEFAULT '',
	due_at		BIGINT NOT NULL,
	created_at	BIGINT NOT NULL,
	closed_at	BIGINT NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL DEFAULT 1,
	leaf_index	BIGINT
);
CREATE INDEX rectifications_org ON rectifications (org_id, status, id);
