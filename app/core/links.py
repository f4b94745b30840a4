"""Links into the web app that leave the service by mail (password resets, invitations).

A store with a domain of its own is reached there; any other store through the public URL
with `?store=<slug>` (the web app remembers it for the tab: web/src/api/storeChoice.ts), so
that a link always leads back to the store its account belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote


def app_url(
    page: str,
    *,
    store: str,
    domains: Sequence[str],
    public_app_url: str | None,
    default_store: str,
) -> str | None:
    """The web app's `page` (e.g. "reset-password") as the store's user should open it;
    None when the store has no domain and no public URL is configured."""
    if domains:
        return f"https://{domains[0]}/app/{page}"
    if not public_app_url:
        return None
    query = "" if store == default_store else f"?store={quote(store)}"
    return f"{public_app_url.rstrip('/')}/app/{page}{query}"
