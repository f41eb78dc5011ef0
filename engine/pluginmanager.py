"""Build the plugin manager from the ``qingdan.plugins`` entry points: qingdan's own (the built-in plugins), then
those of other installed packages.

Built in a factory, never at import time, so each test and process gets a fresh one. The built-in plugins
(tendering, acceptance, funds, channels) are registered exactly as a third-party one is, through the entry points
qingdan's own distribution declares in ``pyproject.toml``. Everything that can be wrong with a plugin is found
here, at start-up, and reported naming the plugin (exit code 4): an import error, a hook whose name no hook
specification has, a hook with arguments its specification does not offer, a step type that is not a
``StepType``, has a bad name, clashes with another one or has methods with the wrong parameters; ``call_each``
does the same for the hooks the command line and the web app call when they start.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass

import pluggy

from engine import hookspecs
from engine.errors import QingdanError
from engine.i18n import say
from engine.steps import NAME_PATTERN, StepType, TaskExtension

ENTRY_POINT_GROUP = "qingdan.plugins"
DISTRIBUTION = "qingdan"  # whose entry points are the built-in plugins


class PluginError(QingdanError):
    """A plugin could not be loaded or declares hooks that do not exist."""

    exit_code = 4


class StepTypes(dict):
    """Step types by name, as ``validate`` and ``fire`` use them; ``extensions`` holds the task extensions."""

    def __init__(self, steps: dict, extensions: dict, owners: dict):
        super().__init__(steps)
        self.extensions = extensions
        self.owners = owners  # step or extension name → plugin name


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: str  # "builtin" | "entry point DIST VERSION" | "extra"
    hooks: tuple[str, ...]
    steps: tuple[StepType, ...]
    extensions: tuple[TaskExtension, ...]


def get_plugin_manager(*, third_party: bool = True, extra=(), load_entry_points: bool | None = None) -> pluggy.PluginManager:
    """A fresh plugin manager: qingdan's built-in plugins, then (``third_party``) the plugins other installed packages
    declare, then ``extra`` (modules or objects with ``@hookimpl`` functions, for tests). ``load_entry_points`` is the
    older name of ``third_party``."""
    if load_entry_points is not None:
        third_party = load_entry_points
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager._qingdan_sources = {}
    _load_entry_points(manager, third_party)
    for plugin in extra:
        shown = getattr(plugin, "__name__", None) or type(plugin).__name__
        name = shown if manager.get_plugin(shown) is None else f"{shown}#{id(plugin)}"
        _register(manager, lambda plugin=plugin: plugin, name, "extra", name)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as err:
        raise PluginError(
            say("插件 {p} 有问题:{m}", "plugin {p} is broken: {m}", p=manager.get_name(err.plugin) or err.plugin, m=err)
        ) from None
    step_types(manager)  # every step type is checked now, not in the middle of a request
    return manager


def _register(manager, load, name, source, shown) -> None:
    try:
        plugin = load()
    except Exception as err:  # any import-time failure of plugin code is reported, named
        raise PluginError(
            say("无法加载插件 {p}:{e}: {m}", "cannot load plugin {p}: {e}: {m}", p=shown, e=type(err).__name__, m=err)
        ) from None
    try:
        registered = manager.register(plugin, name=name)
    except pluggy.PluginValidationError as err:
        raise PluginError(say("插件 {p} 有问题:{m}", "plugin {p} is broken: {m}", p=shown, m=err)) from None
    except ValueError as err:  # registered twice under one name
        raise PluginError(say("插件 {p} 无法注册:{m}", "plugin {p} cannot be registered: {m}", p=shown, m=err)) from None
    manager._qingdan_sources[registered] = source


#: the last scan of the installed distributions' entry points, with the ``sys.path`` it was made on
_scanned: tuple[tuple[str, ...], object] | None = None


def installed_entry_points(group: str):
    """The entry points of ``group`` the installed distributions declare, in the order they are found.

    Scanning every distribution's metadata is the slow part of ``importlib.metadata.entry_points`` (all groups cost
    about what one does), so one scan serves every group and every plugin manager this process builds, as long as
    ``sys.path`` is the same: a directory put on the path (a plugin installed with ``pip --target``) is seen, a
    package installed into a directory already on it is seen by the next process.
    """
    global _scanned
    key = tuple(sys.path)
    if _scanned is None or _scanned[0] != key:
        from importlib.metadata import entry_points

        _scanned = (key, entry_points())
    return _scanned[1].select(group=group)


def _load_entry_points(manager: pluggy.PluginManager, third_party: bool) -> None:
    """qingdan's own entry points first (by name), then, with ``third_party``, the others in the order the installed
    distributions are found."""
    own, others = [], []
    for entry in installed_entry_points(ENTRY_POINT_GROUP):
        dist = getattr(entry, "dist", None)
        (own if dist is not None and _normalized(dist.name) == DISTRIBUTION else others).append(entry)
    if not own:
        raise PluginError(
            say(
                "没有找到 qingdan 自带的插件(招投标、验收、资金、通知渠道):qingdan 没有正确安装;请在源码目录运行 pip install -e . 后再试。",
                "qingdan's built-in plugins (tendering, acceptance, funds, channels) were not found: qingdan is not "
                "installed properly; run pip install -e . in its source folder and try again.",
            )
        )
    own.sort(key=lambda entry: entry.name)
    for entry in own + (others if third_party else []):
        if manager.get_plugin(entry.name) is not None:
            continue
        dist = entry.dist
        if entry in own:
            source = "builtin"
        else:
            source = f"entry point {dist.name} {dist.version}" if dist is not None else "entry point"
        _register(manager, entry.load, entry.name, source, f"{entry.name} ({entry.value})")


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def call_each(manager: pluggy.PluginManager, hook_name: str, **kwargs):
    """Call one hook plugin by plugin (in registration order) and yield ``(plugin name, result)``; an exception raised
    by a plugin becomes a ``PluginError`` naming it (exit code 4), like everything else that is wrong with a plugin.

    For the hooks a host calls once when it starts (``qingdan_register_commands``, ``qingdan_register_blueprints``),
    so that a failure says whose it is.
    """
    hook = getattr(manager.hook, hook_name)
    for impl in hook.get_hookimpls():  # registration order (pluggy's own calls go the other way)
        try:
            result = impl.function(*[kwargs[name] for name in impl.argnames])
        except QingdanError:
            raise
        except Exception as err:
            raise PluginError(
                say(
                    "插件 {p} 的 {h} 出错:{e}: {m}",
                    "plugin {p} failed in {h}: {e}: {m}",
                    p=impl.plugin_name,
                    h=hook_name,
                    e=type(err).__name__,
                    m=err,
                )
            ) from None
        yield impl.plugin_name, result


def step_types(manager: pluggy.PluginManager) -> StepTypes:
    """All step types by name (with the task extensions); checked and computed once per manager."""
    cached = getattr(manager, "_qingdan_step_types", None)
    if cached is not None:
        return cached
    steps: dict = {}
    extensions: dict = {}
    owners: dict = {}
    option_owner: dict = {}
    for hook, kind in ((manager.hook.qingdan_step_types, StepType), (manager.hook.qingdan_task_extensions, TaskExtension)):
        for impl in hook.get_hookimpls():  # in registration order
            plugin = impl.plugin_name
            try:
                provided = list(impl.function() or ())
            except Exception as err:
                raise PluginError(
                    say(
                        "插件 {p} 的 {h} 出错:{e}: {m}",
                        "plugin {p} failed in {h}: {e}: {m}",
                        p=plugin,
                        h=hook.name,
                        e=type(err).__name__,
                        m=err,
                    )
                ) from None
            for found in provided:
                _check_extension(found, kind, plugin)
                if found.name in owners:
                    raise PluginError(
                        say(
                            "步骤类型 {s} 同时由 {a} 和 {b} 提供。",
                            "step type {s} is provided by both {a} and {b}.",
                            s=found.name,
                            a=owners[found.name],
                            b=plugin,
                        )
                    )
                for key in found.task_options:
                    if key in option_owner:
                        raise PluginError(
                            say(
                                "任务键 {k} 同时由 {a} 和 {b} 使用。",
                                "the task key {k} is claimed by both {a} and {b}.",
                                k=key,
                                a=option_owner[key],
                                b=plugin,
                            )
                        )
                    option_owner[key] = plugin
                owners[found.name] = plugin
                (steps if kind is StepType else extensions)[found.name] = found
    result = StepTypes(steps, extensions, owners)
    manager._qingdan_step_types = result
    return result


_METHODS = {
    "check_task": ("task", "workflow", "options"),
    "guard": ("context",),
    "after_transition": ("context",),
    "check_record": ("record",),
    "after_record": ("record",),
}


def _check_extension(found, kind, plugin: str) -> None:
    from engine.definition.definitions import CORE_TASK_KEYS

    def broken(zh, en, **values):
        return PluginError(say("插件 {p} 有问题:", "plugin {p} is broken: ", p=plugin) + say(zh, en, **values))

    if not isinstance(found, kind) or (kind is TaskExtension and isinstance(found, StepType)):
        raise broken(
            "{h} 返回了 {v!r},应是 {k} 的实例。",
            "{h} returned {v!r}, not an instance of {k}.",
            h="qingdan_step_types" if kind is StepType else "qingdan_task_extensions",
            v=found,
            k=f"engine.steps.{kind.__name__}",
        )
    if not isinstance(found.name, str) or not NAME_PATTERN.match(found.name):
        raise broken(
            "名称 {n!r} 无效:应以小写字母开头,只含小写字母、数字和下划线。",
            "the name {n!r} is invalid: start with a lower-case letter; use a-z, 0-9 and _ only.",
            n=found.name,
        )
    for key in found.task_options:
        if key in CORE_TASK_KEYS:
            raise broken(
                "{n} 的任务键 {k} 与清单格式自带的键重名。", "{n}: the task key {k} is already a key of the format.", n=found.name, k=key
            )
    for method, wanted in _METHODS.items():
        function = getattr(found, method, None)
        if function is None:
            continue
        try:
            inspect.signature(function).bind(*wanted)
        except TypeError:
            raise broken("{n}.{m} 的参数应是 ({a})。", "{n}.{m} must take ({a}).", n=found.name, m=method, a=", ".join(wanted)) from None
    if kind is StepType:
        keys = [f.key for f in found.data_fields]
        if len(set(keys)) != len(keys):
            raise broken("{n} 的数据键重复:{k}。", "{n} declares a data key twice: {k}.", n=found.name, k=", ".join(keys))
        for f in found.data_fields:
            if f.kind not in ("date", "text", "amount"):
                raise broken(
                    "{n} 的数据键 {k} 类型 {t} 无效(date、text 或 amount)。",
                    "{n}: data key {k} has kind {t}; use date, text or amount.",
                    n=found.name,
                    k=f.key,
                    t=f.kind,
                )
        for key in (*found.enter_requires, *found.leave_requires):
            if key not in keys:
                raise broken(
                    "{n} 要求的数据 {k} 没有在 data_fields 中声明。",
                    "{n} requires {k}, which is not in its data_fields.",
                    n=found.name,
                    k=key,
                )


def describe(manager: pluggy.PluginManager) -> list[PluginInfo]:
    """What is loaded, for ``qingdan plugins``: each plugin, where it came from, its hooks, steps and extensions."""
    registry = step_types(manager)
    sources = getattr(manager, "_qingdan_sources", {})
    found = []
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        hooks = tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or ()))
        steps = tuple(step for key, step in registry.items() if registry.owners.get(key) == name)
        extensions = tuple(ext for key, ext in registry.extensions.items() if registry.owners.get(key) == name)
        found.append(PluginInfo(name, sources.get(name, "extra"), hooks, steps, extensions))
    return found
