#!/usr/bin/env python3
"""Writes the router fuzzer's seed corpus (corpus/router/) from the documented
Partner Center samples (tests/api/data/partner-center-doc-examples.json, the
requests and answers of Partner Center's REST pages): each sample alone, and
each sample after a setup that creates a customer, attests the MCA and buys a
subscription. Ids in the sample paths become {customer}, {subscription},
{order} and {cart} (see router_fuzz.cc)."""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "api", "data", "partner-center-doc-examples.json")
OUT = os.path.join(HERE, "corpus", "router")

SETUP = [
    "POST /v1/customers\nContent-Type: application/json\n\n" + json.dumps({
        "companyProfile": {"domain": "contoso.onmicrosoft.com"},
        "billingProfile": {"email": "a@contoso.example", "culture": "en-US", "language": "en",
                           "companyName": "Contoso", "defaultAddress": {
                               "firstName": "Ada", "lastName": "Lovelace", "addressLine1": "1 Microsoft Way",
                               "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"}}}),
    "POST /v1/customers/{customer}/agreements\n\n" + json.dumps({
        "primaryContact": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@contoso.example"},
        "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": "2026-01-01T00:00:00Z",
        "type": "MicrosoftCustomerAgreement"}),
    "POST /v1/customers/{customer}/carts\n\n" + json.dumps({"lineItems": [{
        "id": 0, "catalogItemId": "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", "quantity": 10,
        "termDuration": "P1Y", "billingCycle": "monthly"}]}),
    "POST /v1/customers/{customer}/carts/{cart}/checkout\n\n",
    "POST /_sim/clock/advance\n\n" + json.dumps({"by": "PT5M"}),
]

def templated(path):
    path = re.sub(r"(?i)(/customers/)[^/?]+", r"\1{customer}", path)
    path = re.sub(r"(?i)(/subscriptions/)[^/?]+", r"\1{subscription}", path)
    path = re.sub(r"(?i)(/orders/)[^/?]+", r"\1{order}", path)
    path = re.sub(r"(?i)(/carts/)[^/?]+", r"\1{cart}", path)
    return path

def main():
    os.makedirs(OUT, exist_ok=True)
    examples = json.load(open(EXAMPLES))
    for ex in examples:
        if not ex.get("method") or not ex.get("path_only"):
            continue
        target = ex["path_only"]
        full = ex.get("path", "")
        if "?" in full and "?" not in target:
            target += full[full.index("?"):]
        headers = "".join(f"{k}: {v}\n" for k, v in ex.get("request_headers", [])
                          if k.lower() not in ("authorization", "content-length", "host"))
        body = ex.get("request_body") or ""
        request = f"{ex['method']} {templated(target)}\n{headers}\n{body}"
        name = re.sub(r"[^a-z0-9-]+", "-", ex["id"].lower())
        with open(os.path.join(OUT, name), "w") as f:
            f.write(request)
        with open(os.path.join(OUT, name + "-after-purchase"), "w") as f:
            f.write("\n===\n".join(SETUP + [request]))
    with open(os.path.join(OUT, "setup-only"), "w") as f:
        f.write("\n===\n".join(SETUP))

if __name__ == "__main__":
    main()
