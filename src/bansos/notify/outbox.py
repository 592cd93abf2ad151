"""Writing to the outbox, inside the caller's transaction: the announcement commits with the
change it announces (a payment credited is announced, a rolled-back one is not).

`messages_enqueue` is set-at-a-time for the payment pipeline: the rows are loaded into a
temporary table (`COPY` on PostgreSQL, `executemany` on SQLite) and copied into the outbox by
one `INSERT … SELECT … ON CONFLICT (key, channel) DO NOTHING`, so announcing the same event
again (a re-run reconciliation) writes nothing. Each row gives an inbox message (delivered as it
commits) and an SMS (pending; the sender finds the phone then, and skips a person without one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from bansos.core.bulk_temp import temp_table
from bansos.notify.models import Message
from bansos.notify.texts import CITIZEN, OFFICER, kind_get, params_check, text_render

ROWS_SCHEMA = pa.schema([("key", pa.string()), ("household_id", pa.int64()),
                         ("person_id", pa.int64()), ("params", pa.string())])
KEY_MAX = Message._meta.get_field("key").max_length
_TEMP = "notify_enqueue_rows"
_CHANNELS = (Message.Channel.INBOX, Message.Channel.SMS)


def _rows_checked(kind: str, rows: pa.Table) -> pa.Table:
    """`rows` with exactly the expected columns and types; errors name what is wrong."""
    spec = kind_get(kind)
    if spec.audience != CITIZEN:
        raise ValueError(f"{kind} is an officer notice: use notice_enqueue")
    missing = [name for name in ROWS_SCHEMA.names if name not in rows.column_names]
    if missing:
        raise ValueError(f"rows lack columns {missing}")
    table = rows.select(ROWS_SCHEMA.names).cast(ROWS_SCHEMA)
    for name in ("key", "household_id", "params"):
        if table.column(name).null_count:
            raise ValueError(f"rows: {name} must not be null")
    if table.num_rows and pc.max(pc.utf8_length(table.column("key"))).as_py() > KEY_MAX:
        raise ValueError(f"rows: key longer than {KEY_MAX} characters")
    if table.num_rows:
        # Callers build params the same way for every row: the first one shows a wrong shape
        # now, not as a million failed messages later.
        params_check(kind=kind, params=json.loads(table.column("params")[0].as_py()))
    return table


def _insert_sql(source: str = _TEMP) -> str:
    qn = connection.ops.quote_name
    params = "r.params::jsonb" if connection.vendor == "postgresql" else "json(r.params)"
    inbox, sms = (f"'{c.value}'" for c in _CHANNELS)
    # `WHERE true`: SQLite needs it to read ON CONFLICT after INSERT … SELECT … FROM a join.
    return (
        f"INSERT INTO {qn(Message._meta.db_table)} (kind, channel, household_id, person_id, "  # noqa: S608
        f"user_id, {qn('key')}, params, status, attempts, next_attempt_at, sent_at, read_at, "
        f"recipient, last_error, created_at) "
        f"SELECT %s, c.channel, r.household_id, r.person_id, NULL, r.key, {params}, "
        f"CASE WHEN c.channel = {inbox} THEN '{Message.Status.SENT}' "
        f"ELSE '{Message.Status.PENDING}' END, 0, %s, "
        f"CASE WHEN c.channel = {inbox} THEN %s END, NULL, '', '', %s "
        f"FROM {source} r CROSS JOIN (SELECT {inbox} AS channel UNION ALL SELECT {sms}) c "
        f"WHERE true ON CONFLICT ({qn('key')}, channel) DO NOTHING"
    )  # names and values above come from code, never from input


def messages_enqueue(*, kind: str, rows: pa.Table) -> int:
    """Announce an event to each household in `rows` (columns key: string, household_id: int64,
    person_id: int64 nullable, params: JSON object as string) by inbox and SMS, inside the
    caller's transaction. Returns the number of new messages: an event already in the outbox
    (same key and channel) is not written again."""
    table = _rows_checked(kind, rows)
    if not table.num_rows:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # The insert has its own savepoint inside the temporary table's life: a failure (bad JSON
    # in a row) rolls back to it, so the table can still be dropped and the error itself
    # reaches the caller.
    with (transaction.atomic(), temp_table(name=_TEMP, table=table), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(_insert_sql(), [kind, now, now, now])
        return cursor.rowcount


def messages_enqueue_query(*, kind: str, select_sql: str, params: dict[str, Any] | None = None) -> int:
    """As `messages_enqueue`, from a query instead of Arrow rows, for a million events already
    in the database: `select_sql` (from code, with %(name)s parameters) yields key,
    household_id, person_id and params (a JSON object as text). Nothing crosses into Python."""
    spec = kind_get(kind)
    if spec.audience != CITIZEN:
        raise ValueError(f"{kind} is an officer notice: use notice_enqueue")
    params = params or {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r.params FROM ({select_sql}) r LIMIT 1", params)  # noqa: S608
        first = cursor.fetchone()
        if first is None:
            return 0
        params_check(kind=kind, params=json.loads(first[0]))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = _insert_sql(f"({select_sql})").replace("%s", "%(_kind)s", 1)
        for name in ("_next", "_sent", "_created"):
            sql = sql.replace("%s", f"%({name})s", 1)
        with transaction.atomic():
            cursor.execute(sql, {**params, "_kind": kind, "_next": now, "_sent": now, "_created": now})
        return cursor.rowcount


def notice_enqueue(*, kind: str, key: str, users: Iterable[Any], params: dict[str, Any]) -> int:
    """Announce an officer notice to `users`: an inbox message each, and an email to those with
    an address. The key is made per user (`key:user:<id>`), so each officer gets an event
    once; returns the number of new messages."""
    if kind_get(kind).audience != OFFICER:
        raise ValueError(f"{kind} is for citizens: use messages_enqueue")
    text_render(kind=kind, params=params)  # a handful of officers: check the values too
    params = json.loads(json.dumps(params, default=str))
    now = timezone.now()
    wanted: list[Message] = []
    for user in users:
        user_key = f"{key}:user:{user.pk}"
        wanted.append(Message(kind=kind, channel=Message.Channel.INBOX, user=user, key=user_key,
                              params=params, status=Message.Status.SENT, sent_at=now,
                              next_attempt_at=now, created_at=now))
        if user.email:
            wanted.append(Message(kind=kind, channel=Message.Channel.EMAIL, user=user, key=user_key,
                                  params=params, next_attempt_at=now, created_at=now))
    if not wanted:
        return 0
    existing = set(Message.objects.filter(key__in={m.key for m in wanted})
                   .values_list("key", "channel"))
    new = [m for m in wanted if (m.key, m.channel) not in existing]
    # ignore_conflicts: a concurrent notice of the same event is not an error.
    Message.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def inbox_mark_read(*, household_id: int, message_ids: Sequence[int] | None = None) -> int:
    """The household has read its inbox (or the given messages of it); returns how many were
    newly marked."""
    qs = Message.objects.filter(household_id=household_id, channel=Message.Channel.INBOX,
                                read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())


def citizen_notify(*, kind: str, key: str, params: dict[str, Any], household_id: int | None = None,
                   person_id: int | None = None, phone: str = "", sms: bool = True) -> int:
    """Announce one citizen event (a case step, a sign-up code), inside the caller's
    transaction: an inbox message when the family is known, and an SMS to `phone` when given,
    else to the person's (or the head's) phone from the registry. Returns the number of new
    messages; the same key again writes nothing."""
    spec = kind_get(kind)
    if spec.audience != CITIZEN:
        raise ValueError(f"{kind} is an officer notice: use notice_enqueue")
    text_render(kind=kind, params=params)  # one message: check the values now
    params = json.loads(json.dumps(params, default=str))
    now = timezone.now()
    wanted: list[Message] = []
    if household_id is not None and not spec.secret:
        wanted.append(Message(kind=kind, channel=Message.Channel.INBOX, household_id=household_id,
                              person_id=person_id, key=key, params=params,
                              status=Message.Status.SENT, sent_at=now, next_attempt_at=now,
                              created_at=now))
    if sms and (phone or household_id is not None or person_id is not None):
        wanted.append(Message(kind=kind, channel=Message.Channel.SMS, household_id=household_id,
                              person_id=person_id, phone=phone or None, key=key, params=params,
                              next_attempt_at=now, created_at=now))
    existing = set(Message.objects.filter(key=key).values_list("channel", flat=True))
    new = [m for m in wanted if m.channel not in existing]
    Message.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
