"""A fetching session that is polite to publishers: robots.txt honoured, a delay per host.

`fetch` does one safe request; `Client` adds what a crawler owes the sites it reads, and
counts requests (a sync reports them, and the benchmark measures an unchanged re-sync).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
from urllib.parse import urlsplit

from rag.errors import FetchError
from rag.sources.address import host_key
from rag.sources.fetch import Fetched, FetchPolicy, check_url, fetch, guarded_client

logger = logging.getLogger(__name__)

# robots.txt is re-read after this long (Google's crawler caches it for up to 24 h; an hour
# keeps a publisher's change from waiting a day).
ROBOTS_SECONDS = 3600.0
# A Crawl-delay longer than this is capped: one sync must not stall for minutes on one host.
MAX_CRAWL_DELAY = 30.0


class Client:
    """Fetch URLs with one connection pool, robots.txt checks and a per-host delay.

    Args:
        policy: limits of each request.
        delay: seconds between two requests to the same host (a robots.txt Crawl-delay,
            when longer, wins).
        robots: honour robots.txt (disallowed URLs raise `FetchError`).
    """

    def __init__(self, policy: FetchPolicy | None = None, delay: float = 1.0, robots: bool = True):
        self.policy = policy or FetchPolicy()
        self.delay, self.robots = delay, robots
        self.requests = 0  # HTTP requests made, robots.txt included
        self._http = guarded_client(self.policy)
        # host -> (rules, or None while robots.txt is unreachable; when to read it again)
        self._rules: dict[str, tuple[urllib.robotparser.RobotFileParser | None, float]] = {}
        self._last: dict[str, float] = {}
        self._hosts: dict[str, threading.RLock] = {}  # one request at a time per host
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` politely (conditional when validators are given); see `fetch`.

        Raises:
            FetchError: refused (robots.txt, address, scheme) or failed, with the reason.
        """
        check_url(url, self.policy.allow_private)  # the real reason, before robots.txt's
        # One request at a time per host, whatever the threads: hosts are fetched in
        # parallel, each politely. The host is keyed by its address's one spelling, so
        # "127.1" and "2130706433" share 127.0.0.1's delay.
        host = host_key(url)
        with self._host_lock(host):
            if self.robots and not self._allowed(url, host):
                origin = _origin(url)
                raise FetchError(f"{url[:200]}: disallowed by {origin}/robots.txt", permanent=True)
            return self._get(url, host, etag, last_modified)

    def _host_lock(self, host: str) -> threading.RLock:
        with self._lock:
            return self._hosts.setdefault(host, threading.RLock())

    def _get(self, url: str, host: str, etag: str | None, modified: str | None) -> Fetched:
        self._wait(host)
        with self._lock:
            self.requests += 1
        try:
            return fetch(url, self.policy, etag, modified, client=self._http)
        finally:
            self._last[host] = time.monotonic()

    def _wait(self, host: str) -> None:
        gap = self.delay
        rules = self._rules.get(host)
        if rules is not None and rules[0] is not None:
            crawl = rules[0].crawl_delay(self.policy.user_agent)
            gap = max(gap, min(float(crawl or 0), MAX_CRAWL_DELAY))
        wait = self._last.get(host, -1e9) + gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _allowed(self, url: str, host: str) -> bool:
        cached = self._rules.get(host)
        origin = _origin(url)
        if cached is None or cached[1] < time.monotonic():
            cached = (self._read_robots(origin, host), time.monotonic() + ROBOTS_SECONDS)
            self._rules[host] = cached
        if cached[0] is None:
            raise FetchError(f"{url[:200]}: {origin}/robots.txt is unreachable; trying later")
        return cached[0].can_fetch(self.policy.user_agent, url)

    def _read_robots(self, origin: str, host: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's rules; as RFC 9309 says: a 4xx allows all, an unreachable site or 5xx
        disallows all (None, until the next read). A file served as another type has no
        rules."""
        rules = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            got = self._get(f"{origin}/robots.txt", host, None, None)
            rules.parse(got.content.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            if exc.status is not None and (exc.status == 200 or 400 <= exc.status < 500):
                rules.parse(["User-agent: *", "Disallow:"])
            else:
                logger.info("robots.txt of %s unavailable (%s): not fetching from it", host, exc)
                return None
        return rules


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
