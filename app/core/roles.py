from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    STOCK_MANAGER = "stock_manager"
    ADMIN = "admin"
    # operators of the whole deployment: they manage stores (/platform/*). Granted only by
    # `python -m app.cli create-admin --platform`, and only in the default store.
    PLATFORM_ADMIN = "platform_admin"


STORE_ROLES = (Role.USER, Role.STOCK_MANAGER, Role.ADMIN)  # what a store's admins may grant


# who made a change the service made by itself (spreading, the CLI, bootstrap): recorded
# where a person's id would be (`changed_by`, ledger entries), shown as `{system: true}`
SYSTEM_ACTOR = "system"
