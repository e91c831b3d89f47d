"""What the Python tests share: `pcsim serve` on a free port (the binary is
$PCSIM_BINARY, else pcsim on the PATH; `args` go after `serve --port 0`), and
a US customer with an attested Microsoft Customer Agreement."""
import os
import re
import subprocess


class Server:
    def __init__(self, *args):
        binary = os.environ.get("PCSIM_BINARY", "pcsim")
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("pcsim serve did not start: " + line)
        self.base_url = match.group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def new_customer(request, name, date_agreed):
    """Creates a US customer `name` (its domain `name`.onmicrosoft.com) and
    attests the MCA on `date_agreed`, through `request(method, path, body)`;
    returns the customer's id."""
    customer = request("POST", "/v1/customers", {
        "companyProfile": {"domain": f"{name}.onmicrosoft.com"},
        "billingProfile": {"culture": "en-US", "email": f"admin@{name}.example", "language": "en",
                           "companyName": name,
                           "defaultAddress": {"firstName": "Ada", "lastName": "Lovelace",
                                              "addressLine1": "1 Main Street", "city": "Redmond",
                                              "state": "WA", "postalCode": "98052", "country": "US"}}})["id"]
    request("POST", f"/v1/customers/{customer}/agreements", {
        "primaryContact": {"firstName": "Ada", "lastName": "Lovelace", "email": f"ada@{name}.example"},
        "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": date_agreed,
        "type": "MicrosoftCustomerAgreement"})
    return customer
