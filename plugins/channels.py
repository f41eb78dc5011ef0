"""Built-in notification channels as a plugin: email (SMTP), DingTalk and WeCom group robots."""

from __future__ import annotations

from engine.plugin import hookimpl


@hookimpl
def qingdan_channels(settings):
    # imported when channels are asked for (the sweep, the scheduler), not when the plugin loads: the channels'
    # HTTP and TLS modules would cost every short command tens of milliseconds
    from engine.plugin import builtin_channels

    return builtin_channels(settings)
