"""One task written twice: Twisted Deferred callbacks, then async/await.

What it shows: the task is "look up a user, then their orders, then print a
summary", where each lookup takes 50 ms (a pretend database call). With
callbacks, each step is a function you chain onto a Deferred, and an error
skips to the errback. With ``async``/``await`` the same steps read top to
bottom and the error is a plain ``try``/``except``. The output is identical.

Run it:   python ch01_wsgi_async/callbacks_vs_await.py
Expect:   the same three lines twice (user 1 and her orders; user 7 does
          not exist), then "same output: True".
"""

import asyncio

from twisted.internet import task

USERS = {1: "Ada"}
ORDERS = {1: [12.5, 30.0, 17.5]}
DELAY = 0.05


class NoSuchUser(LookupError):
    pass


def find_user(user_id):
    if user_id not in USERS:
        raise NoSuchUser(f"no user {user_id}")
    return USERS[user_id]


def summary(name, orders):
    return f"{name} has {len(orders)} orders, total {sum(orders):.2f}"


# --- Twisted: each step is a callback on a Deferred -------------------------

def report_with_callbacks(clock, user_id, lines):
    d = task.deferLater(clock, DELAY, find_user, user_id)  # fires later with the name

    def got_user(name):
        lines.append(f"user {user_id}: {name}")
        orders = task.deferLater(clock, DELAY, ORDERS.get, user_id, [])
        # returning a Deferred from a callback: the chain waits for it
        orders.addCallback(lambda found: lines.append(summary(name, found)))
        return orders

    def failed(failure):
        failure.trap(NoSuchUser)  # anything else keeps propagating
        lines.append(f"user {user_id}: error: {failure.value}")

    d.addCallback(got_user)
    d.addErrback(failed)
    return d


def run_with_callbacks(clock):
    """User 1, then user 7, then hand over the lines: a Deferred that fires with them."""
    lines = []
    d = report_with_callbacks(clock, 1, lines)
    d.addCallback(lambda _: report_with_callbacks(clock, 7, lines))
    d.addCallback(lambda _: lines)
    return d


# --- asyncio: the same steps, top to bottom -----------------------------------

async def report_with_await(user_id, lines):
    await asyncio.sleep(DELAY)
    try:
        name = find_user(user_id)
    except NoSuchUser as error:
        lines.append(f"user {user_id}: error: {error}")
        return
    lines.append(f"user {user_id}: {name}")
    await asyncio.sleep(DELAY)
    lines.append(summary(name, ORDERS.get(user_id, [])))


async def run_with_await():
    lines = []
    await report_with_await(1, lines)
    await report_with_await(7, lines)
    return lines


def main():
    from twisted.internet import reactor

    results = {}

    def done(lines):
        results["callbacks"] = lines
        reactor.stop()

    reactor.callWhenRunning(lambda: run_with_callbacks(reactor).addCallback(done))
    reactor.run()  # runs until done() stops it
    results["await"] = asyncio.run(run_with_await())

    for style in ("callbacks", "await"):
        print(f"== {'Twisted Deferred callbacks' if style == 'callbacks' else 'async/await'}")
        print("\n".join(results[style]))
    print(f"same output: {results['callbacks'] == results['await']}")


if __name__ == "__main__":
    main()
