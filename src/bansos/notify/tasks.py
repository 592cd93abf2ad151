"""Background job of notify: a worker (`bansos db_worker`) sends what is due. Queue it after a
batch of announcements commits (`transaction.on_commit(lambda: notify_send_task.enqueue())`);
retries need a periodic run too, e.g. `bansos notify send` every minute from cron."""

from __future__ import annotations

from django_tasks import task

from bansos.notify.send import notify_send


@task()
def notify_send_task(limit: int = 1000) -> dict:
    return notify_send(limit=limit)
