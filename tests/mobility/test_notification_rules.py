"""The pure rules of sending a notification: when to retry, when it is stuck, who may
resend it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from mobility.rules import (
    notification_is_stuck,
    notification_may_resend,
    notification_retry_delay,
)

DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, DELAYS[0]), (2, DELAYS[1]), (3, DELAYS[2]), (4, None), (7, None)],
)
def test_each_failed_try_waits_longer_until_the_tries_are_spent(attempts, delay):
    assert notification_retry_delay(attempts=attempts, delays=DELAYS) == delay


def test_the_configured_retries_come_before_a_pending_notification_counts_as_stuck():
    # Otherwise the daily retry job would enqueue a try while a scheduled retry waits.
    assert max(settings.NOTIFICATION_RETRY_DELAYS) < settings.NOTIFICATION_STUCK_AFTER


@pytest.mark.parametrize(
    ("state", "idle", "stuck"),
    [
        ("pending", timedelta(minutes=59), False),
        ("pending", HOUR, True),
        ("sent", 10 * HOUR, False),
        ("failed", 10 * HOUR, False),
    ],
)
def test_a_pending_notification_is_stuck_after_an_hour_without_news(state, idle, stuck):
    assert (
        notification_is_stuck(state=state, last_activity=NOW - idle, now=NOW, stuck_after=HOUR)
        is stuck
    )


@pytest.mark.parametrize(
    ("state", "idle", "allowed"),
    [
        ("failed", timedelta(0), True),
        ("pending", timedelta(minutes=5), False),  # its try may be running now
        ("pending", 2 * HOUR, True),
        ("sent", 2 * HOUR, False),
    ],
)
def test_staff_may_resend_a_failure_or_a_stuck_notification(state, idle, allowed):
    assert (
        notification_may_resend(state=state, last_activity=NOW - idle, now=NOW, stuck_after=HOUR)
        is allowed
    )
