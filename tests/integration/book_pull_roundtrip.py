#!/usr/bin/env python3
"""pcsim book pull, end to end, against real `pcsim serve` processes.

Server A gets a book through /v1 calls (customers, carts, checkouts, a
cancellation), throttles the subscription lists with 429 + Retry-After a few
times, and is pulled with `pcsim book pull`. Server B loads the pulled file
with POST /_sim/book. Both books (GET /_sim/book) and every customer's
subscriptions must agree. Then the failures: a server that keeps failing
(exit 1), usage (exit 2), a bad book refused by POST /_sim/book (400, the
digest unchanged).

Usage: book_pull_roundtrip.py PCSIM
"""
import decimal
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PCSIM = sys.argv[1]
AUTH = {"Authorization": "Bearer my-test-token"}
E3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7"
E5 = "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK"


def start(work, name):
    out = open(os.path.join(work, name + ".out"), "w")
    err = open(os.path.join(work, name + ".err"), "w")
    proc = subprocess.Popen([PCSIM, "serve", "--port", "0", "--start", "2026-01-15T09:00:00Z"], stdout=out, stderr=err)
    for _ in range(200):
        text = open(os.path.join(work, name + ".out")).read()
        m = re.search(r"http://[0-9.]+:[0-9]+", text)
        if m:
            return proc, m.group(0)
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("server %s did not start: %s" % (name, open(os.path.join(work, name + ".err")).read()))


def call(base, method, path, body=None, headers=None, raw=False):
    data = None
    h = dict(AUTH)
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if raw:
        return status, text
    return status, (json.loads(text) if text else None)


def ok(base, method, path, body=None, expect=(200, 201)):
    status, answer = call(base, method, path, body)
    if status not in expect:
        raise SystemExit("%s %s: %s %s" % (method, path, status, answer))
    return answer


def customer(base, n, country="US"):
    c = ok(base, "POST", "/v1/customers", {
        "companyProfile": {"domain": "customer%d.onmicrosoft.com" % n},
        "billingProfile": {"email": "admin@c%d.example" % n, "culture": "en-US", "language": "en",
                           "companyName": "Customer %d" % n,
                           "defaultAddress": {"firstName": "Ada", "lastName": "Lovelace",
                                              "addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA",
                                              "postalCode": "98052", "country": country}}})
    ok(base, "POST", "/v1/customers/%s/agreements" % c["id"], {
        "primaryContact": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@c.example"},
        "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": "2026-01-01T00:00:00Z",
        "type": "MicrosoftCustomerAgreement"})
    return c["id"]


def buy(base, cid, item, quantity, term, billing):
    cart = ok(base, "POST", "/v1/customers/%s/carts" % cid, {
        "lineItems": [{"id": 0, "catalogItemId": item, "quantity": quantity, "termDuration": term,
                       "billingCycle": billing}]})
    ok(base, "POST", "/v1/customers/%s/carts/%s/checkout" % (cid, cart["id"]))


def normalized_book(text):
    """The book's records, unit prices compared as numbers ("36.00" == "36")."""
    lines = [json.loads(l) for l in text.splitlines() if l.strip()]
    for line in lines[1:]:
        for s in line.get("subscriptions", []):
            if "unitPrice" in s:
                s["unitPrice"] = str(decimal.Decimal(s["unitPrice"]).normalize())
    return lines


KEPT = ("id", "offerId", "quantity", "status", "termDuration", "billingCycle", "effectiveStartDate",
        "commitmentEndDate", "autoRenewEnabled", "orderId", "friendlyName", "isInExtendedServiceTerm")


def subscriptions(base, cid):
    items = ok(base, "GET", "/v1/customers/%s/subscriptions" % cid)["items"]
    return sorted(({k: s.get(k) for k in KEPT} for s in items if s["status"] in ("active", "suspended")),
                  key=lambda s: s["id"])


def pull(args):
    return subprocess.run([PCSIM, "book", "pull"] + args, capture_output=True, text=True, timeout=120)


def main():
    work = tempfile.mkdtemp()
    a, url_a = start(work, "a")
    b, url_b = start(work, "b")
    try:
        # Server A: five customers (three pages of two), several kinds of subscription, one cancelled.
        ids = [customer(url_a, n) for n in range(5)]
        for i, cid in enumerate(ids):
            buy(url_a, cid, E3, 5 + i, "P1Y", "monthly")
        buy(url_a, ids[0], E5, 3, "P1Y", "annual")
        buy(url_a, ids[1], E3, 2, "P1M", "monthly")
        buy(url_a, ids[2], E5, 4, "P3Y", "monthly")
        ok(url_a, "POST", "/_sim/clock/advance", {"by": "PT5M"})
        gone = ok(url_a, "GET", "/v1/customers/%s/subscriptions" % ids[3])["items"][0]
        gone["status"] = "deleted"
        ok(url_a, "PATCH", "/v1/customers/%s/subscriptions/%s" % (ids[3], gone["id"]), gone)
        ok(url_a, "POST", "/_sim/clock/advance", {"by": "P20D"})

        # 429 with Retry-After: 1, three times, on the subscription lists.
        ok(url_a, "POST", "/_sim/faults", [{"fault": "throttle", "method": "GET",
                                             "path": "/v1/customers/*/subscriptions", "count": 3, "retryAfter": 1}])
        book_path = os.path.join(work, "book.jsonl")
        r = pull(["--base-url", url_a, "--token", "my-test-token", "--out", book_path, "--page-size", "2"])
        if r.returncode != 0:
            raise SystemExit("pull failed (%d): %s" % (r.returncode, r.stderr))
        retries = r.stderr.count("retrying in 1000 ms")
        if retries != 3:
            raise SystemExit("expected three waits of Retry-After 1 s, stderr:\n" + r.stderr)
        faults = ok(url_a, "GET", "/_sim/faults")
        if faults["rules"][0]["fired"] != 3:
            raise SystemExit("the throttle rule fired %s times" % faults["rules"][0]["fired"])
        pulled = open(book_path).read()
        header = json.loads(pulled.splitlines()[0])
        if header["asOf"] != ok(url_a, "GET", "/_sim/clock")["now"]:
            raise SystemExit("asOf %s is not server A's clock" % header["asOf"])
        if gone["id"] not in json.dumps(header.get("assumptions", [])):
            raise SystemExit("the cancelled subscription is not among the assumptions: %s" % header)
        if any(name.startswith("book.jsonl.tmp") for name in os.listdir(work)):
            raise SystemExit("a temporary file was left behind")

        # Server B loads the pulled book; the books and subscriptions agree.
        status, answer = call(url_b, "POST", "/_sim/book", pulled, {"Content-Type": "application/x-ndjson"})
        if status != 200:
            raise SystemExit("POST /_sim/book: %s %s" % (status, answer))
        if answer["customers"] != 5 or answer["subscriptions"] != 7:
            raise SystemExit("loaded %s" % answer)
        _, book_a = call(url_a, "GET", "/_sim/book", raw=True)
        _, book_b = call(url_b, "GET", "/_sim/book", raw=True)
        if normalized_book(book_a) != normalized_book(book_b):
            raise SystemExit("the books differ:\nA: %s\nB: %s" % (book_a, book_b))
        for cid in ids:
            if subscriptions(url_a, cid) != subscriptions(url_b, cid):
                raise SystemExit("customer %s: subscriptions differ:\n%s\n%s" %
                                 (cid, subscriptions(url_a, cid), subscriptions(url_b, cid)))
        # They go on alike: a month later both have charged the same.
        for url in (url_a, url_b):
            ok(url, "POST", "/_sim/clock/advance", {"by": "P1M"})
        _, book_a = call(url_a, "GET", "/_sim/book", raw=True)
        _, book_b = call(url_b, "GET", "/_sim/book", raw=True)
        if normalized_book(book_a) != normalized_book(book_b):
            raise SystemExit("a month later the books differ:\nA: %s\nB: %s" % (book_a, book_b))

        # A bad book is refused with its line and reason; B's state is unchanged.
        digest = ok(url_b, "GET", "/_sim/digest")["digest"]
        bad = pulled.splitlines()
        bad[2] = bad[2].replace('"quantity":', '"quantity":"many","was":', 1)
        status, answer = call(url_b, "POST", "/_sim/book", "\n".join(bad) + "\n", {"Content-Type": "application/x-ndjson"})
        if status != 400 or answer["code"] != 800002 or "book:3" not in answer["description"]:
            raise SystemExit("a bad book: %s %s" % (status, answer))
        if ok(url_b, "GET", "/_sim/digest")["digest"] != digest:
            raise SystemExit("a refused book changed the state")

        # A server that keeps failing: exit 1, nothing written.
        ok(url_a, "POST", "/_sim/faults", [{"fault": "error", "status": 503, "method": "GET", "path": "/v1/customers"}])
        failed_path = os.path.join(work, "failed.jsonl")
        r = pull(["--base-url", url_a, "--token", "t", "--out", failed_path, "--max-attempts", "2"])
        if r.returncode != 1 or os.path.exists(failed_path) or "503" not in r.stderr:
            raise SystemExit("a failing server: exit %d, stderr %s" % (r.returncode, r.stderr))
        # Usage: no token, a bad asOf (exit 2).
        for args in (["--base-url", url_b], ["--base-url", url_b, "--token", "t", "--as-of", "soon"],
                     ["--base-url", url_b, "--token", "t", "--authority", url_b]):
            r = pull(args)
            if r.returncode != 2 or "pcsim book pull:" not in r.stderr:
                raise SystemExit("%s: exit %d, stderr %s" % (args, r.returncode, r.stderr))
        # The client-credentials flow against B's token endpoint, asOf given.
        r = pull(["--base-url", url_b, "--authority", url_b, "--client-id", "app", "--client-secret", "s",
                  "--tenant", "4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40", "--as-of", "2026-02-20T00:00:00Z"])
        if r.returncode != 0 or '"asOf":"2026-02-20T00:00:00Z"' not in r.stdout.splitlines()[0]:
            raise SystemExit("client credentials: exit %d, %s %s" % (r.returncode, r.stdout[:300], r.stderr))
        print("book pull round trip: %d customers, %s" % (len(ids), r.stderr.strip().splitlines()[-1]))
    finally:
        for p in (a, b):
            p.terminate()
            p.wait(timeout=10)


if __name__ == "__main__":
    main()
