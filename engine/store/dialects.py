"""The dialect module (``sqlalchemy.dialects.postgresql`` or ``.sqlite``) of a connection, imported when a write
first needs its own spelling of a clause (``ON CONFLICT DO NOTHING``): importing both at start-up cost a read-only
command tens of milliseconds."""

from __future__ import annotations


def dialect_of(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite
