#!/usr/bin/env python3
"""Microsoft Graph partner billing exports, with only the standard library.

Reads billed and unbilled reconciliation (and usage) rows the way Microsoft's
published recon sample (Partner-Center-Billing-Recon-Samples, MSGraphSample)
does: POST the export, read its Location, GET that operation until it is no
longer running (waiting its Retry-After between two GETs), take the manifest
(inline in the succeeded operation's resourceLocation), download each blob
from rootDirectory/name?sasToken, gunzip it and read its JSON lines.

The wait between polls is the caller's: time.sleep against Microsoft, and,
against pcsim, a function that advances the simulated clock by the seconds
(POST /_sim/clock/advance), so that no test sleeps.

    export = GraphBillingExport("https://graph.microsoft.com/v1.0", token)
    rows = export.billed_reconciliation("G000000001")
    rows[0]["ChargeType"], rows[0]["Total"]    # money as decimal.Decimal
"""
import decimal
import gzip
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib


class ExportError(Exception):
    """An export that could not be read: the HTTP status, and Microsoft's code
    ("5000" for a failed operation; Graph's "itemNotFound", ...) and message."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class GraphBillingExport:
    """One Graph root ("https://graph.microsoft.com/v1.0", or pcsim's
    "http://127.0.0.1:8080/v1.0") with a bearer token. `wait(seconds)` is
    called between two polls of an operation and before retrying a 429 or 503;
    at most `max_polls` GETs of one operation."""

    def __init__(self, graph_root, token, wait=time.sleep, max_polls=10, max_attempts=4, timeout=30):
        self.graph_root = graph_root.rstrip("/")
        self.token = token
        self.wait = wait
        self.max_polls = max_polls
        self.max_attempts = max_attempts
        self.timeout = timeout

    # --- HTTP ------------------------------------------------------------------
    def _url(self, link):
        """A link as a URL: absolute as given, a path on the Graph root's origin."""
        if link.startswith(("http://", "https://")):
            return link
        parts = urllib.parse.urlsplit(self.graph_root)
        return f"{parts.scheme}://{parts.netloc}{link}"

    def _send(self, method, url, body=None, bearer=True):
        """(status, headers, bytes) of a 2xx answer; ExportError otherwise.
        A blob is read without the bearer token: its SAS token is the credential."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", "client-request-id": str(uuid.uuid4())}
        if bearer:
            headers["Authorization"] = "Bearer " + self.token
        if data is not None:
            headers["Content-Type"] = "application/json"
        attempts = max(1, self.max_attempts)
        for attempt in range(1, attempts + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as err:
                text = err.read().decode("utf-8", "replace")
                retry_after = err.headers.get("Retry-After", "")
                if err.code in (429, 503) and attempt < attempts:
                    self.wait(int(retry_after) if retry_after.isdigit() else 1)
                    continue
                raise _error_of(err.code, err.headers, text) from None

    def _json(self, method, url, body=None):
        status, headers, data = self._send(method, url, body)
        try:
            return json.loads(data or b"null"), headers
        except ValueError:
            raise ExportError(502, "", f"{method} {url} did not answer with JSON") from None

    # --- the flow ----------------------------------------------------------------
    def start(self, route, body):
        """POST {root}/reports/partners/billing/{route}/export; the operation's URL (Location)."""
        status, headers, _ = self._send("POST", f"{self.graph_root}/reports/partners/billing/{route}/export", body)
        location = headers.get("Location")
        if not location:
            raise ExportError(502, "", f"the export was accepted ({status}) without a Location")
        return self._url(location)

    def wait_for(self, operation_url):
        """The succeeded operation; ExportError for a failed one (its code and
        message) or one still running after max_polls GETs (status 202)."""
        for poll in range(1, self.max_polls + 1):
            operation, headers = self._json("GET", operation_url)
            status = str(operation.get("status", "")).lower()
            if status == "succeeded":
                return operation
            if status == "failed":
                error = operation.get("error") or {}
                raise ExportError(200, str(error.get("code", "")), error.get("message", "the export failed"))
            if status not in ("running", "notstarted"):
                raise ExportError(502, "", f"the export has an unknown status {status!r}")
            if poll < self.max_polls:
                retry_after = headers.get("Retry-After", "")
                self.wait(int(retry_after) if retry_after.isdigit() else 60)
        raise ExportError(202, "", f"the export is still running after {self.max_polls} polls")

    def manifest(self, operation):
        """The manifest of a succeeded operation: inline (resourceLocation), as
        the sample reads it, else through its navigation link."""
        inline = operation.get("resourceLocation")
        if isinstance(inline, dict) and "rootDirectory" in inline:
            return inline
        return self._json("GET", self._url(operation["resourceLocation@odata.navigationLink"]))[0]

    def rows(self, manifest):
        """Every row of every blob, in blob order: dicts with PascalCase keys,
        fractional numbers as decimal.Decimal."""
        rows = []
        root, sas = manifest["rootDirectory"].rstrip("/"), manifest.get("sasToken", "").lstrip("?")
        for blob in manifest.get("blobs", []):
            _, _, data = self._send("GET", self._url(f"{root}/{blob['name']}?{sas}"), bearer=False)
            try:
                text = gzip.decompress(data).decode("utf-8")
            except (OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
                raise ExportError(502, "", f"blob {blob['name']} is not gzip-compressed text: {err}") from None
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line, parse_float=decimal.Decimal)
                except ValueError:
                    row = None
                if not isinstance(row, dict):
                    raise ExportError(502, "", f"blob {blob['name']} line {number} is not a JSON object")
                rows.append(row)
        return rows

    def export(self, route, body):
        """The whole flow: start, wait, manifest, rows."""
        return self.rows(self.manifest(self.wait_for(self.start(route, body))))

    def billed_reconciliation(self, invoice_id, attribute_set="full"):
        return self.export("reconciliation/billed", {"invoiceId": invoice_id, "attributeSet": attribute_set})

    def unbilled_reconciliation(self, currency_code, billing_period, attribute_set="full"):
        """billing_period: "current" or "last"."""
        return self.export("reconciliation/unbilled", {"currencyCode": currency_code, "billingPeriod": billing_period,
                                                       "attributeSet": attribute_set})


def _error_of(status, headers, text):
    """Graph's {"error": {code, message}}, Azure Storage's x-ms-error-code, or the text."""
    storage_code = headers.get("x-ms-error-code")
    if storage_code:
        return ExportError(status, storage_code, text)
    try:
        error = json.loads(text).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    return ExportError(status, str(error.get("code", "")), error.get("message") or text)
