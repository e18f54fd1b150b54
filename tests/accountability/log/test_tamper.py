"""The log cannot be changed unnoticed (PostgreSQL): its triggers refuse UPDATE, DELETE and
TRUNCATE; with them switched off, 1,200 random mutations of an exported chain are all detected at
the first bad sequence number, and a handful made in the real table are named by verify_log;
20 concurrent writers make one linear chain."""

from __future__ import annotations

import copy
import json
import random
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accountability.log import services
from responsibilities import chain as chain_module
from responsibilities import log
from responsibilities.org import services as org_services
from tests.accountability.log.conftest import tamper

pytestmark = pytest.mark.postgres


# -- the triggers --------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "UPDATE responsibilities_logentry SET actor_name = 'x' WHERE seq = 1",
    "DELETE FROM responsibilities_logentry WHERE seq = 1",
    "TRUNCATE responsibilities_logentry",
])
def test_the_database_refuses_to_change_the_log(chain, sql):
    with pytest.raises(DatabaseError, match="问责日志只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert log.head()[0] == 12


# -- random mutations of an exported chain -------------------------------------------------------


def _leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaf_paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaf_paths(inner, (*path, index))
    else:
        yield path


def _changed(value, rng: random.Random):
    if isinstance(value, bool) or value is None:
        return not value if isinstance(value, bool) else 0
    if isinstance(value, int):
        return value + rng.choice((-1, 1))
    text = str(value) or " "
    index = rng.randrange(len(text))
    return text[:index] + chr((ord(text[index]) ^ (1 << rng.randrange(5))) or 1) + text[index + 1:]


def flip_payload(rows, k, rng):
    """A byte flipped in a payload value (or a key added to an empty payload): bad at that entry."""
    payload = rows[k]["payload"]
    paths = list(_leaf_paths(payload))
    if not paths:
        payload["x"] = 1
    else:
        *parents, last = rng.choice(paths)
        holder = payload
        for step in parents:
            holder = holder[step]
        holder[last] = _changed(holder[last], rng)
    return rows[k]["seq"]


def change_field(rows, k, rng):
    """Any other field changed (time, actor, organization, object, action): bad at that entry."""
    name = rng.choice(("at", "actor", "actor_name", "organization", "object_type", "object_id", "action"))
    rows[k][name] = _changed(rows[k][name], rng)
    return rows[k]["seq"]


def rehash(rows, k, rng):
    """Changed and re-hashed (its own hash fits): the next entry's link breaks; the last entry
    no longer matches the anchor."""
    rows[k]["actor_name"] += "改"
    rows[k]["hash"] = chain_module.entry_hash(rows[k]["prev_hash"], rows[k])
    return rows[k]["seq"] + 1 if k < len(rows) - 1 else rows[k]["seq"]


def delete(rows, k, rng):
    """An entry removed (the last one too: the head recorded before it is the anchor)."""
    seq = rows[k]["seq"]
    del rows[k]
    return seq


def swap(rows, k, rng):
    """Two neighbours exchanged: bad at the first position."""
    k = min(k, len(rows) - 2)
    rows[k], rows[k + 1] = rows[k + 1], rows[k]
    return rows[k + 1]["seq"]


def duplicate(rows, k, rng):
    """An entry repeated right after itself: the repeated seq."""
    rows.insert(k + 1, copy.deepcopy(rows[k]))
    return rows[k]["seq"]


def insert(rows, k, rng):
    """A forged entry slipped in after entry k, well linked and hashed, the rest renumbered: the
    entry after the forgery no longer links (or the forgery took the anchor's seq)."""
    k = min(k, len(rows) - 2)
    anchored = rows[-1]["seq"]
    forged = {**copy.deepcopy(rows[k]), "seq": rows[k]["seq"] + 1, "prev_hash": rows[k]["hash"],
              "actor_name": "伪造", "payload": {"forged": True}}
    forged["hash"] = chain_module.entry_hash(forged["prev_hash"], forged)
    for row in rows[k + 1:]:
        row["seq"] += 1
    rows.insert(k + 1, forged)
    return forged["seq"] if forged["seq"] == anchored else forged["seq"] + 1


def change_first(rows, k, rng):
    """The first entry changed, or its link to the genesis: bad at #1."""
    if rng.random() < 0.5:
        rows[0]["prev_hash"] = "1" * 64
    else:
        flip_payload(rows, 0, rng)
    return 1


MUTATIONS = (flip_payload, change_field, rehash, delete, swap, duplicate, insert, change_first)


def test_every_random_mutation_is_detected_at_the_first_bad_entry(chain):
    rows = list(services.entry_rows())
    anchor = (rows[-1]["seq"], rows[-1]["hash"])  # the head as the last check (or a signed PDF) saw it
    assert chain_module.verify(copy.deepcopy(rows), anchor=anchor).ok
    rng = random.Random(20261130)
    counts = dict.fromkeys((m.__name__ for m in MUTATIONS), 0)

    for _ in range(1200):
        mutation = rng.choice(MUTATIONS)
        mutated = json.loads(json.dumps(rows))
        expected = mutation(mutated, rng.randrange(len(mutated)), rng)

        verdict = chain_module.verify(mutated, anchor=anchor)

        assert not verdict.ok, mutation.__name__
        assert verdict.bad_seq == expected, (mutation.__name__, verdict)
        counts[mutation.__name__] += 1

    assert min(counts.values()) > 100


# -- mutations in the table, found by verify_log -------------------------------------------------


def verify_log() -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("verify_log", stdout=StringIO(), stderr=err)
    except SystemExit as exit:
        return exit.code, err.getvalue().strip()
    return 0, ""


@pytest.mark.parametrize(("sql", "expected"), [
    ("UPDATE responsibilities_logentry SET payload = jsonb_set(payload, '{parent,name}', '\"改过的名称\"') "
     "WHERE seq = 4", "BROKEN at #4: 内容与哈希不符（条目被改动）"),
    ("DELETE FROM responsibilities_logentry WHERE seq = 6", "BROKEN at #6: 缺少条目：应为 #6，实为 7"),
    ("UPDATE responsibilities_logentry SET at = at + interval '1 second' WHERE seq = 1",
     "BROKEN at #1: 内容与哈希不符（条目被改动）"),
    ("UPDATE responsibilities_logentry AS e SET object_id = o.object_id, payload = o.payload "
     "FROM responsibilities_logentry AS o WHERE {e.seq, o.seq} IN ((9, 10), (10, 9))".replace(
         "{e.seq, o.seq}", "(e.seq, o.seq)"), "BROKEN at #9: 内容与哈希不符（条目被改动）"),
    ("INSERT INTO responsibilities_logentry (seq, at, actor_id, actor_name, organization_id, object_type, object_id, "
     "action, payload, prev_hash, hash) SELECT 13, at, actor_id, actor_name, organization_id, object_type, "
     "object_id, action, payload, prev_hash, md5(hash) || md5(hash) FROM responsibilities_logentry WHERE seq = 12",
     "BROKEN at #13: prev_hash 与前一条目的哈希不符"),
])
def test_a_change_in_the_table_is_named_by_verify_log(chain, sql, expected):
    assert verify_log() == (0, "")

    tamper(sql)

    assert verify_log() == (1, expected)


# -- concurrent appends --------------------------------------------------------------------------


def test_the_append_query_takes_the_append_lock():
    assert f"pg_advisory_xact_lock({log.APPEND_LOCK})" in log._LOCK_AND_HEAD


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_writers_make_one_linear_chain():
    subject = org_services.organization_create(name="并发测试", kind="committee", actor=None)
    start = log.head()[0]
    barrier, errors = threading.Barrier(20), []

    def writer(index: int) -> None:
        try:
            barrier.wait()
            for step in range(10):
                with transaction.atomic():
                    log.append(action="organization.tested", subject=subject, actor=None, writer=index, step=step)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    verdict = chain_module.verify(services.entry_rows())
    assert (verdict.ok, verdict.count, verdict.head_seq) == (True, start + 200, start + 200)
