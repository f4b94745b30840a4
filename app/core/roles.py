from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    STOCK_MANAGER = "stock_manager"
    ADMIN = "admin"
    # operators of the whole deployment: they manage stores (/platform/*). Granted only by
    # `python -m app.cli create-admin --platform`, and only in the default store.
    PLATFORM_ADMIN = "platform_admin"


STORE_ROLES = (Role.USER, Role.STOCK_MANAGER, Role.ADMIN)  # what a store's admins may grant
