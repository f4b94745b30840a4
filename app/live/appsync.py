"""Publishing to AWS AppSync Events over HTTP, signed with the function's IAM credentials.

`POST https://<http domain>/event` with `{"channel", "events"}` (each event a JSON string,
at most 5 per request), SigV4-signed for the service `appsync` by botocore's own signer:
no SDK beyond botocore, which the runtime has. The channel namespace lets only IAM publish
(infra/template.yaml), and only the stream function's role may.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app.live.consumer import PublishError

MAX_EVENTS_PER_REQUEST = 5


class AppSyncPublisher:
    def __init__(self, http_domain: str, region: str, *, session: Any = None) -> None:
        import boto3
        from botocore.httpsession import URLLib3Session

        self.url = f"https://{http_domain}/event"
        self.region = region
        credentials = (session or boto3.Session()).get_credentials()
        if credentials is None:
            raise PublishError("no AWS credentials to sign AppSync publishes with")
        self._credentials = credentials
        self._http = URLLib3Session(timeout=5)

    def publish(self, channel: str, events: Sequence[str]) -> None:
        for start in range(0, len(events), MAX_EVENTS_PER_REQUEST):
            self._post(channel, events[start : start + MAX_EVENTS_PER_REQUEST])

    def signed_request(self, channel: str, events: Sequence[str]) -> Any:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        body = json.dumps({"channel": channel, "events": list(events)})
        request = AWSRequest(
            method="POST", url=self.url, data=body, headers={"content-type": "application/json"}
        )
        credentials = self._credentials.get_frozen_credentials()
        SigV4Auth(credentials, "appsync", self.region).add_auth(request)
        return request.prepare()

    def _post(self, channel: str, events: Sequence[str]) -> None:
        response = self._http.send(self.signed_request(channel, events))
        if response.status_code != 200:
            raise PublishError(f"AppSync answered {response.status_code}: {response.text[:200]}")
        failed = json.loads(response.content or b"{}").get("failed") or []
        if failed:
            raise PublishError(f"AppSync refused {len(failed)} event(s) on {channel}: {failed}")
