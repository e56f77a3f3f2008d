"""ch04_jeeves.jeeves under load: 200 concurrent signed events, each logged exactly once.

Twenty users send ten messages each, all at once, with Slack-style retries
mixed in. Every event must be acknowledged, answered once through the Slack
stand-in, and logged once; retries must be recognised; nothing may be lost.
Runs on SQLite and on PostgreSQL.
"""

import asyncio
import json
import time
from collections import Counter

from ch04_jeeves.jeeves import slack

EVENTS = 200
RETRIES = 50
COMMANDS = ["help", "weather in Paris", "get location", "services", "weather in Tokyo",
            "config location London", "make tea", "weather in Atlantis", "weather", "hello"]


async def test_200_concurrent_events_are_each_logged_exactly_once(jeeves, make_event, slack_api):
    payloads = [
        make_event(COMMANDS[i % len(COMMANDS)], event_id=f"Ev{i:05d}", channel=f"D{i:05d}",
                   user=f"U{i % 20:04d}")
        for i in range(EVENTS)
    ]

    async def send(payload, retry=0):
        raw = json.dumps(payload).encode()
        headers = slack.signed_headers(jeeves.settings.signing_secret, raw)
        if retry:
            headers["X-Slack-Retry-Num"] = str(retry)
        response = await jeeves.client.post("/slack/events", data=raw, headers=headers)
        return response.status_code, await response.get_json()

    started = time.perf_counter()
    firsts = await asyncio.gather(*(send(p) for p in payloads))
    acked = time.perf_counter() - started
    # Retries arrive after the originals were acknowledged, as Slack sends them.
    retries = await asyncio.gather(*(send(p, retry=1) for p in payloads[:RETRIES]))
    await jeeves.drain()
    wall = time.perf_counter() - started

    assert firsts == [(200, {"ok": True})] * EVENTS
    assert retries == [(200, {"ok": True, "duplicate": True})] * RETRIES
    logs = await jeeves.logs()
    assert len(logs) == EVENTS
    assert Counter(log.event_id for log in logs) == Counter(p["event_id"] for p in payloads)
    assert all(log.outcome in ("ok", "error", "unknown") for log in logs), \
        {log.outcome for log in logs}
    assert Counter(log.outcome for log in logs)["error"] == 40  # Atlantis and bare "weather"
    # one reply per event, on its own channel
    channels = Counter(m["channel"] for m in slack_api.state["messages"])
    assert channels == Counter(p["event"]["channel"] for p in payloads)
    print(f"\n{EVENTS} events + {RETRIES} retries on {jeeves.settings.database_url.split(':')[0]}: "
          f"acknowledged in {acked:.2f} s, all handled in {wall:.2f} s "
          f"({EVENTS / wall:.0f} events/s)")
