"""Lazy re-exports for the engine's faces (``engine`` and ``engine.plugin``): a name is imported the first time
it is used, so importing a face is cheap and never pulls in Flask, click or SQLAlchemy."""

from __future__ import annotations

import importlib


def lazy_exports(module_name: str, exports: dict[str, tuple[str, str | None]], namespace: dict, public: list[str]):
    """The module-level ``__getattr__`` and ``__dir__`` of a face whose names are ``exports``
    (name → (module, attribute or None for the module itself))."""

    def __getattr__(name: str):
        try:
            source, attribute = exports[name]
        except KeyError:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None
        module = importlib.import_module(source)
        value = module if attribute is None else getattr(module, attribute)
        namespace[name] = value  # the next lookup is an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(public))

    return __getattr__, __dir__
