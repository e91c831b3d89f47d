#!/usr/bin/env python3
"""Checks docs/book.schema.json against books.

- The schema is a valid JSON Schema (draft 2020-12).
- The example book of clients/examples/audit/ (JSON Lines: the header, then
  one customer per line) and the example of docs/book-format.md are valid,
  line by line, and as one JSON document.
- Books broken in their shape (an unknown key, a missing key, a number where
  an exact decimal string belongs, an unknown enum value) are invalid.

Usage: book_schema_test.py SOURCE_DIR
Needs the Debian package python3-jsonschema.
"""
import copy
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError as e:
    sys.exit(f"book_schema_test: {e}; install python3-jsonschema (tools/dev setup does)")


def validators(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    whole = jsonschema.Draft202012Validator(schema)
    customer_schema = dict(schema["$defs"]["customer"])
    customer_schema["$defs"] = schema["$defs"]
    return whole, jsonschema.Draft202012Validator(customer_schema)


def as_document(lines):
    header = json.loads(lines[0])
    header["customers"] = [json.loads(line) for line in lines[1:] if line.strip()]
    return header


def main():
    root = sys.argv[1]
    schema = json.load(open(os.path.join(root, "docs", "book.schema.json")))
    whole, customer = validators(schema)
    books = []
    books.append(open(os.path.join(root, "clients", "examples", "audit", "book.jsonl")).read().splitlines())
    doc = open(os.path.join(root, "docs", "book-format.md")).read()
    example = re.search(r"```json\n(\{\"pcsimBook\".*?)```", doc, re.S)
    assert example, "docs/book-format.md has no example book"
    books.append(example.group(1).strip().splitlines())
    for lines in books:
        header = json.loads(lines[0])
        whole.validate(header)
        for line in lines[1:]:
            customer.validate(json.loads(line))
        whole.validate(as_document(lines))

    good = as_document(books[0])
    sub = good["customers"][0]["subscriptions"][0]
    broken = {
        "unknown key": lambda b: b["customers"][0]["subscriptions"][0].update(autoRenew=True),
        "missing key": lambda b: b["customers"][0]["subscriptions"][0].pop("termDuration"),
        "number price": lambda b: b["customers"][0]["subscriptions"][0].update(unitPrice=37.8),
        "bad term": lambda b: b["customers"][0]["subscriptions"][0].update(termDuration="P2Y"),
        "bad version": lambda b: b.update(pcsimBook=2),
        "two actions": lambda b: b["customers"][0]["subscriptions"][0].update(
            scheduledActions=[{"actionType": "Cancel"}, {"actionType": "Cancel"}]),
    }
    assert "unitPrice" in sub, "the example book has prices"
    for name, breaker in broken.items():
        book = copy.deepcopy(good)
        breaker(book)
        if whole.is_valid(book):
            sys.exit(f"book_schema_test: a book with {name} passes the schema")
    print(f"book schema: {len(books)} example books valid, {len(broken)} broken ones refused")


if __name__ == "__main__":
    main()
