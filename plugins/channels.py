"""Built-in notification channels as a plugin: email (SMTP), DingTalk and WeCom group robots."""

from __future__ import annotations

from engine.plugin import builtin_channels, hookimpl


@hookimpl
def qingdan_channels(settings):
    return builtin_channels(settings)
