#!/usr/bin/env python3
"""Tests of renewal_guard.py against `pcsim serve` over HTTP.

The same book as the C++ guard's tests, from April 2025 through the February
2026 backfill and the 2026-05-04 enforcement date, one guard pass a day: no
subscription drifts into the Extended Service Term, and without the guard the
book does. The charges are read as an integration must since the v2 cutover
(April 21, 2025): through Microsoft Graph's billing exports (graph_export.py),
polling on pcsim's simulated clock. Run by ctest with PCSIM_BINARY set to the
pcsim command.
"""
import datetime
import decimal
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graph_export  # noqa: E402
import renewal_guard as rg  # noqa: E402
from pcsim_server import Server, new_customer  # noqa: E402

START = "2025-04-01T08:00:00Z"


class BookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--start", START)
        cls.api = rg.PartnerCenter(cls.server.base_url, token="python-guard-test")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # --- the sandbox, through the control API ---------------------------------
    def control(self, method, path, body=None):
        return self.api.request(method, path, body)

    def today(self):
        return datetime.date.fromisoformat(self.control("GET", "/_sim/clock")["now"][:10])

    def advance_to(self, instant):
        self.control("POST", "/_sim/clock/advance", {"to": instant})

    def now(self):
        return datetime.datetime.fromisoformat(self.control("GET", "/_sim/clock")["now"].replace("Z", "+00:00"))

    def simulated_wait(self, seconds):
        """The export's wait between two polls: the simulated clock moves on by
        Retry-After instead of the test sleeping."""
        self.waits.append(seconds)
        self.control("POST", "/_sim/clock/advance", {"by": f"PT{seconds}S"})

    def new_customer(self, n):
        return new_customer(self.control, f"guard{n}", self.control("GET", "/_sim/clock")["now"])

    def buy(self, customer, product_sku, seats, term, billing):
        product, sku = product_sku.split(":")
        availability = self.control("GET", f"/v1/products/{product}/skus/{sku}/availabilities?country=US")["items"][0]
        cart = self.control("POST", f"/v1/customers/{customer}/carts", {"lineItems": [
            {"id": 0, "catalogItemId": availability["catalogItemId"], "quantity": seats, "termDuration": term,
             "billingCycle": billing}]})
        result = self.control("POST", f"/v1/customers/{customer}/carts/{cart['id']}/checkout")
        self.control("POST", "/_sim/clock/advance", {"by": "PT5M"})
        order = self.control("GET", f"/v1/customers/{customer}/orders/{result['orders'][0]['id']}")
        return customer, order["lineItems"][0]["subscriptionId"]

    def auto_renew_off(self, ref):
        customer, sub_id = self.book[ref]
        sub = self.api.get_subscription(customer, sub_id)
        sub["autoRenewEnabled"] = False
        self.api.update_subscription(customer, sub)

    def get(self, ref):
        return self.api.get_subscription(*self.book[ref])

    def setUp(self):
        self.control("POST", "/_sim/reset", {"start": START})
        contoso, fabrikam = self.new_customer(1), self.new_customer(2)
        self.book = {}
        self.advance_to("2025-04-02T09:00:00Z")
        self.book["e5_early"] = self.buy(fabrikam, "CFQ7TTC0LF8S:0001", 4, "P1Y", "Monthly")
        self.auto_renew_off("e5_early")
        self.advance_to("2025-04-15T09:00:00Z")
        self.book["basic_monthly"] = self.buy(fabrikam, "CFQ7TTC0LH18:0001", 20, "P1M", "Monthly")
        self.advance_to("2025-05-20T09:00:00Z")
        self.book["e3_renew"] = self.buy(contoso, "CFQ7TTC0LFLZ:0001", 10, "P1Y", "Monthly")
        self.auto_renew_off("e3_renew")
        self.advance_to("2025-06-10T09:00:00Z")
        self.book["bp_cancel"] = self.buy(contoso, "CFQ7TTC0LCHC:0002", 5, "P1Y", "Annual")
        self.auto_renew_off("bp_cancel")
        self.log = []
        self.waits = []
        self.graph = graph_export.GraphBillingExport(self.server.base_url + "/v1.0", "python-guard-test",
                                                     wait=self.simulated_wait)

    def run_to(self, last_day, policy):
        """Day by day to last_day; returns {ref: first day seen in EST}."""
        in_est = {}
        last = datetime.date.fromisoformat(last_day)
        while self.today() < last:
            day = self.today() + datetime.timedelta(days=1)
            self.advance_to(day.isoformat() + "T06:00:00Z")
            if day.isoformat() == "2026-07-01":
                self.auto_renew_off("basic_monthly")
            if policy is not None:
                decisions = rg.run_once(self.api, policy, day, log=self.log.append)
                self.assertTrue(all(error is None for *_, error in decisions), decisions)
            for ref in self.book:
                if self.get(ref).get("isInExtendedServiceTerm") and ref not in in_est:
                    in_est[ref] = day.isoformat()
        return in_est

    def line_items(self):
        """Every charge: each invoice's billed reconciliation export, then the
        unbilled ones of last month and this month (PascalCase keys)."""
        lines = []
        for invoice in self.api.all_pages("/v1/invoices"):
            lines += self.graph.billed_reconciliation(invoice["id"])
        for period in ("last", "current"):
            try:
                lines += self.graph.unbilled_reconciliation("USD", period)
            except graph_export.ExportError as err:
                if err.code != "5000":  # "No data available": nothing of that period is unbilled
                    raise
        return lines

    def test_an_export_polls_on_the_simulated_clock(self):
        self.advance_to("2025-07-08T09:00:00Z")
        invoices = self.api.all_pages("/v1/invoices")
        june = [i for i in invoices if i["invoiceDate"][:7] == "2025-07"]
        self.assertEqual(len(june), 1, invoices)
        before = self.now()
        rows = self.graph.billed_reconciliation(june[0]["id"])
        self.assertEqual(self.waits, [300])  # graphExport.delaySeconds: one Retry-After, then succeeded
        self.assertEqual(self.now() - before, datetime.timedelta(seconds=300))
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(row["InvoiceNumber"], june[0]["id"])
            self.assertEqual(row["Total"], row["Subtotal"])
        first = [r for r in rows if r["SubscriptionId"] == self.book["bp_cancel"][1]]
        self.assertEqual([(r["ChargeType"], r["Quantity"]) for r in first], [("new", 5)])
        # A v1 read of the same invoice is refused since the cutover.
        with self.assertRaises(rg.PartnerCenterError) as refused:
            self.api.all_pages(f"/v1/invoices/{june[0]['id']}/lineitems?provider=onetime"
                               "&invoicelineitemtype=billinglineitems")
        self.assertEqual((refused.exception.status, refused.exception.code), (400, 800002))

    def test_no_subscription_drifts_into_est(self):
        policy = rg.Policy(30, rg.CANCEL, {"CFQ7TTC0LFLZ": rg.RENEW})
        in_est = self.run_to("2026-12-31", policy)
        self.assertEqual(in_est, {})
        def logged(text):
            return any(text in line for line in self.log)
        self.assertTrue(logged("2026-03-02 scheduled Cancel for subscription " + self.book["e5_early"][1]))
        self.assertTrue(logged("2026-04-19 scheduled RenewToNewTerm for subscription " + self.book["e3_renew"][1]))
        self.assertTrue(logged("2026-05-10 scheduled Cancel for subscription " + self.book["bp_cancel"][1]))
        self.assertTrue(logged("2026-07-01 scheduled Cancel for subscription " + self.book["basic_monthly"][1]))
        self.assertFalse(logged("WARNING"))

        lines = self.line_items()
        self.assertFalse([l for l in lines if l["TermAndBillingCycle"] == "Extended Service Term"])
        for ref, end in (("e5_early", "2026-04-01"), ("bp_cancel", "2026-06-09"), ("basic_monthly", "2026-07-14")):
            sub = self.get(ref)
            self.assertNotEqual(sub["status"], "active", ref)
            self.assertEqual(sub["commitmentEndDate"][:10], end, ref)
            late = [l for l in lines if l["SubscriptionId"] == sub["id"] and l["ChargeStartDate"][:10] > end]
            self.assertEqual(late, [], ref)
        e3 = self.get("e3_renew")
        self.assertEqual((e3["status"], e3["quantity"], e3["commitmentEndDate"][:10]), ("active", 10, "2027-05-19"))
        renew = [l for l in lines if l["SubscriptionId"] == e3["id"] and l["ChargeType"] == "renew"]
        self.assertEqual(len(renew), 1)
        self.assertEqual((renew[0]["Quantity"], renew[0]["UnitPrice"], renew[0]["Subtotal"], renew[0]["Total"],
                          renew[0]["ChargeStartDate"][:10], renew[0]["ChargeEndDate"][:10]),
                         (10, decimal.Decimal("37.80"), 378, 378, "2026-05-20", "2026-06-19"))

    def test_without_the_guard_the_book_drifts_into_est(self):
        in_est = self.run_to("2026-12-31", None)
        self.assertEqual(in_est, {"e3_renew": "2026-05-20", "bp_cancel": "2026-06-10",
                                  "basic_monthly": "2026-07-15"})
        lines = self.line_items()
        self.assertTrue([l for l in lines if l["TermAndBillingCycle"] == "Extended Service Term"])


class PolicyTest(unittest.TestCase):
    def test_most_specific_offer_rule_wins(self):
        policy = rg.Policy(per_offer={"P": rg.RENEW, "P:0002": rg.CANCEL})
        self.assertEqual(policy.action_for("P:0001:A"), rg.RENEW)
        self.assertEqual(policy.action_for("P:0002:A"), rg.CANCEL)
        self.assertEqual(policy.action_for("Q:0001:A"), rg.CANCEL)

    def test_needs_action(self):
        policy = rg.Policy(30)
        today = datetime.date(2026, 5, 1)
        base = {"status": "active", "autoRenewEnabled": False, "commitmentEndDate": "2026-05-31T00:00:00Z",
                "scheduledActions": []}
        self.assertEqual(rg.needs_action(base, today, policy), 30)
        self.assertIsNone(rg.needs_action(dict(base, commitmentEndDate="2026-06-01T00:00:00Z"), today, policy))
        self.assertIsNone(rg.needs_action(dict(base, autoRenewEnabled=True), today, policy))
        self.assertIsNone(rg.needs_action(dict(base, scheduledActions=[{"actionType": "Cancel"}]), today, policy))
        self.assertEqual(rg.needs_action(dict(base, scheduledActions=[{"actionType": "RenewToExtendedServiceTerm"}]),
                                         today, policy), 30)
        self.assertIsNone(rg.needs_action(dict(base, status="suspended"), today, policy))


if __name__ == "__main__":
    unittest.main()
