#!/usr/bin/env python3
"""embed_js.py NAME FILE: FILE as a C string NAME_JS and the hash a
Content-Security-Policy allows it by, NAME_HASH ("sha256-…"), on stdout."""
import base64, hashlib, sys

name, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if b"</script" in data.lower():
    sys.exit("embed_js.py: %s must not contain '</script'" % path)
digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
out = ["/* generated from %s by scripts/embed_js.py */" % path,
       '#define %s_HASH "sha256-%s"' % (name, digest), "#define %s_JS \\" % name]
for line in data.decode("utf-8").splitlines(True):
    esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    out.append('\t"%s" \\' % esc)
out.append('\t""')
print("\n".join(out))
