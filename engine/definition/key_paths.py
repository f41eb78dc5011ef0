"""Which model of the format applies where in a checklist file (by key path): what validation checks a mapping
against, and the keys it suggests for a misspelt one (did-you-mean from the same level).
"""

from __future__ import annotations

from engine.definition import schema

SECTIONS = {
    "checklist": schema.ChecklistHeader,
    "units": dict[schema.Key, schema.Unit],
    "people": dict[schema.Key, schema.Person],
    "workflows": dict[schema.Key, schema.Workflow],
    "defaults": schema.Rules,
    "ranking": schema.RankingWeights,
    "documents": schema.Documents,
    "tasks": list,
}


REQUIRED_SECTIONS = ("checklist", "units", "people", "tasks")


PATTERNS = [
    ((), SECTIONS),
    (("checklist",), schema.ChecklistHeader),
    (("checklist", "calendar"), schema.CalendarSpec),
    (("units", None), schema.Unit),
    (("people", None), schema.Person),
    (("workflows", None), schema.Workflow),
    (("workflows", None, "states", None), schema.State),
    (("workflows", None, "transitions", None), schema.Transition),
    (("defaults",), schema.Rules),
    (("defaults", "escalate", None), schema.Escalation),
    (("ranking",), schema.RankingWeights),
    (("documents",), schema.Documents),
    (("documents", "measures", None), schema.Measure),
    (("tasks", None), schema.Task),
    (("tasks", None, "target"), schema.Target),
    (("tasks", None, "parts", None), schema.Part),
    (("tasks", None, "recurring"), schema.Recurring),
    (("tasks", None, "items", None), schema.Item),
    (("tasks", None, "escalate", None), schema.Escalation),
    (("tasks", None, "assign", None), schema.Assignment),
]


def model_at(path: tuple):
    for pattern, model in PATTERNS:
        if len(pattern) == len(path) and all(p is None or p == q for p, q in zip(pattern, path)):
            return model
    return None


def all_model_keys():
    models = [
        schema.ChecklistHeader,
        schema.CalendarSpec,
        schema.Unit,
        schema.Person,
        schema.State,
        schema.Transition,
        schema.Workflow,
        schema.Escalation,
        schema.Rules,
        schema.RankingWeights,
        schema.Documents,
        schema.Measure,
        schema.Target,
        schema.Part,
        schema.Recurring,
        schema.Item,
        schema.Assignment,
        schema.Task,
    ]
    for model in models:
        for name, info in model.model_fields.items():
            yield info.alias or name
