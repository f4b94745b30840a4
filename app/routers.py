"""Every router of the API and where it is mounted: the one place a path prefix is written
(the routers' own paths are relative to it). Included on first use (app/http/mounting.py).
"""

from __future__ import annotations

from app.http.mounting import Mount

ROUTERS = (
    Mount("app.web:router", paths=("/", "/app")),
    Mount("app.docs:router", paths=("/docs", "/redoc")),
    Mount("app.health:router", paths=("/health",)),
    Mount("app.auth.router:public_router", "/auth"),
    Mount("app.auth.router:session_router", "/auth"),
    Mount("app.admin.router:router", "/admin/users"),
    Mount("app.orders.router:admin_router", "/admin/orders"),
    Mount("app.audit.router:router", "/admin/audit"),
    Mount("app.webhooks.router:router", "/admin/webhooks"),
    Mount("app.transfer.router:exports_router", "/admin/exports"),
    Mount("app.transfer.router:imports_router", "/admin/imports"),
    Mount("app.products.router:public_router", "/products"),
    Mount("app.products.router:admin_router", "/products"),
    Mount("app.notifications.router:router", "/products"),
    Mount("app.notifications.router:mail_router", "/notifications"),
    Mount("app.products.router:categories_router", "/categories"),
    Mount("app.inventory.router:router", "/inventory"),
    Mount("app.inventory.router:admin_router", "/inventory"),
    Mount("app.orders.router:router", "/orders"),
    Mount("app.stores.router:store_router", "/store"),
    Mount("app.stores.router:platform_router", "/platform/stores"),
    Mount("app.live.router:router", "/live"),
    Mount("app.live.realtime:router", paths=("/event",)),
)
