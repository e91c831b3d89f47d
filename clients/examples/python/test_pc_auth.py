"""pc_auth.py against `pcsim serve --auth strict`: the purchase flow with an
App+User token from a refresh token, an app-only token from client
credentials, an expired token renewed, another audience refused, and the
endpoint's errors."""
import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pc_auth  # noqa: E402
import renewal_guard as rg  # noqa: E402
from pcsim_server import Server, new_customer  # noqa: E402

TENANT = "0e195b37-4574-4539-bc42-0e539b9684c0"
CLIENT = "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de"
CONTROL = "python-auth-control-token"


class PcAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--auth", "strict", "--control-token", CONTROL)
        cls.base_url = cls.server.base_url

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def control(self, path, body):
        req = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Pcsim-Control-Token": CONTROL})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def test_purchase_flow_with_an_app_plus_user_token(self):
        self.control("/_sim/reset", {"start": "2026-01-15T09:00:00Z"})
        first = self.control("/_sim/token", {"partner": TENANT})["refresh_token"]
        answer = pc_auth.refresh(self.base_url, TENANT, CLIENT, "s3cret", first)
        self.assertEqual(answer["token_type"], "Bearer")
        self.assertEqual(answer["resource"], pc_auth.PARTNER_CENTER)
        self.assertIn("refresh_token", answer)
        api = rg.PartnerCenter(self.base_url, token=answer["access_token"])
        customer = new_customer(api.request, "pyauth", "2026-01-15T09:00:00Z")
        cart = api.request("POST", f"/v1/customers/{customer}/carts", {"lineItems": [
            {"id": 0, "catalogItemId": "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", "quantity": 5,
             "termDuration": "P1Y", "billingCycle": "monthly"}]})
        order = api.request("POST", f"/v1/customers/{customer}/carts/{cart['id']}/checkout")
        self.assertEqual(len(order["orders"]), 1)
        # The token expires on the simulated clock; the rotated refresh token renews it.
        self.control("/_sim/clock/advance", {"by": "PT2H"})
        with self.assertRaises(rg.PartnerCenterError) as expired:
            api.request("GET", "/v1/customers")
        self.assertEqual(expired.exception.status, 401)
        renewed = pc_auth.refresh(self.base_url, TENANT, CLIENT, "s3cret", answer["refresh_token"])
        api.token = renewed["access_token"]
        self.assertEqual(api.request("GET", "/v1/customers")["totalCount"], 1)

    def test_app_only_token_and_its_audience(self):
        answer = pc_auth.client_credentials(self.base_url, TENANT, CLIENT, "s3cret")
        self.assertEqual(answer["expires_in"], "3600")
        self.assertEqual(rg.PartnerCenter(self.base_url, token=answer["access_token"])
                         .request("GET", "/v1/customers")["attributes"]["objectType"], "Collection")
        graph = pc_auth.client_credentials(self.base_url, TENANT, CLIENT, "s3cret", resource=pc_auth.GRAPH)
        with self.assertRaises(rg.PartnerCenterError) as wrong:
            rg.PartnerCenter(self.base_url, token=graph["access_token"]).request("GET", "/v1/customers")
        self.assertEqual((wrong.exception.status, wrong.exception.code), (401, 900420))

    def test_errors(self):
        with self.assertRaises(pc_auth.TokenError) as empty:
            pc_auth.client_credentials(self.base_url, TENANT, CLIENT, "")
        self.assertEqual((empty.exception.status, empty.exception.error, empty.exception.code),
                         (401, "invalid_client", 7000215))
        with self.assertRaises(pc_auth.TokenError) as domain:
            pc_auth.client_credentials(self.base_url, "contoso.onmicrosoft.com", CLIENT, "s3cret")
        self.assertEqual(domain.exception.code, 90002)
        with self.assertRaises(pc_auth.TokenError) as forged:
            pc_auth.refresh(self.base_url, TENANT, CLIENT, "s3cret", "pcsim-rt.forged")
        self.assertEqual(forged.exception.error, "invalid_grant")


if __name__ == "__main__":
    unittest.main()
