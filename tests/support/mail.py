"""The local outbox (MAIL_OUTBOX_DIR): the mails the service sent, and the links in them."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

LINK = re.compile(r"(https?://\S+/app/reset-password\S*)#token=([A-Za-z0-9_-]+)")


def mails(outbox: Path) -> list[Any]:
    if not outbox.exists():
        return []
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def reset_link(message: Any) -> tuple[str, str]:
    """(the page the link opens, its token)."""
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1), match.group(2)
