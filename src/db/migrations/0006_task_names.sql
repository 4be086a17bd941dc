-- 0006: a task carries the name of its step, so the inbox needs no definition.
ALTER TABLE wf_tasks ADD COLUMN step_name TEXT NOT NULL DEFAULT '';
