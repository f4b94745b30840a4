"""Sending e-mail: through Amazon SES on AWS, or -- with MAIL_OUTBOX_DIR set, as `make run`
does -- into a folder of .eml files, which `make run` prints as they arrive."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.config import Settings


@lru_cache(maxsize=4)
def _ses_client(region: str) -> Any:
    import boto3

    from app.core.faults import aws_client_config, watch_deadline

    return watch_deadline(boto3.client("sesv2", region_name=region, config=aws_client_config()))


class MailNotConfiguredError(RuntimeError):
    """No MAIL_FROM on AWS: nothing is sent (counted and alarmed as a failed mail)."""


def send(*, to: str, subject: str, text: str, settings: Settings) -> None:
    if settings.mail_outbox_dir:
        message = EmailMessage()
        sender = settings.mail_from or "Catalog <no-reply@localhost>"
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message.set_content(text)
        outbox = Path(settings.mail_outbox_dir)
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    if not settings.mail_from:
        raise MailNotConfiguredError("MAIL_FROM is not set: no sender to mail from")
    _ses_client(settings.aws_region).send_email(
        FromEmailAddress=settings.mail_from,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            }
        },
    )
