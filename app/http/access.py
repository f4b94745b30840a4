"""Who is calling, and may they? Route access is declared once per router.

Every router names its policy in its `dependencies`: `PUBLIC` or `allow(role, ...)`.
`include_guarded` refuses to build an app with a route that names none (or more
than one), so a route can never be open by omission.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.security import OAuth2PasswordBearer

from app.auth import repository
from app.auth.schemas import Principal
from app.core import security
from app.core.config import get_settings
from app.core.errors import ForbiddenError, UnauthorizedError
from app.core.roles import Role
from app.core.timeutil import now_epoch
from app.db.table import Table
from app.http.blocking import blocking
from app.http.params import TableDep

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/login", auto_error=False)


async def get_principal(
    table: TableDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """Verify the bearer token, then read profile and session in one round trip: log-out,
    role changes and removal take effect on live tokens at once."""
    if not token:
        raise UnauthorizedError("A bearer token is required.")
    try:
        claims = security.decode_token(
            token, expected_type="access", store=table.keys.store, settings=get_settings()
        )
    except security.InvalidTokenError as error:
        raise UnauthorizedError("The token is invalid or expired.") from error
    user, session = await blocking(
        repository.get_user_and_session,
        table,
        user_id=claims.user_id,
        session_id=claims.session_id,
    )
    if user is None or session is None or not user.holds(session, now_epoch()):
        raise UnauthorizedError("The session has ended; log in again.")
    return Principal(user=user, session_id=session.session_id)


CurrentUser = Annotated[Principal, Depends(get_principal)]

STAFF = frozenset({Role.STOCK_MANAGER, Role.ADMIN})


async def staff_principal(request: Request, table: Table) -> Principal | None:
    """On a public route, the caller if their token is a staff member's (stock manager,
    admin); None for anyone else, a bad token included. Read only when a route needs it
    (a draft product asked for), so public reads pay nothing for it."""
    token = await oauth2_scheme(request)
    if not token:
        return None
    try:
        principal = await get_principal(table, token)
    except UnauthorizedError:
        return None
    return principal if principal.user.role in STAFF else None


class RoleGuard:
    """Lets through callers whose stored role is one of `roles`."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    async def __call__(self, principal: CurrentUser) -> Principal:  # no I/O: no thread hop
        if principal.role not in self.roles:
            raise ForbiddenError("Your role does not allow this.")
        return principal

    def __repr__(self) -> str:
        return f"RoleGuard({sorted(self.roles)})"


async def anyone() -> None:
    """Access policy: no authentication needed."""


def allow(*roles: Role) -> Any:
    if not roles:
        raise ValueError("name at least one role")
    return Depends(RoleGuard(frozenset(roles)))


PUBLIC: Any = Depends(anyone)
ANY_USER: Any = allow(*Role)


def without_public(dependencies: Sequence[Any]) -> tuple[list[Any], bool]:
    """A route's dependencies without `PUBLIC`, and whether it named it. `PUBLIC` has
    nothing to run: the routers' route class (app/http/routing.py) keeps it as a mark on
    the route, so a public request does not pay for solving an empty dependency."""
    kept = [d for d in dependencies if getattr(d, "dependency", None) is not anyone]
    return kept, len(kept) < len(dependencies)


def _policies(dependant: Dependant) -> Iterator[object]:
    for dependency in dependant.dependencies:
        if dependency.call is anyone or isinstance(dependency.call, RoleGuard):
            yield dependency.call
        yield from _policies(dependency)


def policies(route: APIRoute | APIWebSocketRoute) -> list[object]:
    """The access policies a route names (its router's and its own): `anyone` or guards."""
    marked: list[object] = [anyone] if getattr(route, "public", False) else []
    return marked + list(_policies(route.dependant))


def include_guarded(app: FastAPI, router: APIRouter, *, prefix: str = "") -> None:
    """Include a router whose every route names exactly one access policy; refuse otherwise."""
    for route in router.routes:
        if not isinstance(route, APIRoute | APIWebSocketRoute):
            continue
        named = policies(route)
        if len(named) != 1:
            methods = sorted(getattr(route, "methods", None) or ("WEBSOCKET",))
            raise RuntimeError(
                f"{methods} {prefix}{route.path} must name exactly one access policy "
                f"(PUBLIC or allow(...)); it names {named or 'none'}"
            )
    app.include_router(router, prefix=prefix)
