"""Persistence: SQLAlchemy Core tables, connections and schema migrations. No business rules here."""

from engine.store.db import Store, default_database_url, open_store

__all__ = ["Store", "open_store", "default_database_url"]
