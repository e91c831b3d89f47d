"""graph_export.py against `pcsim serve` over HTTP: polling on the simulated
clock, an export split into several blobs, an expired SAS token, an invoice
of a period the v2 export does not serve (code 5000), and the v1 cutover.

The server runs with graphExport.rowsPerBlob=2 and graphExport.sasHours=1, so
that a small book has several blobs and a token expires within the test.
"""
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graph_export  # noqa: E402
import renewal_guard as rg  # noqa: E402
from pcsim_server import Server, new_customer  # noqa: E402

E3, BASIC, E1 = "CFQ7TTC0LFLZ:0001", "CFQ7TTC0LH18:0001", "CFQ7TTC0LF8Q:0001"


class GraphExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--policy-override", "graphExport.rowsPerBlob=2",
                            "--policy-override", "graphExport.sasHours=1")
        cls.base_url = cls.server.base_url
        cls.api = rg.PartnerCenter(cls.base_url, token="python-graph-test")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.waits = []
        self.export = graph_export.GraphBillingExport(self.base_url + "/v1.0", "python-graph-test",
                                                      wait=self.simulated_wait)

    def simulated_wait(self, seconds):
        self.waits.append(seconds)
        self.api.request("POST", "/_sim/clock/advance", {"by": f"PT{seconds}S"})

    def book(self, start, purchases, invoiced_on):
        """A fresh sandbox from `start` with one customer and `purchases`
        ((product:sku, seats, term, billing)); the clock moved to `invoiced_on`.
        The id of the partner's first invoice."""
        self.api.request("POST", "/_sim/reset", {"start": start})
        customer = new_customer(self.api.request, "graph", self.api.request("GET", "/_sim/clock")["now"])
        for product_sku, seats, term, billing in purchases:
            product, sku = product_sku.split(":")
            item = self.api.request("GET", f"/v1/products/{product}/skus/{sku}/availabilities?country=US")["items"][0]
            cart = self.api.request("POST", f"/v1/customers/{customer}/carts", {"lineItems": [
                {"id": 0, "catalogItemId": item["catalogItemId"], "quantity": seats, "termDuration": term,
                 "billingCycle": billing}]})
            self.api.request("POST", f"/v1/customers/{customer}/carts/{cart['id']}/checkout")
        self.api.request("POST", "/_sim/clock/advance", {"to": invoiced_on})
        return self.api.request("GET", "/v1/invoices")["items"][0]["id"]

    def test_polling_several_blobs_and_exact_money(self):
        invoice = self.book("2026-01-15T09:00:00Z", [(E3, 10, "P1Y", "monthly"), (BASIC, 3, "P1Y", "annual"),
                                                     (E1, 4, "P1M", "monthly")], "2026-02-07T00:00:00Z")
        operation = self.export.wait_for(self.export.start("reconciliation/billed", {"invoiceId": invoice}))
        self.assertEqual(self.waits, [300])  # one Retry-After, honoured on the simulated clock
        manifest = self.export.manifest(operation)
        self.assertEqual(manifest["blobCount"], 2)  # three rows, two per blob
        rows = self.export.rows(manifest)
        self.assertEqual([r["ChargeType"] for r in rows], ["new", "new", "new"])
        self.assertEqual(rows[0]["Total"], 378)           # 10 x 37.80
        self.assertEqual(str(rows[0]["UnitPrice"]), "37.8")  # a Decimal, never a float
        self.assertTrue(all(r["InvoiceNumber"] == invoice for r in rows))

    def test_an_expired_sas_token_is_refused_and_a_new_manifest_reads_again(self):
        invoice = self.book("2026-01-15T09:00:00Z", [(E3, 2, "P1M", "monthly")], "2026-02-07T00:00:00Z")
        operation = self.export.wait_for(self.export.start("reconciliation/billed", {"invoiceId": invoice}))
        manifest = self.export.manifest(operation)
        self.simulated_wait(3600)  # graphExport.sasHours=1
        with self.assertRaises(graph_export.ExportError) as refused:
            self.export.rows(manifest)
        self.assertEqual((refused.exception.status, refused.exception.code), (403, "AuthenticationFailed"))
        fresh = self.export.manifest({"resourceLocation@odata.navigationLink": operation[
            "resourceLocation@odata.navigationLink"]})
        self.assertEqual(len(self.export.rows(fresh)), 1)

    def test_an_invoice_of_a_period_v2_does_not_serve_fails_with_5000(self):
        invoice = self.book("2024-01-10T09:00:00Z", [(E3, 2, "P1M", "monthly")], "2024-02-07T00:00:00Z")
        with self.assertRaises(graph_export.ExportError) as failed:
            self.export.billed_reconciliation(invoice)
        self.assertEqual(failed.exception.code, "5000")
        self.assertIn(f"Invoice {invoice}", failed.exception.message)

    def test_v1_line_items_stop_at_the_cutover(self):
        invoice = self.book("2025-03-10T09:00:00Z", [(E3, 2, "P1M", "monthly")], "2025-04-07T00:00:00Z")
        v1 = f"/v1/invoices/{invoice}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
        self.assertEqual(len(self.api.request("GET", v1)["items"]), 1)  # before April 21, 2025
        self.api.request("POST", "/_sim/clock/advance", {"to": "2025-04-21T00:00:00Z"})
        with self.assertRaises(rg.PartnerCenterError) as refused:
            self.api.request("GET", v1)
        self.assertEqual((refused.exception.status, refused.exception.code), (400, 800002))
        self.assertEqual(len(self.export.billed_reconciliation(invoice)), 1)  # the export still reads it


if __name__ == "__main__":
    unittest.main()
