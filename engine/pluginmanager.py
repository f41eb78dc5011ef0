"""Build the plugin manager: built-in plugins, then installed ones from the ``qingdan.plugins`` entry points.

Built in a factory, never at import time, so each test and process gets a fresh one; a misspelled
hook or a broken plugin fails here, at start-up, with the plugin's name.
"""
from __future__ import annotations

import importlib

import pluggy

from engine import hookspecs
from engine.errors import QingdanError
from engine.i18n import say

ENTRY_POINT_GROUP = "qingdan.plugins"
BUILTIN_PLUGINS = (
    "plugins.tendering",
    "plugins.acceptance",
    "plugins.channels",
)


class PluginError(QingdanError):
    """A plugin could not be loaded or declares hooks that do not exist."""

    exit_code = 4


def get_plugin_manager(*, load_entry_points: bool = True, extra=()) -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for module_name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        _load_entry_points(manager)
    for plugin in extra:
        manager.register(plugin)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as err:
        raise PluginError(say("插件 {p} 有问题:{m}", "plugin {p} is broken: {m}",
                              p=manager.get_name(err.plugin) or err.plugin, m=err)) from None
    step_types(manager)  # a clash between step types is a start-up error, not a mid-request one
    return manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if manager.get_plugin(entry.name) is not None:
            continue
        try:
            plugin = entry.load()
        except Exception as err:  # any import-time failure of third-party code is reported, named
            raise PluginError(say("无法加载插件 {p}({v}):{e}: {m}", "cannot load plugin {p} ({v}): {e}: {m}",
                                  p=entry.name, v=entry.value, e=type(err).__name__, m=err)) from None
        try:
            manager.register(plugin, name=entry.name)
        except pluggy.PluginValidationError as err:
            raise PluginError(say("插件 {p} 有问题:{m}", "plugin {p} is broken: {m}", p=entry.name, m=err)) from None


def step_types(manager: pluggy.PluginManager) -> dict:
    """All step types by name; two plugins claiming one name is a start-up error. Computed once per manager."""
    cached = getattr(manager, "_qingdan_step_types", None)
    if cached is not None:
        return cached
    found: dict = {}
    owners: dict = {}
    for impl in manager.hook.qingdan_step_types.get_hookimpls():
        for step in impl.function() or ():
            if step.name in found:
                raise PluginError(say("步骤类型 {s} 同时由 {a} 和 {b} 提供。", "step type {s} is provided by both {a} and {b}.",
                                      s=step.name, a=owners[step.name], b=impl.plugin_name))
            found[step.name] = step
            owners[step.name] = impl.plugin_name
    manager._qingdan_step_types = found
    return found
