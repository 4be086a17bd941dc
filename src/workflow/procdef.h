/* procdef.h: process definitions (流程定义) of the workflow engine: parsing
 * and validation of the JSON document, and the choice of the next step.
 * The engine's state machine and storage are elsewhere; this is pure.
 *
 * A definition (see docs/workflow.md):
 *
 *   { "start": "dept",
 *     "steps": [
 *       { "id": "dept", "name": "部门审核",
 *         "assignee": {"kind": "role_in_applicant_org", "role": "dept-admin"},
 *         "mode": "any",                  // 或签 (default); "all" = 会签
 *         "time_limit_days": 2,           // optional; 0/absent = the item's
 *         "next": [ {"when": {"field": "amount", "op": ">", "value": 100000},
 *                    "to": "bureau"},
 *                   {"to": "end"} ] },
 *       { "id": "bureau", "name": "机关事务局审批",
 *         "assignee": {"kind": "role_in_org", "role": "org-admin", "org": "GSJGSW"},
 *         "mode": "all", "next": [ {"to": "end"} ] } ] }
 *
 * Step ids: [a-z0-9_-], 1–32, unique; "end" is the terminal pseudo-step and
 * cannot be used as an id.  At most 50 steps, 20 transitions per step.
 * assignee kinds and their keys (all required, no others):
 *   role_in_applicant_org {role}   a role in the applicant's org
 *   role_in_parent_org    {role}   a role in the org above the applicant's
 *   role_in_org           {role, org}  a role in the org with that code
 *   user                  {username}
 * next: tried in order, the first whose `when` holds wins; the last entry
 * must have no `when` (the default, so a case never gets stuck) and only
 * the last may lack one.  when = {field, op, value}:
 *   op  = != > >= < <= in (value an array for in)
 *   on form fields of type number, money (integers; money in fen), date
 *   ("YYYY-MM-DD", compared as strings, which orders dates), choice and text
 *   (= != in only).  A missing or mistyped value makes the condition false.
 * Unknown keys anywhere are refused.  Parsed structures live in the arena. */
#ifndef ZL_PROCDEF_H
#define ZL_PROCDEF_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct zl_arena; struct zl_error; struct zl_form;

#define ZL_PROCDEF_MAX_STEPS	50
#define ZL_PROCDEF_MAX_NEXT	20
#define ZL_PROCDEF_MAX_IN	100
#define ZL_STEP_END		(-1)	/* the "end" pseudo-step */

enum zl_assignee_kind {
	ZL_ASSIGN_ROLE_IN_APPLICANT_ORG,
	ZL_ASSIGN_ROLE_IN_PARENT_ORG,
	ZL_ASSIGN_ROLE_IN_ORG,
	ZL_ASSIGN_USER,
	ZL_ASSIGN__MAX
};

struct zl_assignee {
	enum zl_assignee_kind	 kind;
	const char		*role;		/* role code; NULL for user */
	const char		*org;		/* org code, role_in_org only */
	const char		*username;	/* user only */
};

enum zl_step_mode { ZL_MODE_ANY, ZL_MODE_ALL, ZL_MODE__MAX };	/* 或签, 会签 */

enum zl_cond_op { ZL_OP_EQ, ZL_OP_NE, ZL_OP_GT, ZL_OP_GE, ZL_OP_LT,
	ZL_OP_LE, ZL_OP_IN, ZL_OP__MAX };

/* A literal of a condition: an integer or a string. */
struct zl_cond_value {
	int		 is_int;
	int64_t		 i;
	const char	*s;
};

struct zl_cond {
	const char		*field;
	enum zl_cond_op		 op;
	struct zl_cond_value	*v;	/* one value, or nv for in */
	size_t			 nv;
};

struct zl_transition {
	const struct zl_cond	*when;	/* NULL: always (the default) */
	int			 to;	/* step index, or ZL_STEP_END */
	const char		*to_id;	/* the step's id, or "end" */
};

struct zl_step {
	const char		*id, *name;
	struct zl_assignee	 assignee;
	enum zl_step_mode	 mode;
	int			 time_limit_days;	/* 0: the item's limit */
	struct zl_transition	*next;
	size_t			 nnext;
};

struct zl_procdef {
	struct zl_step	*steps;
	size_t		 n;
	int		 start;		/* index into steps */
};

/* Callback telling whether an assignee rule can ever name someone: 1 yes,
 * 0 no (unknown role or org code, no such user), negative ZL_E* on failure
 * (returned as is). */
typedef int (*zl_assignee_possible_fn)(void *ctx, const struct zl_assignee *a);

/* Validate doc (borrowed) into *out.  form (may be NULL: conditions are then
 * checked for shape only) gives the fields conditions may test;
 * assignee_possible (may be NULL: not checked) is asked once per step.
 * ZL_EINVAL with err->detail naming the step in Chinese and English, and a
 * field error with its path ("steps[1].next[0].to"). */
int	 zl_procdef_parse(const json_t *doc, const struct zl_form *form,
	    zl_assignee_possible_fn assignee_possible, void *ctx,
	    struct zl_arena *a, struct zl_procdef **out, struct zl_error *err);
/* Index of the step with that id, or -1. */
int	 zl_procdef_step(const struct zl_procdef *def, const char *id);
/* The step after step (an index) for this application's data (borrowed,
 * may be NULL): the first transition whose condition holds.  A step index,
 * ZL_STEP_END (-1) for the end, or ZL_EINVAL (-2) for a bad step index (so
 * a caller's bug never silently ends a case). */
int	 zl_procdef_next(const struct zl_procdef *def, int step,
	    const json_t *form_data);
/* "role_in_org" for the kind; NULL out of range. */
const char	*zl_assignee_kind_name(enum zl_assignee_kind k);
/* "=", ">=", "in" …; NULL out of range. */
const char	*zl_cond_op_name(enum zl_cond_op op);

#endif
