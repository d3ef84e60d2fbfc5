#!/usr/bin/python3
"""yaml_tools.py — helpers of tests/test_yaml.c (Debian's python3-yaml and
python3-jsonschema; scripts/deps.sh installs them).

  yaml_tools.py valid SCHEMA FILE...    every FILE validates against SCHEMA
  yaml_tools.py invalid SCHEMA FILE...  no FILE validates against SCHEMA
  yaml_tools.py samejson A B            two `check --format json` reports say
                                        the same apart from file positions

Prints what is wrong and exits 1; exits 0 when all is well.
"""
import json
import sys

POSITION_KEYS = {"file", "line", "column", "files"}


def load_schema(path):
    import jsonschema
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load_yaml(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def errors_of(validator, path):
    doc = load_yaml(path)
    return ["%s: %s at /%s" % (path, e.message, "/".join(map(str, e.absolute_path)))
            for e in validator.iter_errors(doc)]


def cmd_valid(schema, files):
    v = load_schema(schema)
    bad = [msg for f in files for msg in errors_of(v, f)]
    for msg in bad:
        print(msg)
    return 1 if bad or not files else 0


def cmd_invalid(schema, files):
    v = load_schema(schema)
    passed = [f for f in files if not errors_of(v, f)]
    for f in passed:
        print("%s: accepted by the schema, should be rejected" % f)
    return 1 if passed or not files else 0


def strip(node):
    """Drops file positions; lists of located objects are sorted, since
    their order follows the positions."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in POSITION_KEYS}
    if isinstance(node, list):
        items = [strip(x) for x in node]
        if node and all(isinstance(x, dict) and "line" in x for x in node):
            items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return items
    return node


def cmd_samejson(a, b):
    with open(a, encoding="utf-8") as f:
        ja = strip(json.load(f))
    with open(b, encoding="utf-8") as f:
        jb = strip(json.load(f))
    if ja == jb:
        return 0
    sa = json.dumps(ja, indent=1, sort_keys=True).splitlines()
    sb = json.dumps(jb, indent=1, sort_keys=True).splitlines()
    import difflib
    for line in list(difflib.unified_diff(sa, sb, a, b, lineterm=""))[:60]:
        print(line)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "valid":
        return cmd_valid(argv[2], argv[3:])
    if len(argv) >= 3 and argv[1] == "invalid":
        return cmd_invalid(argv[2], argv[3:])
    if len(argv) == 4 and argv[1] == "samejson":
        return cmd_samejson(argv[2], argv[3])
    print(__doc__.strip())
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
