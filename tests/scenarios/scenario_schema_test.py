#!/usr/bin/env python3
"""Checks docs/scenario.schema.json against the scenario files.

- The schema is a valid JSON Schema (draft 2020-12), and the policy parameter
  names it lists are those of fixtures/policies/microsoft.json.
- Every scenario of scenarios/, and every scenario example of
  docs/scenario-format.md and README.md, is valid.
- The files of tests/scenarios/broken/ that the parser refuses for their shape
  (an unknown key, a missing key, a value of the wrong kind) are invalid.
- The broken files the schema can't judge (references, the order of steps,
  calendar dates) pass it: docs/scenario-format.md says so, and this keeps it
  true.

A scenario is loaded the way pcsim's reader sees its scalars: a plain scalar
that is an exact decimal number is a number (an integer without a point),
true and false are booleans, null, ~ and an empty value are null, everything
else (dates and instants included) is a string; quoted scalars are strings;
mapping keys are strings as written; "<<" is an ordinary key (no merges).

Usage: scenario_schema_test.py SOURCE_DIR
Needs the Debian packages python3-yaml and python3-jsonschema.
"""
import decimal
import glob
import json
import os
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    sys.exit(f"scenario_schema_test: {e}; install the Debian packages python3-yaml and python3-jsonschema "
             "(tools/dev setup does)")

# Parsed by pcsim for their shape: each must fail the schema.
BROKEN_BY_SHAPE = [
    "azure-plan-with-nonzero-prices.yaml",  # an item with meters has prices of 0 only
    "bad-duration.yaml",            # "thirty days" is not an ISO 8601 duration
    "bad-price.yaml",               # "10.0.8" is not an exact decimal
    "bad-term.yaml",                # P2Y is not a term
    "empty-file.yaml",              # no document
    "float-quantity.yaml",          # 1e3 is not an integer
    "line-amount-letter-o.yaml",    # an expected amount is an exact decimal
    "line-quantity-float-literal.yaml",  # an expected line quantity is an integer
    "line-quantity-not-a-number.yaml",
    "missing-start.yaml",           # a required key is missing
    "recon-row-unknown-field.yaml",  # a row field that is not an attribute of the export
    "subscription-quantity-float-literal.yaml",  # an expected subscription quantity is an integer
    "subscription-quantity-not-a-number.yaml",
    "two-actions-in-one-step.yaml",  # a step has exactly one action
    "unknown-environment.yaml",     # production or sandbox
    "unknown-line-field.yaml",      # an expected line field the format does not know
    "unknown-purchase-field.yaml",  # a field a purchase does not take
    "unknown-step-action.yaml",     # an action the format does not know
    "unknown-top-level-key.yaml",   # a top-level key the format does not know
    "usage-line-amount-not-a-number.yaml",  # an expected usage amount is an exact decimal
]
# Refused by pcsim for what the schema can't see: each passes it.
BEYOND_THE_SCHEMA = [
    "bad-date.yaml",                  # 2026-02-30 has the shape of a date
    "recon-row-not-in-basic-set.yaml",  # which attributes the basic set has
    "step-goes-back-in-time.yaml",    # the order of the steps' times
    "unknown-customer-ref.yaml",      # refs are defined before they are used
    "unknown-subscription-ref.yaml",
]
# Not loaded here: YAML an ordinary loader expands, follows in a cycle, or refuses.
NOT_LOADED = ["alias-bomb.yaml", "alias-cycle.yaml", "deep-nesting.yaml", "malformed-yaml.yaml"]


class ScenarioLoader(yaml.SafeLoader):
    pass


ScenarioLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|false)$", "tf"),
    ("tag:yaml.org,2002:null", r"^(?:null|~|)$", ["n", "~", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?[0-9]+\.[0-9]+$", "-+0123456789"),
]:
    ScenarioLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))
ScenarioLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(node.value, 10))
ScenarioLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: decimal.Decimal(node.value))
ScenarioLoader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: node.value == "true")


def construct_mapping(loader, node):
    out = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(loader.construct_object(key_node, deep=True))
        out[key] = loader.construct_object(value_node, deep=True)
    return out


ScenarioLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)


def load(text):
    documents = yaml.load_all(text, Loader=ScenarioLoader)
    return next(iter(documents), None)


def first_error(validator, document):
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"{where}: {error.message[:300]}"


def examples(path):
    """The ```yaml blocks of a Markdown file that are whole scenarios."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.S | re.M):
        if block.startswith("scenario:"):
            yield block


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scenario_schema_test.py SOURCE_DIR")
    source = sys.argv[1]
    with open(os.path.join(source, "docs", "scenario.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []

    with open(os.path.join(source, "fixtures", "policies", "microsoft.json"), encoding="utf-8") as f:
        keys = sorted(json.load(f)["parameters"])
    for where, listed in [("policy-overrides", schema["properties"]["policy-overrides"]["propertyNames"]["enum"]),
                          ("policyDocument", schema["$defs"]["policyDocument"]["properties"]["parameters"]["propertyNames"]["enum"])]:
        if sorted(listed) != keys:
            failures.append(f"the schema's {where} keys differ from fixtures/policies/microsoft.json: "
                            f"missing {sorted(set(keys) - set(listed))}, extra {sorted(set(listed) - set(keys))}")

    library = sorted(p for ext in ("yaml", "yml", "json")
                     for p in glob.glob(os.path.join(source, "scenarios", "**", "*." + ext), recursive=True))
    if not library:
        failures.append("no scenario found under scenarios/")
    documents = [(os.path.relpath(p, source), open(p, encoding="utf-8").read()) for p in library]
    for doc in ("docs/scenario-format.md", "README.md"):
        for i, block in enumerate(examples(os.path.join(source, doc)), 1):
            documents.append((f"{doc} (example {i})", block))
    for name, text in documents:
        error = first_error(validator, load(text))
        if error:
            failures.append(f"{name} is a valid scenario but fails the schema: {error}")

    broken = os.path.join(source, "tests", "scenarios", "broken")
    listed = set(BROKEN_BY_SHAPE) | set(BEYOND_THE_SCHEMA) | set(NOT_LOADED)
    for path in sorted(glob.glob(os.path.join(broken, "*.yaml"))):
        if os.path.basename(path) not in listed:
            failures.append(f"{os.path.relpath(path, source)}: add it to one of the lists of this test")
    for name in BROKEN_BY_SHAPE + BEYOND_THE_SCHEMA:
        with open(os.path.join(broken, name), encoding="utf-8") as f:
            error = first_error(validator, load(f.read()))
        if name in BROKEN_BY_SHAPE and error is None:
            failures.append(f"tests/scenarios/broken/{name} passes the schema; pcsim refuses it for its shape")
        if name in BEYOND_THE_SCHEMA and error is not None:
            failures.append(f"tests/scenarios/broken/{name} now fails the schema ({error}); "
                            "move it to BROKEN_BY_SHAPE and update docs/scenario-format.md")

    for f in failures:
        print("FAIL " + f)
    print(f"{len(documents)} scenarios valid, {len(BROKEN_BY_SHAPE)} broken files refused, "
          f"{len(BEYOND_THE_SCHEMA)} beyond the schema: {'ok' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
