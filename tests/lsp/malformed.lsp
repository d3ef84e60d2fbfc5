Content-Length: 9

{bad jsonFoo: bar

Content-Length: 5

[1,2]Content-Length: 66

{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}Content-Length: 58

{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}Content-Length: 52

{"jsonrpc":"2.0","id":3,"method":"nope","params":[]}Content-Length: 85

{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":5}}}Content-Length: 99999999999

