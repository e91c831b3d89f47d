#!/usr/bin/env python3
"""The renewal guard in Python, with only the standard library.

Once a day it lists every customer's subscriptions, finds those whose term
ends within N days with auto-renew off and no explicit choice of what happens
at term end, and sets the scheduled action its policy names (Cancel or
RenewToNewTerm), so that none drifts into the paid Extended Service Term.
A RenewToExtendedServiceTerm action counts as "no explicit choice": Partner
Center sets it itself (the February 2026 backfill, and 24 hours after
auto-renew is turned off without a Cancel).

    renewal_guard.py --base-url http://127.0.0.1:8080 --today 2026-05-01 \
        [--days 30] [--default Cancel|RenewToNewTerm] [--renew PRODUCT[:SKU]]...
"""
import argparse
import datetime
import decimal
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def _number(value):
    """JSON for the decimal.Decimal values read from responses."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class PartnerCenterError(Exception):
    """A non-2xx answer: the HTTP status and Partner Center's error code."""

    def __init__(self, status, code, description):
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description


class PartnerCenter:
    """A small Partner Center REST client: bearer token, MS-RequestId kept
    across retries, Retry-After honoured on 429 and 503 (bounded), and
    collections followed through links.next and MS-ContinuationToken."""

    def __init__(self, base_url, token="renewal-guard", max_attempts=4, max_wait=60.0, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.sleep = sleep

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body, default=_number).encode("utf-8")
        all_headers = {
            "Authorization": "Bearer " + self.token,
            "Accept": "application/json",
            "MS-RequestId": str(uuid.uuid4()),
            "MS-CorrelationId": "renewal-guard",
        }
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        for attempt in range(1, self.max_attempts + 1):
            req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=all_headers)
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    text = resp.read().decode("utf-8")
                    # Money stays exact: fractional numbers become decimal.Decimal.
                    return json.loads(text, parse_float=decimal.Decimal) if text else None
            except urllib.error.HTTPError as err:
                text = err.read().decode("utf-8", "replace")
                retry_after = err.headers.get("Retry-After", "")
                if err.code in (429, 503) and attempt < self.max_attempts:
                    wait = float(retry_after) if retry_after.isdigit() else 1.0
                    if wait <= self.max_wait:
                        self.sleep(wait)
                        continue
                try:
                    body = json.loads(text)
                except ValueError:
                    body = {}
                code = body.get("code") or body.get("statusCode") or 0
                raise PartnerCenterError(err.code, int(code), body.get("description") or body.get("message") or text)

    def all_pages(self, path):
        items, headers, seen = [], {}, set()
        while True:
            page = self.request("GET", path, headers=headers)
            items.extend(page.get("items", []))
            nxt = (page.get("links") or {}).get("next")
            if not nxt:
                return items
            path = nxt["uri"] if nxt["uri"].startswith("/v1/") else "/v1" + nxt["uri"]
            headers = {h["key"]: h["value"] for h in nxt.get("headers", [])}
            key = (path, tuple(sorted(headers.items())))
            if key in seen:
                raise PartnerCenterError(502, 0, "the same next page twice: " + path)
            seen.add(key)

    def customers(self):
        return self.all_pages("/v1/customers?size=100")

    def subscriptions(self, customer_id):
        return self.all_pages("/v1/customers/" + urllib.parse.quote(customer_id, safe="") + "/subscriptions")

    def get_subscription(self, customer_id, subscription_id):
        return self.request("GET", self._subscription_path(customer_id, subscription_id))

    def update_subscription(self, customer_id, subscription):
        """PATCH with the full resource and If-Match, as Partner Center expects."""
        headers = {}
        etag = (subscription.get("attributes") or {}).get("etag")
        if etag:
            headers["If-Match"] = etag
        return self.request("PATCH", self._subscription_path(customer_id, subscription["id"]), subscription, headers)

    @staticmethod
    def _subscription_path(customer_id, subscription_id):
        return ("/v1/customers/" + urllib.parse.quote(customer_id, safe="") + "/subscriptions/" +
                urllib.parse.quote(subscription_id, safe=""))


CANCEL = "Cancel"
RENEW = "RenewToNewTerm"


class Policy:
    def __init__(self, days_before_term_end=30, default_action=CANCEL, per_offer=None,
                 replace_extended_service_term=True):
        self.days_before_term_end = days_before_term_end
        self.default_action = default_action
        self.per_offer = dict(per_offer or {})  # "PRODUCT" or "PRODUCT:SKU" -> action
        self.replace_extended_service_term = replace_extended_service_term

    def action_for(self, offer_id):
        product_sku = offer_id.rsplit(":", 1)[0]
        product = offer_id.split(":", 1)[0]
        for key in (offer_id, product_sku, product):
            if key in self.per_offer:
                return self.per_offer[key]
        return self.default_action


def needs_action(subscription, today, policy):
    """Days left to the term end if the guard should act on it today, else None."""
    if subscription.get("status") != "active" or subscription.get("isTrial") or subscription.get("autoRenewEnabled"):
        return None
    for action in subscription.get("scheduledActions") or []:
        if not (policy.replace_extended_service_term and action.get("actionType") == "RenewToExtendedServiceTerm"):
            return None
    end = datetime.date.fromisoformat(subscription["commitmentEndDate"][:10])
    left = (end - today).days
    if left < 0 or left > policy.days_before_term_end:
        return None
    return left


def run_once(api, policy, today, log=print):
    """One daily pass; returns [(customer_id, subscription_id, action, error or None)]."""
    decisions = []
    for customer in api.customers():
        for sub in api.subscriptions(customer["id"]):
            if sub.get("isInExtendedServiceTerm"):
                log(f"{today} WARNING subscription {sub['id']} of {customer['id']} is in the Extended Service Term")
            left = needs_action(sub, today, policy)
            if left is None:
                continue
            action = policy.action_for(sub["offerId"])
            sub["scheduledActions"] = [{"scheduleType": "TermEnd", "actionType": action}]
            try:
                api.update_subscription(customer["id"], sub)
                log(f"{today} scheduled {action} for subscription {sub['id']} ({sub['offerId']}, customer "
                    f"{customer['id']}), term ends {sub['commitmentEndDate'][:10]} in {left} days")
                decisions.append((customer["id"], sub["id"], action, None))
            except PartnerCenterError as err:
                log(f"{today} could not schedule {action} for subscription {sub['id']}: {err}")
                decisions.append((customer["id"], sub["id"], action, str(err)))
    return decisions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--today", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--token", default="renewal-guard")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--default", choices=[CANCEL, RENEW], default=CANCEL)
    parser.add_argument("--renew", action="append", default=[], metavar="PRODUCT[:SKU]")
    parser.add_argument("--cancel", action="append", default=[], metavar="PRODUCT[:SKU]")
    args = parser.parse_args(argv)
    if not 0 <= args.days <= 3650:
        parser.error("--days takes a whole number of days from 0 to 3650")
    per_offer = {k: RENEW for k in args.renew}
    per_offer.update({k: CANCEL for k in args.cancel})
    policy = Policy(args.days, args.default, per_offer)
    try:
        decisions = run_once(PartnerCenter(args.base_url, args.token), policy, args.today)
    except (PartnerCenterError, OSError) as err:
        print(f"renewal_guard: {err}", file=sys.stderr)
        return 1
    return 1 if any(error for *_, error in decisions) else 0


if __name__ == "__main__":
    sys.exit(main())
