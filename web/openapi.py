"""The OpenAPI 3.1 description of ``/api``, written by hand (a test validates it and checks it names every API route)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/responses/Error"}


def _errors(*codes: int) -> dict:
    return {str(code): ERROR for code in codes}


# an empty string is a missing field to the API (web/api.py ``_text``)
TASK = {"type": "string", "minLength": 1, "description": "task id, or CHECKLIST:TASK when ids repeat", "examples": ["T1"]}

# notice numbers are BIGINT row ids; beyond that the API cannot read the number as one (web/api.py ``_whole``)
NOTICE_NUMBER = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}

ACTIVITY_DATE = {
    "type": "string",
    "format": "date",
    "examples": ["2017-07-20"],
    "description": "the activity date YYYY-MM-DD when it differs from today (as `--on`): not in the future, at "
    "most 30 days back, or for a recurring duty from the start of the previous period",
}


def document() -> dict:
    number = {"type": "number"}
    nullable_text = {"type": ["string", "null"]}
    report_result = {
        "entry": {"type": "integer"},
        "task": {"type": "string"},
        "amount": number,
        "part": nullable_text,
        "item": nullable_text,
        "total": number,
        "part_total": {"type": ["number", "null"]},
        "target": {"type": ["number", "null"]},
        "reached": {"type": "boolean"},
        "on": {"type": ["string", "null"], "format": "date", "description": "the activity date"},
        "over": {"type": "boolean", "description": "the report went beyond the target, confirmed"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qingdan 任务清单 API",
            "version": "1",
            "description": "The actions of the web board as JSON. Authenticate with `Authorization: Bearer TOKEN` "
            '(`qingdan users token ACCOUNT`). Refusals are 4xx with `{"error": message}` in the same words '
            "as the command line; the language follows the server's default (Chinese).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/me": {
                "get": {
                    "summary": "The account the token belongs to",
                    "operationId": "me",
                    "responses": {
                        "200": {
                            "description": "the account",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}},
                        },
                        **_errors(401),
                    },
                }
            },
            "/api/checklists": {
                "get": {
                    "summary": "Loaded checklists this account may see",
                    "operationId": "listChecklists",
                    "responses": {
                        "200": {
                            "description": "checklists",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["checklists"],
                                        "properties": {
                                            "checklists": {"type": "array", "items": {"$ref": "#/components/schemas/ChecklistRef"}}
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(401, 403),
                    },
                }
            },
            "/api/checklists/{checklist_id}/status": {
                "get": {
                    "summary": "The status board of one checklist: the same JSON as `qingdan status CHECKLIST --json`",
                    "description": "Heads, leaders and admins get every task; staff and inspectors the tasks in their scope.",
                    "operationId": "checklistStatus",
                    "parameters": [{"name": "checklist_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "status",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}},
                        },
                        **_errors(401, 403, 404),
                    },
                }
            },
            "/api/fire": {
                "post": {
                    "summary": "Fire a workflow trigger on an item (as `qingdan fire`)",
                    "operationId": "fire",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FireRequest"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "the transition that happened",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FireResult"}}},
                        },
                        **_errors(400, 401, 403, 404, 409),
                    },
                }
            },
            "/api/report": {
                "post": {
                    "summary": "Report progress on a quantity target or a recurring duty (as `qingdan report`)",
                    "operationId": "report",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportRequest"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "the recorded entry and the running total",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportResult"}}},
                        },
                        **_errors(400, 401, 403, 404, 409),
                    },
                }
            },
            "/api/correct": {
                "post": {
                    "summary": "Reverse an earlier report with a correcting entry (as `qingdan correct`)",
                    "operationId": "correct",
                    "description": "Permitted to those who may report on the task: its responsible person, its leader and heads "
                    "(a staff account only on its own tasks). The correction counts on the reversed report's "
                    "activity date; an entry is reversed once, and a correction is not itself reversible.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CorrectRequest"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "the correcting entry and the new total",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CorrectResult"}}},
                        },
                        **_errors(400, 401, 403, 404),
                    },
                }
            },
            "/api/inbox": {
                "get": {
                    "summary": "The account's notices (reminders, overdue notices, escalations), newest first",
                    "operationId": "inbox",
                    "parameters": [
                        {
                            "name": "unread",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["1", "true", "0", "false"]},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "notices",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Inbox"}}},
                        },
                        **_errors(400, 401, 403),
                    },
                }
            },
            "/api/inbox/read": {
                "post": {
                    "summary": "Mark notices read (all unread ones when `ids` is left out)",
                    "operationId": "markRead",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "ids": {
                                            "type": ["array", "null"],
                                            "items": NOTICE_NUMBER,
                                            "description": "left out or null: every unread notice",
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "how many were marked",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["marked"], "properties": {"marked": {"type": "integer"}}}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 404),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "`qingdan users token ACCOUNT`"}},
            "responses": {
                "Error": {"description": "refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Me": {
                    "type": "object",
                    "required": ["id", "role"],
                    "properties": {
                        "id": {"type": "string"},
                        "role": {"type": "string", "enum": ["head", "leader", "staff", "inspector", "admin"]},
                        "name": {"type": "string"},
                        "people": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"checklist": {"type": "string"}, "person": {"type": "string"}}},
                        },
                    },
                },
                "ChecklistRef": {
                    "type": "object",
                    "required": ["id", "title", "year"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "year": {"type": "integer"},
                        "person": nullable_text,
                    },
                },
                "Status": {
                    "type": "object",
                    "required": ["checklist", "today", "tasks"],
                    "properties": {
                        "checklist": {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"}}},
                        "today": {"type": "string", "format": "date"},
                        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/TaskStatus"}},
                        "parents": {
                            "type": "array",
                            "description": "lists across levels: the parent lists whose tasks this list fulfils",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "checklist": {"type": "string"},
                                    "title": {"type": ["string", "null"], "description": "null while the parent list is not loaded"},
                                    "task": {"type": "string", "description": "the parent's task"},
                                    "own_task": {"type": "string", "description": "this list's task fulfilling it"},
                                },
                            },
                        },
                        "peers": {
                            "type": "array",
                            "description": "the child lists ranked among lists of the same kind (towns among towns), on the tasks they fulfil",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "checklist": {"type": "string"},
                                    "title": {"type": "string"},
                                    "kind": {"type": ["string", "null"]},
                                    "score": number,
                                    "rank": {"type": "integer"},
                                    "completion": number,
                                    "on_time_rate": {"type": ["number", "null"]},
                                    "overdue": {"type": "integer"},
                                    "items": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
                "TaskStatus": {
                    "type": "object",
                    "required": ["id", "title", "kind", "progress", "parts", "states", "next_deadline", "overdue"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "kind": {"type": "string", "enum": ["workflow", "target", "recurring"]},
                        "progress": {"type": "object", "properties": {"done": number, "target": number}},
                        "parts": {
                            "type": "object",
                            "additionalProperties": {"type": "object", "properties": {"done": number, "target": number}},
                        },
                        "states": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "next_deadline": {"type": ["string", "null"], "format": "date"},
                        "overdue": {"type": "integer"},
                        "light": {"type": "string", "enum": ["green", "yellow", "red", "done"]},
                        "pace": {"type": "object", "properties": {"elapsed": number, "done": number}},
                        "extra": {"type": "object"},
                        "measure": {
                            "type": "string",
                            "enum": ["latest", "max", "min"],
                            "description": "a measured indicator only: progress.done is the latest, highest or lowest reading",
                        },
                        "reading_on": {
                            "type": ["string", "null"],
                            "format": "date",
                            "description": "a measured indicator only: the activity date of the reading progress.done comes from",
                        },
                        "finished": {"type": "integer", "description": "a workflow task only: items in a final state that completes them"},
                        "ended": {
                            "type": "integer",
                            "description": "a workflow task only, when any: items ended without completing (a final state with done: false, "
                            "e.g. 不予认定); they are out of progress.target",
                        },
                        "children": {
                            "type": "array",
                            "description": "a task assigned to child lists: each child's part; the task's own figures are their sum",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "checklist": {"type": "string"},
                                    "title": {"type": "string"},
                                    "task": {"type": ["string", "null"], "description": "the child's task fulfilling this one"},
                                    "loaded": {"type": "boolean"},
                                    "progress": {"type": "object", "properties": {"done": number, "target": number}},
                                    "overdue": {"type": "integer"},
                                    "light": {"type": ["string", "null"], "enum": ["green", "yellow", "red", "done", None]},
                                },
                            },
                        },
                        "fulfils": {
                            "type": "object",
                            "description": "the parent list's task this task fulfils",
                            "properties": {"checklist": {"type": "string"}, "task": {"type": "string"}},
                        },
                        "own_items": {
                            "type": "array",
                            "description": "items with an owner (who holds it now), a due date, a share or a note of their own",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "owner": {"type": ["string", "null"]},
                                    "due": {"type": ["string", "null"], "format": "date"},
                                    "quantity": {"type": ["number", "null"]},
                                    "note": {"type": ["string", "null"]},
                                },
                            },
                        },
                    },
                },
                "FireRequest": {
                    "type": "object",
                    "required": ["task", "trigger"],
                    "properties": {
                        "task": TASK,
                        "item": {"type": "string", "description": "item name or 1-based number; may be left out for a single-item task"},
                        "trigger": {"type": "string", "minLength": 1, "examples": ["approve_plan"]},
                        "note": {"type": "string"},
                        "data": {"type": "object", "description": "data a step needs (as `--data KEY=VALUE`)"},
                        "checklist": {"type": "string"},
                        "expect_state": {"type": "string", "description": "refuse with 409 unless the item is still in this state"},
                        "on": ACTIVITY_DATE,
                    },
                },
                "FireResult": {
                    "type": "object",
                    "required": ["checklist", "task", "item", "trigger", "from", "to", "event"],
                    "properties": {
                        "checklist": {"type": "string"},
                        "task": {"type": "string"},
                        "item": {"type": "string"},
                        "trigger": {"type": "string"},
                        "from": {"type": "string"},
                        "to": {"type": "string"},
                        "event": {"type": "integer"},
                        "warnings": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "ReportRequest": {
                    "type": "object",
                    "required": ["task", "amount"],
                    "properties": {
                        "task": TASK,
                        "amount": {
                            "type": ["number", "string"],
                            "examples": ["3.5", 12],
                            "description": "a positive plain decimal: digits with at most one decimal point, at most 4 "
                            "decimals and 16 digits before the point; no exponent, NaN, hexadecimal or separators",
                        },
                        "part": {"type": "string"},
                        "item": {"type": "string", "description": "the household/person of a recurring duty"},
                        "note": {"type": "string"},
                        "checklist": {"type": "string"},
                        "on": ACTIVITY_DATE,
                        "over": {
                            "type": "boolean",
                            "default": False,
                            "description": "confirms an amount beyond what remains of the target (or of the part); without it "
                            "such a report is refused with 400 (as `--over`)",
                        },
                    },
                },
                "ReportResult": {
                    "type": "object",
                    "required": ["entry", "task", "amount", "total", "reached"],
                    "properties": report_result,
                },
                "CorrectRequest": {
                    "type": "object",
                    "required": ["task", "entry"],
                    "properties": {
                        "task": TASK,
                        "entry": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 9223372036854775807,
                            "description": "the report's entry number (from `/api/report` or the history)",
                        },
                        "note": {"type": "string", "description": "why"},
                        "checklist": {"type": "string"},
                    },
                },
                "CorrectResult": {
                    "type": "object",
                    "required": ["entry", "task", "amount", "total", "reverses"],
                    "properties": {**report_result, "reverses": {"type": "integer", "description": "the entry reversed"}},
                },
                "Inbox": {
                    "type": "object",
                    "required": ["unread", "notices"],
                    "properties": {
                        "unread": {"type": "integer"},
                        "notices": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "kind": {"type": "string"},
                                    "checklist": {"type": "string"},
                                    "task": nullable_text,
                                    "item": nullable_text,
                                    "state": nullable_text,
                                    "due": {"type": ["string", "null"], "format": "date"},
                                    "sent_at": {"type": "string"},
                                    "read": {"type": "boolean"},
                                    "handled": {
                                        "type": ["boolean", "null"],
                                        "description": "true once the item no longer needs the notice (已处理); null: it only informs",
                                    },
                                    "item_position": {"type": ["integer", "null"], "description": "the item's place in its task, 0 first"},
                                    "subject": {"type": "string"},
                                    "text": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
