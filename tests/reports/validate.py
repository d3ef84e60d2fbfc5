#!/usr/bin/python3
"""validate.py SCHEMA FILE...: checks JSON files against a JSON Schema.

Used by tests/test_reports.c with Debian's /usr/bin/python3 and
python3-jsonschema.  The schema's own $schema picks the draft (2020-12 for
schemas/report.schema.json, draft 4 for the SARIF subset).  Exit status: 0
all valid, 1 some file is not, 2 trouble (unreadable file, invalid schema).
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print("usage: validate.py SCHEMA FILE...", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"{argv[1]}: {e}", file=sys.stderr)
        return 2
    # formats (uri, uri-reference) are checked when python3-rfc3987 is there
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 2
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.path) or "(root)"
            print(f"{path}: {where}: {err.message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
