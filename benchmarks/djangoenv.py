"""Django with a fresh, migrated database, for benchmarks declared with `django=True`.

Runs in the benchmark's child process only. Every run gets its own keys and database so a
benchmark never touches a developer's ./var or DATABASE_URL: SQLite lives in the scratch
directory; with --database-url a throw-away PostgreSQL database is created on that server and
dropped afterwards (needs the CREATEDB right).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin_sql(url: str, sql: str) -> None:
    import psycopg

    # psycopg does not take Django-style scheme aliases; "postgresql://" is the common form.
    conninfo = urlunsplit(("postgresql", *urlsplit(url)[1:]))
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # names come from us, not from input


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A new empty database on the server of `url`; yields its URL and drops it on exit."""
    name = f"bansos_bench_{os.getpid()}_{secrets.token_hex(3)}"
    _admin_sql(url, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(url, name)
    finally:
        _admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def describe_database() -> str:
    """E.g. "SQLite 3.45.1" or "PostgreSQL 15.4", for the notes column."""
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version  # e.g. 150004
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


@contextmanager
def django_database(
    var_dir: Path, database_url: str | None, *, migrate: bool = True
) -> Iterator[str]:
    """Set up Django with fresh keys in `var_dir` and an empty database, migrated unless told not to."""
    from bansos.core.keyfile import ensure_local_keys

    # Settings read the key file at import time, so it must exist before django.setup().
    ensure_local_keys(var_dir)
    os.environ["BANSOS_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bansos.settings"
    with _database_url(database_url):
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        try:
            if migrate:
                call_command("migrate", verbosity=0)
            yield describe_database()
        finally:
            # PostgreSQL refuses to drop a database that still has sessions.
            connections.close_all()


@contextmanager
def _database_url(database_url: str | None) -> Iterator[str | None]:
    if database_url and is_postgres(database_url):
        with fresh_postgres(database_url) as url:
            os.environ["DATABASE_URL"] = url
            yield url
    elif database_url:
        os.environ["DATABASE_URL"] = database_url
        yield database_url
    else:
        # The embedded default: SQLite under BANSOS_VAR_DIR, i.e. inside the scratch directory.
        os.environ.pop("DATABASE_URL", None)
        yield None
