"""What plugins add to the web app: their blueprints (``qingdan_register_blueprints``), the links to them in the
navigation bar, the pages that take the transitions out of a step's states (the acceptance plugin's
inspection form, instead of a plain firing button), and the links a task page shows to a plugin's page about
that task (the funds plugin's ledger).

qingdan's own pages never name a plugin's endpoint: they ask ``pages_of(app)`` what the plugins registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXTENSION = "qingdan.pages"


@dataclass(frozen=True)
class PageLink:
    endpoint: str
    label: str
    label_en: str
    roles: tuple[str, ...]


@dataclass
class PluginPages:
    """Handed to ``qingdan_register_blueprints`` as ``pages``."""

    nav: list[PageLink] = field(default_factory=list)
    steps: dict[str, PageLink] = field(default_factory=dict)
    tasks: list[tuple[PageLink, object]] = field(default_factory=list)  # (link, applies(task) -> bool)

    def nav_link(self, endpoint: str, label: str, label_en: str, roles=()) -> None:
        """A link to ``endpoint`` in the navigation bar, for accounts whose role is in ``roles``."""
        self.nav.append(PageLink(endpoint, label, label_en, tuple(roles)))

    def step_page(self, step: str, endpoint: str, label: str, label_en: str, roles=()) -> None:
        """Transitions out of a state of the step type ``step`` are done on ``endpoint`` (called with ``checklist_id``,
        ``task_id`` and ``item``): accounts of ``roles`` get a link labelled ``label`` instead of a firing button."""
        self.steps[step] = PageLink(endpoint, label, label_en, tuple(roles))

    def task_link(self, endpoint: str, label: str, label_en: str, roles=(), applies=None) -> None:
        """A link on the task page of every task for which ``applies(task)`` is true (every task without it) to
        ``endpoint`` (called with ``checklist_id`` and ``task_id``), for accounts whose role is in ``roles``."""
        self.tasks.append((PageLink(endpoint, label, label_en, tuple(roles)), applies))

    def links_for_task(self, task, role: str) -> list[PageLink]:
        return [link for link, applies in self.tasks if role in link.roles and (applies is None or applies(task))]


def register(app, plugins) -> None:
    """Call every plugin's ``qingdan_register_blueprints``; a failure is a ``PluginError`` naming the plugin."""
    from engine import call_each

    pages = PluginPages()
    app.extensions[EXTENSION] = pages
    for _ in call_each(plugins, "qingdan_register_blueprints", app=app, pages=pages):
        pass

    @app.context_processor
    def _task_links():
        from flask_login import current_user

        def task_links(task) -> list[PageLink]:
            role = getattr(current_user, "role", None)
            return pages.links_for_task(task, role) if role else []

        return {"task_links": task_links}


def pages_of(app) -> PluginPages:
    return app.extensions.get(EXTENSION) or PluginPages()
