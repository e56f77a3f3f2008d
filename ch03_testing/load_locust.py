"""A Locust load test for chapter 2's quart_basic: users, tasks, and a summary line.

What it shows: each simulated user is an ``HttpUser`` running its ``@task``s
in a loop; ``catch_response`` lets us fail a request whose body is wrong even
when its status is 200. Locust runs on gevent (it monkey-patches the process),
so it only ever runs as its own process, never inside pytest.

Run it:   python ch02_quart/quart_basic.py                                  (terminal 1)
          locust -f ch03_testing/load_locust.py --headless -u 4 -r 4 -t 5s  (terminal 2)
          --host http://127.0.0.1:PORT (or TARGET_URL) selects another server;
          without --headless, Locust serves its web UI on http://127.0.0.1:8089.
Expect:   Locust's tables (requests, failures, req/s, percentiles), then a line such as
          locust: 2104 requests, 0 failures, 420.1 req/s, p50 6 ms, p90 12 ms, p99 30 ms
"""

import os

from locust import HttpUser, constant, events, task


class ApiUser(HttpUser):
    host = os.environ.get("TARGET_URL", "http://127.0.0.1:8100")
    wait_time = constant(0)  # no think time: as many requests as each user can send

    @task
    def hello_api(self):
        with self.client.get("/api", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif response.json() != {"Hello": "World!"}:
                response.failure(f"unexpected body {response.text!r}")


@events.quitting.add_listener
def print_summary(environment, **kwargs):
    total = environment.stats.total
    print(f"locust: {total.num_requests} requests, {total.num_failures} failures, "
          f"{total.total_rps:.1f} req/s, p50 {total.get_response_time_percentile(0.5):.0f} ms, "
          f"p90 {total.get_response_time_percentile(0.9):.0f} ms, "
          f"p99 {total.get_response_time_percentile(0.99):.0f} ms", flush=True)
