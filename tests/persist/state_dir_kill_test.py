#!/usr/bin/env python3
"""pcsim serve --state-dir killed at seeded random points.

A client sends a seeded random workload (customers, carts and checkouts with
repeated MS-RequestIds, seat changes, cancels, clock moves, tokens, reads that
draw from the random source, resets) to `pcsim serve --state-dir DIR` while
the server is killed with SIGKILL (or stopped with SIGTERM) after a random
delay, then restarted on the same DIR. After each restart the restored state
must be exactly the state a fresh server reaches from the acknowledged
requests, with the request in flight either fully there or fully absent: the
test replays the acknowledged requests into a reference server without a
state dir (checking every recorded response on the way) and compares a dump
of everything readable.

Then several clients at once (--clients, each with customers of its own)
and a clock mover, killed with SIGKILL at random points (--concurrent-rounds):
after each restart every acknowledged customer and seat change must be there,
and a change in flight either there or not.

usage: state_dir_kill_test.py PCSIM_BINARY [--seed N] [--rounds N] [--concurrent-rounds N] [--clients N]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

E3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7"
ITEMS = [E3, "CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM", "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR"]


class Server:
    def __init__(self, binary, args):
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", "--threads", "4"] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr = []
        line = self.proc.stdout.readline()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        if not line.startswith("pcsim listening on http://127.0.0.1:"):
            self.proc.wait(10)
            raise SystemExit("pcsim serve did not start (exit %s): %r %s" %
                             (self.proc.returncode, line, "".join(self.stderr)))
        self.port = int(line.split(":")[2].split(" ")[0])

    def stop(self, sig):
        self.proc.send_signal(sig)
        code = self.proc.wait(30)
        self.proc.stdout.close()
        return code


def send(port, request):
    """(status, body) or None when the server did not answer."""
    method, path, headers, body = request
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        res = conn.getresponse()
        data = res.read().decode("utf-8", "replace")
        conn.close()
        return res.status, data
    except (ConnectionError, http.client.HTTPException, OSError):
        return None


def req(method, path, body=None, **headers):
    h = {"Authorization": "Bearer kill-test", "Content-Type": "application/json"}
    h.update({k.replace("_", "-"): v for k, v in headers.items()})
    return (method, path, h, json.dumps(body) if body is not None else None)


class Workload:
    """A seeded stream of requests; learns ids from the responses."""

    def __init__(self, rng):
        self.rng = rng
        self.customers = []
        self.subscriptions = []  # (customer, id)
        self.orders = []  # (customer, id)
        self.request_ids = []

    def reset_model(self):
        self.customers, self.subscriptions, self.orders = [], [], []

    def run(self, call, stop):
        """Calls call(request) -> (status, body) or None (stop)."""
        rng = self.rng
        while not stop.is_set():
            kind = rng.randrange(100)
            if kind < 10 or not self.customers:
                if len(self.customers) >= 3:
                    continue
                n = rng.randrange(10 ** 6)
                r = call(req("POST", "/v1/customers", {
                    "companyProfile": {"domain": "c%d.onmicrosoft.com" % n},
                    "billingProfile": {"email": "a@c.example", "culture": "en-US", "language": "en",
                                       "companyName": "C%d" % n,
                                       "defaultAddress": {"firstName": "A", "lastName": "B",
                                                          "addressLine1": "1 Microsoft Way", "city": "Redmond",
                                                          "state": "WA", "postalCode": "98052", "country": "US"}}}))
                if r is None:
                    return
                if r[0] != 201:
                    continue
                cid = json.loads(r[1])["id"]
                r = call(req("POST", "/v1/customers/%s/agreements" % cid, {
                    "primaryContact": {"firstName": "A", "lastName": "B", "email": "a@c.example"},
                    "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": "2026-01-01T00:00:00Z",
                    "type": "MicrosoftCustomerAgreement"}))
                if r is None:
                    return
                self.customers.append(cid)
            elif kind < 35:
                cid = rng.choice(self.customers)
                r = call(req("POST", "/v1/customers/%s/carts" % cid, {"lineItems": [{
                    "id": 0, "catalogItemId": rng.choice(ITEMS), "quantity": rng.randrange(1, 20),
                    "termDuration": "P1Y", "billingCycle": rng.choice(["monthly", "annual"])}]}))
                if r is None:
                    return
                if r[0] != 201:
                    continue
                cart = json.loads(r[1])["id"]
                rid = "kill-%d" % rng.randrange(10 ** 9)
                checkout = req("POST", "/v1/customers/%s/carts/%s/checkout" % (cid, cart), MS_RequestId=rid)
                for _ in range(rng.choice([1, 1, 2])):  # a client retrying with the same MS-RequestId
                    r = call(checkout)
                    if r is None:
                        return
                if r[0] == 201:
                    self.orders.append((cid, json.loads(r[1])["orders"][0]["id"]))
            elif kind < 50:
                by = rng.choice(["PT5M", "PT3H", "P1D", "P3D", "P12D"])
                if call(req("POST", "/_sim/clock/advance", {"by": by})) is None:
                    return
                for cid, oid in self.orders:
                    r = call(req("GET", "/v1/customers/%s/orders/%s" % (cid, oid)))
                    if r is None:
                        return
                    if r[0] == 200:
                        for li in json.loads(r[1]).get("lineItems", []):
                            if li.get("subscriptionId") and (cid, li["subscriptionId"]) not in self.subscriptions:
                                self.subscriptions.append((cid, li["subscriptionId"]))
                self.orders = []
            elif kind < 75 and self.subscriptions:
                cid, sid = rng.choice(self.subscriptions)
                path = "/v1/customers/%s/subscriptions/%s" % (cid, sid)
                r = call(req("GET", path))
                if r is None:
                    return
                if r[0] != 200:
                    continue
                sub = json.loads(r[1])
                if rng.randrange(10) == 0:
                    sub["status"] = "deleted"
                else:
                    sub["quantity"] = sub["quantity"] + rng.choice([-1, 1, 2, 3])
                if call(req("PATCH", path, sub, If_Match=sub["attributes"]["etag"])) is None:
                    return
            elif kind < 82 and self.subscriptions:
                cid, sid = rng.choice(self.subscriptions)
                if call(req("GET", "/v1/customers/%s/subscriptions/%s/transitionEligibilities" % (cid, sid))) is None:
                    return
            elif kind < 88:
                if call(req("POST", "/_sim/token", {"partner": "p%d" % rng.randrange(3)})) is None:
                    return
            elif kind < 90:
                if call(req("POST", "/_sim/reset", {"seed": rng.randrange(1, 4)})) is None:
                    return
                self.reset_model()
            else:
                if call(req("GET", rng.choice(["/_sim/requests", "/_sim/events", "/_sim/clock"]))) is None:
                    return


class Owner:
    """One of several concurrent clients: it buys and grows seats on its own
    customers only, and remembers what the server acknowledged of them, so that
    a restart can be checked without knowing the order the server ran the
    clients' requests in."""

    def __init__(self, rng):
        self.rng = rng
        self.customers = set()   # acknowledged customer ids
        self.orders = []         # (customer, order id), subscriptions not yet known
        self.quantity = {}       # (customer, subscription) -> acknowledged seats
        self.in_flight = {}      # (customer, subscription) -> seats asked by the PATCH in flight

    def run(self, port, stop):
        rng = self.rng
        while not stop.is_set():
            if not self.customers or rng.randrange(8) == 0:
                n = rng.randrange(10 ** 9)
                create = req("POST", "/v1/customers", {
                    "companyProfile": {"domain": "o%d.onmicrosoft.com" % n},
                    "billingProfile": {"email": "a@o.example", "culture": "en-US", "language": "en",
                                       "companyName": "O%d" % n,
                                       "defaultAddress": {"firstName": "A", "lastName": "B",
                                                          "addressLine1": "1 Microsoft Way", "city": "Redmond",
                                                          "state": "WA", "postalCode": "98052", "country": "US"}}})
                r = send(port, create)
                if r is None:
                    return  # a customer in flight: there or not, nobody knows its id
                if r[0] != 201:
                    continue
                cid = json.loads(r[1])["id"]
                self.customers.add(cid)
                r = send(port, req("POST", "/v1/customers/%s/agreements" % cid, {
                    "primaryContact": {"firstName": "A", "lastName": "B", "email": "a@o.example"},
                    "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": "2026-01-01T00:00:00Z",
                    "type": "MicrosoftCustomerAgreement"}))
                if r is None:
                    return
            elif rng.randrange(3) == 0 or not self.quantity:
                cid = rng.choice(sorted(self.customers))
                r = send(port, req("POST", "/v1/customers/%s/carts" % cid, {"lineItems": [{
                    "id": 0, "catalogItemId": E3, "quantity": rng.randrange(1, 10),
                    "termDuration": "P1Y", "billingCycle": "monthly"}]}))
                if r is None:
                    return
                if r[0] != 201:
                    continue
                cart = json.loads(r[1])["id"]
                r = send(port, req("POST", "/v1/customers/%s/carts/%s/checkout" % (cid, cart)))
                if r is None:
                    return
                if r[0] == 201:
                    self.orders.append((cid, json.loads(r[1])["orders"][0]["id"]))
                for cid, oid in list(self.orders):
                    r = send(port, req("GET", "/v1/customers/%s/orders/%s" % (cid, oid)))
                    if r is None:
                        return
                    for li in json.loads(r[1]).get("lineItems", []) if r[0] == 200 else []:
                        if li.get("subscriptionId"):
                            self.quantity[(cid, li["subscriptionId"])] = li["quantity"]
                            self.orders.remove((cid, oid))
                            break
            else:
                key = rng.choice(sorted(self.quantity))
                path = "/v1/customers/%s/subscriptions/%s" % key
                r = send(port, req("GET", path))
                if r is None:
                    return
                sub = json.loads(r[1])
                if r[0] != 200 or sub["quantity"] != self.quantity[key]:
                    raise SystemExit("concurrent client: %s reads %s seats, %s acknowledged" %
                                     (path, sub.get("quantity"), self.quantity[key]))
                sub["quantity"] += rng.randrange(1, 4)
                r = send(port, req("PATCH", path, sub))
                if r is None:
                    self.in_flight[key] = sub["quantity"]
                    return
                if r[0] == 200:
                    self.quantity[key] = sub["quantity"]

    def check(self, port):
        """After a restart: every acknowledged change is there; one in flight is there or not."""
        for cid in self.customers:
            r = send(port, req("GET", "/v1/customers/%s" % cid))
            if r is None or r[0] != 200:
                raise SystemExit("an acknowledged customer %s is lost: %r" % (cid, r))
        for key, quantity in self.quantity.items():
            r = send(port, req("GET", "/v1/customers/%s/subscriptions/%s" % key))
            if r is None or r[0] != 200:
                raise SystemExit("an acknowledged subscription %s is lost: %r" % (key[1], r))
            now = json.loads(r[1])["quantity"]
            allowed = {quantity, self.in_flight.get(key, quantity)}
            if now not in allowed:
                raise SystemExit("subscription %s has %s seats after the restart; acknowledged %s, in flight %s" %
                                 (key[1], now, quantity, self.in_flight.get(key)))
            self.quantity[key] = now  # the one in flight, if it took effect
        self.in_flight.clear()


def concurrent_rounds(binary, args, rng, rounds, clients):
    """Several clients at once, and a clock mover, killed at random points."""
    owners = [Owner(random.Random(rng.randrange(10 ** 9))) for _ in range(clients)]
    acknowledged_now = [None]
    in_flight_now = [None]
    server = Server(binary, args)
    kills = 0
    for _ in range(rounds):
        stop = threading.Event()

        def mover():
            while not stop.is_set():
                r = send(server.port, req("POST", "/_sim/clock/advance", {"by": rng.choice(["PT5M", "PT1H", "P1D"])}))
                if r is None:
                    in_flight_now[0] = "unknown"
                    return
                if r[0] == 200:
                    acknowledged_now[0] = json.loads(r[1])["now"]
        threads = [threading.Thread(target=o.run, args=(server.port, stop)) for o in owners]
        threads.append(threading.Thread(target=mover))
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.2, 0.8))
        server.stop(signal.SIGKILL)
        kills += 1
        stop.set()
        for t in threads:
            t.join(60)
        server = Server(binary, args)
        for o in owners:
            o.check(server.port)
        now = json.loads(send(server.port, req("GET", "/_sim/clock"))[1])["now"]
        if acknowledged_now[0] is not None and now < acknowledged_now[0]:
            raise SystemExit("the clock went back from an acknowledged %s to %s" % (acknowledged_now[0], now))
        if in_flight_now[0] is None and acknowledged_now[0] is not None and now != acknowledged_now[0]:
            raise SystemExit("the clock is at %s, acknowledged %s and no advance in flight" % (now, acknowledged_now[0]))
        acknowledged_now[0], in_flight_now[0] = now, None
    server.stop(signal.SIGTERM)
    subscriptions = sum(len(o.quantity) for o in owners)
    print("%d concurrent rounds, %d clients and a clock mover, SIGKILL each time: %d customers and %d subscriptions, "
          "every acknowledged change kept" % (rounds, clients, sum(len(o.customers) for o in owners), subscriptions))


def dump(port):
    """Reads everything back; returns (requests sent, responses)."""
    sent, out = [], []

    def get(path):
        r = req("GET", path)
        res = send(port, r)
        if res is None:
            raise SystemExit("no answer to GET %s during the dump" % path)
        sent.append(r)
        out.append((path, res))
        return res

    for path in ["/_sim/clock", "/_sim/events", "/v1/invoices"]:
        get(path)
    customers = json.loads(get("/v1/customers")[1])["items"]
    for c in customers:
        get("/v1/customers/%s/subscriptions" % c["id"])
        get("/v1/customers/%s/orders" % c["id"])
    get("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
        "&currencycode=USD&period=current")
    # The digest of the whole state (the request log is not state: a restart
    # keeps only the commands that changed it).
    get("/_sim/digest")
    return sent, out


def reference_dump(binary, args, log, extra):
    """A fresh server without a state dir: replays log (+ extra) and dumps."""
    ref = Server(binary, args)
    try:
        for request, expected in log:
            got = send(ref.port, request)
            # The request log is diagnostics, not state: a restart keeps only
            # the commands that changed the state, so it reads differently.
            if request[1].startswith("/_sim/requests"):
                continue
            if expected is not None and got != expected:
                raise SystemExit("the reference server answered %s %s differently:\n  recorded %r\n  now      %r" %
                                 (request[0], request[1], expected, got))
        for request in extra:
            send(ref.port, request)
        return dump(ref.port)[1]
    finally:
        ref.stop(signal.SIGTERM)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--concurrent-rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=4)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    base_args = ["--start", "2026-01-10T00:00:00Z", "--seed", "7"]
    state_dir = tempfile.mkdtemp(prefix="pcsim-kill-")
    victim_args = base_args + ["--state-dir", state_dir, "--snapshot-every", "40"]
    log = []  # (request, (status, body)) acknowledged by the victim, in order
    workload = Workload(random.Random(opts.seed * 7919))
    kills = clean = present = absent = 0
    try:
        server = Server(opts.binary, victim_args)
        for round_no in range(opts.rounds):
            stop = threading.Event()
            in_flight = []

            def call(request):
                res = send(server.port, request)
                if res is None:
                    in_flight.append(request)
                    return None
                log.append((request, res))
                return res

            client = threading.Thread(target=workload.run, args=(call, stop))
            client.start()
            time.sleep(rng.uniform(0.05, 0.5))
            graceful = rng.randrange(4) == 0
            code = server.stop(signal.SIGTERM if graceful else signal.SIGKILL)
            stop.set()
            client.join(60)
            if graceful:
                clean += 1
                if code != 0:
                    raise SystemExit("pcsim serve exited %s on SIGTERM: %s" % (code, "".join(server.stderr)))
            else:
                kills += 1
            server = Server(opts.binary, victim_args)
            sent, restored = dump(server.port)
            expected = reference_dump(opts.binary, base_args, log, [])
            if restored != expected:
                if not in_flight:
                    raise SystemExit("round %d: the restored state differs from the acknowledged one" % round_no)
                expected = reference_dump(opts.binary, base_args, log, in_flight)
                if restored != expected:
                    for (p, a), (_, b) in zip(restored, expected):
                        if a != b:
                            print("first difference at GET %s:\n  restored %s\n  expected %s" % (p, a[1][:400], b[1][:400]))
                            break
                    raise SystemExit("round %d: the restored state is neither with nor without the request in flight"
                                     % round_no)
                present += 1
                # The request in flight took effect; its answer was lost.
                log.append((in_flight[0], None))
            elif in_flight:
                absent += 1
            log.extend(zip(sent, [r for _, r in restored]))
        server.stop(signal.SIGTERM)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    print("%d rounds (%d SIGKILL, %d SIGTERM), %d acknowledged requests; in flight at a stop: %d restored, %d absent"
          % (opts.rounds, kills, clean, len(log), present, absent))
    if opts.concurrent_rounds > 0:
        state_dir = tempfile.mkdtemp(prefix="pcsim-kill-concurrent-")
        try:
            concurrent_rounds(opts.binary, base_args + ["--state-dir", state_dir, "--snapshot-every", "40"], rng,
                              opts.concurrent_rounds, opts.clients)
        finally:
            shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
