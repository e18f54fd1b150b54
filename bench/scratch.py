"""What the benchmarks share: a scratch PostgreSQL database of their own, and a timer."""

from __future__ import annotations

import time


def scratch_database(name: str) -> str:
    """Drop and create database `name` on the local PostgreSQL (trust auth); its URL."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def timed(fn, *args, **kwargs):
    """(fn's result, seconds it took on the wall clock)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start
