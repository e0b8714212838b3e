"""Open-loop webhook load generator on loopback, bounded in count and time.

Request ``i`` is due at ``start + i / rate``; a pool of threads sends each one
when due (or as soon as a thread is free, if the server is behind) on a fresh
loopback connection, and records the ack latency (send -> full answer).
"""

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def _percentile(sorted_values, pct):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def _post(host, port, path, body, headers, timeout):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def send(url, requests_, rate, concurrency, max_seconds, timeout=30):
    """Send every ``(body, headers)`` of ``requests_``; return latencies/statuses."""
    parts = urlsplit(url)
    results = [None] * len(requests_)
    cursor = {"next": 0}
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + max_seconds

    def worker():
        while True:
            with lock:
                index = cursor["next"]
                if index >= len(requests_) or time.perf_counter() > deadline:
                    return
                cursor["next"] += 1
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body, headers = requests_[index]
            sent = time.perf_counter()
            try:
                status = _post(
                    parts.hostname, parts.port, parts.path, body, headers, timeout
                )
            except OSError as err:
                status = f"error: {err.__class__.__name__}"
            results[index] = (status, time.perf_counter() - sent, time.perf_counter())

    threads = [threading.Thread(target=worker) for __ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"summary": _summary(results, start), "results": results}


def _summary(results, start):
    done = [r for r in results if r is not None]
    acked = [r for r in done if r[0] == 200]
    latencies = sorted(1000 * r[1] for r in done)
    end = max((r[2] for r in done), default=start)
    statuses = {}
    for status, __, __ in done:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    seconds = end - start
    return {
        "sent": len(done),
        "not_sent": len(results) - len(done),
        "acked": len(acked),
        "errors": len(done) - len(acked),
        "statuses": statuses,
        "seconds": round(seconds, 2),
        "events_per_s": round(len(acked) / seconds, 1) if seconds else 0,
        "p50_ms": round(_percentile(latencies, 50) or 0, 1),
        "p99_ms": round(_percentile(latencies, 99) or 0, 1),
        "max_ms": round(max(latencies, default=0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0,
    }
