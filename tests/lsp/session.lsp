Content-Length: 75

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}Content-Length: 52

{"jsonrpc":"2.0","method":"initialized","params":{}}Content-Length: 552

{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap","languageId":"pmap","version":1,"text":"person ann \"Ann\" { capacity: 40h/week }\nperson bob \"Bob\" { capacity: 10h/week }\ntool sheet \"Spreadsheet\"\nsystem sales \"Sales\" {\n  owner: anne\n  process order \"Take an order\" {\n    runs: 5/week; trigger: \"call\"\n    step take \"Take it\" { takes: 10m; uses: sheet }\n    step ship \"Ship it\" { owner: bob; takes: 1h }\n    take -> ship 40%\n    take -> take 60%\n  }\n}\n"}}}Content-Length: 164

{"jsonrpc":"2.0","id":10,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":7,"character":10}}}Content-Length: 163

{"jsonrpc":"2.0","id":11,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":0,"character":8}}}Content-Length: 169

{"jsonrpc":"2.0","id":12,"method":"textDocument/definition","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":9,"character":13}}}Content-Length: 207

{"jsonrpc":"2.0","id":13,"method":"textDocument/references","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":4,"character":10},"context":{"includeDeclaration":true}}}Content-Length: 171

{"jsonrpc":"2.0","id":14,"method":"textDocument/prepareRename","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":9,"character":5}}}Content-Length: 184

{"jsonrpc":"2.0","id":15,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":9,"character":5},"newName":"receive"}}Content-Length: 136

{"jsonrpc":"2.0","id":16,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"}}}Content-Length: 168

{"jsonrpc":"2.0","id":17,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":4,"character":9}}}Content-Length: 169

{"jsonrpc":"2.0","id":18,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":9,"character":12}}}Content-Length: 132

{"jsonrpc":"2.0","id":19,"method":"textDocument/formatting","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"}}}Content-Length: 134

{"jsonrpc":"2.0","id":20,"method":"textDocument/foldingRange","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"}}}Content-Length: 394

{"jsonrpc":"2.0","id":21,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"range":{"start":{"line":4,"character":9},"end":{"line":4,"character":13}},"context":{"diagnostics":[{"range":{"start":{"line":4,"character":9},"end":{"line":4,"character":13}},"code":"unknown-reference","message":"unknown person 'anne'; did you mean 'ann'?"}]}}}Content-Length: 257

{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap","version":2},"contentChanges":[{"range":{"start":{"line":4,"character":9},"end":{"line":4,"character":13}},"text":"ann \ud83d\ude00"}]}}Content-Length: 164

{"jsonrpc":"2.0","id":30,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"},"position":{"line":4,"character":10}}}Content-Length: 121

{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"}}}Content-Length: 122

{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"file:///tmp/procmap-fuzz/model.pmap"}}}Content-Length: 59

{"jsonrpc":"2.0","id":31,"method":"shutdown","params":null}Content-Length: 45

{"jsonrpc":"2.0","method":"exit","params":{}}