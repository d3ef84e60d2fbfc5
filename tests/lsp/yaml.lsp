Content-Length: 58

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}Content-Length: 231

{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/m.yaml","languageId":"yaml","version":1,"text":"people:\n  ann: { label: Ann, capacity: 40h/week }\nsystems:\n  s:\n    owner: anne\n"}}}Content-Length: 146

{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/m.yaml"},"position":{"line":4,"character":12}}}Content-Length: 114

{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":{"textDocument":{"uri":"file:///tmp/m.yaml"}}}