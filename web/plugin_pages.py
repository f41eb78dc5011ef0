"""What plugins add to the web app: their blueprints (``qingdan_register_blueprints``), the links to them in the
navigation bar, and the pages that take the transitions out of a step's states (the acceptance plugin's
inspection form, instead of a plain firing button).

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

    def nav_link(self, endpoint: str, label: str, label_en: str, roles=()) -> None:
        """A link to ``endpoint`` in the navigation bar, for accounts whose role is in ``roles``."""
        self.nav.append(PageLink(endpoint, label, label_en, tuple(roles)))

    def step_page(self, step: str, endpoint: str, label: str, label_en: str, roles=()) -> None:
        """Transitions out of a state of the step type ``step`` are done on ``endpoint`` (called with ``checklist_id``,
        ``task_id`` and ``item``): accounts of ``roles`` get a link labelled ``label`` instead of a firing button."""
        self.steps[step] = PageLink(endpoint, label, label_en, tuple(roles))


def register(app, plugins) -> None:
    """Call every plugin's ``qingdan_register_blueprints``; a failure is a ``PluginError`` naming the plugin."""
    from engine import call_each

    pages = PluginPages()
    app.extensions[EXTENSION] = pages
    for _ in call_each(plugins, "qingdan_register_blueprints", app=app, pages=pages):
        pass


def pages_of(app) -> PluginPages:
    return app.extensions.get(EXTENSION) or PluginPages()
