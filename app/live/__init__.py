"""Stock pushed live: the change stream's consumer, its publishers (AWS AppSync Events, or
the in-process hub under `make run`), the local WebSocket endpoint and `GET /live`."""
