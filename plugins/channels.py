"""Built-in notification channels as a plugin: email (SMTP), DingTalk and WeCom group robots."""
from __future__ import annotations

from engine.reminders.channels import builtin_channels
from engine.hookspecs import hookimpl


@hookimpl
def qingdan_channels(settings):
    return builtin_channels(settings)
