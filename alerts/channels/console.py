"""``console://``: each alert as one JSON object per line on stdout, flushed at once."""

from __future__ import annotations

import json
import sys
from typing import ClassVar, TextIO

from alerts.channels.base import Channel, ChannelContext, Message
from alerts.render import console_record


class ConsoleChannel(Channel):
    """Prints alerts as JSON lines; the only thing the alert worker writes to stdout."""

    kind: ClassVar[str] = "console"
    supports_digest: ClassVar[bool] = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    @classmethod
    def build(cls, context: ChannelContext) -> Channel:
        """The console writes where the worker's stdout goes (or the stream given)."""
        return cls(context.stdout)

    async def send(self, message: Message) -> None:
        """Write one line per alert and flush so pipes see it immediately."""
        stream = self.stream or sys.stdout
        for alert in message.alerts:
            line = json.dumps(console_record(alert, message.subscription.lang), ensure_ascii=False)
            stream.write(line + "\n")
        stream.flush()
