from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    STOCK_MANAGER = "stock_manager"
    ADMIN = "admin"
