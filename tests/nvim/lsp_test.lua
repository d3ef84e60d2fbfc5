-- lsp_test.lua — a real client for `procmap lsp`: headless Neovim (0.7 or
-- later) opens a model with an error, waits for the diagnostic, hovers,
-- applies the diagnostic's quick fix, jumps to a definition, renames and
-- formats, asserting on each answer and on the buffer.  Run by tests/test_lsp.c:
--   PROCMAP_BIN=build/procmap PMAP_FILE=/tmp/x/model.pmap \
--     nvim --headless --clean -i NONE -c 'luafile tests/nvim/lsp_test.lua'
-- It exits 0 when every check passed, 1 at the first that failed.
local bin = os.getenv('PROCMAP_BIN')
local file = os.getenv('PMAP_FILE')
if not pcall(vim.lsp.set_log_level, 'OFF') then vim.lsp.set_log_level('ERROR') end

local function say(msg) io.stdout:write(msg .. '\n') end
local function fail(msg)
  say('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end
local function check(cond, msg) if not cond then fail(msg) end end

local function main()
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'pmap'
local client = vim.lsp.start_client({
  name = 'procmap',
  cmd = { bin, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
check(client, 'the server did not start')
vim.lsp.buf_attach_client(buf, client)

-- the error arrives as a diagnostic, with its rule id as code
local ok = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
check(ok, 'no diagnostics arrived')
local d = vim.diagnostic.get(buf)[1]
check(d.lnum == 4 and d.col == 9, 'diagnostic at ' .. d.lnum .. ':' .. d.col)
check(d.message:find("unknown person 'anne'", 1, true), 'message: ' .. d.message)
check(d.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(d.severity))
say('diagnostic: ' .. d.message)

local function req(method, params)
  local res = vim.lsp.buf_request_sync(buf, method, params, 5000)
  check(res and res[client] and not res[client].err, method .. ' failed')
  return res[client].result
end
local function at(line, ch)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = ch } }
end

-- hover on the step
local h = req('textDocument/hover', at(7, 10))
check(h and h.contents.value:find('**step** `sales.order.take`', 1, true), 'hover: ' .. vim.inspect(h))
say('hover: ' .. h.contents.value:gsub('\n.*', ''))

-- fix the error with the diagnostic's code action: the diagnostics go away
local ld = { range = { start = { line = d.lnum, character = d.col },
                       ['end'] = { line = d.end_lnum, character = d.end_col } },
             message = d.message, code = d.code, severity = 1 }
local actions = req('textDocument/codeAction', { textDocument = { uri = vim.uri_from_bufnr(buf) },
                    range = ld.range, context = { diagnostics = { ld } } })
check(actions and actions[1] and actions[1].title == "Replace with 'ann'",
      'code actions: ' .. vim.inspect(actions))
vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
check(vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1] == '  owner: ann', 'the fix was not applied')
ok = vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
check(ok, 'the diagnostic stayed after the fix: ' .. vim.inspect(vim.diagnostic.get(buf)))
say('fixed by the code action: no diagnostics')

-- definition of 'ship' in "take -> ship"
local def = req('textDocument/definition', at(9, 13))
check(def and def.range.start.line == 8 and def.range.start.character == 9,
      'definition: ' .. vim.inspect(def))

-- rename 'take' everywhere
local edit = req('textDocument/rename', vim.tbl_extend('force', at(9, 5), { newName = 'receive' }))
vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check(lines[8]:find('step receive', 1, true) and lines[10]:find('receive -> ship', 1, true),
      'rename: ' .. table.concat(lines, '\n'))
say('renamed: ' .. vim.trim(lines[10]))

-- format: the misaligned line is fixed
vim.api.nvim_buf_set_lines(buf, 2, 3, false, { 'tool   sheet    "Spreadsheet"' })
local fmt = req('textDocument/formatting', { textDocument = { uri = vim.uri_from_bufnr(buf) },
                                             options = { tabSize = 2, insertSpaces = true } })
check(fmt and #fmt == 1, 'formatting: ' .. vim.inspect(fmt))
vim.lsp.util.apply_text_edits(fmt, buf, 'utf-16')
lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check(lines[3] == 'tool sheet "Spreadsheet"', 'formatted: ' .. lines[3])
say('formatted: ' .. lines[3])

vim.lsp.stop_client(client)
vim.wait(2000, function() return vim.lsp.client_is_stopped(client) end, 20)
say('ok')
end

local okay, err = xpcall(main, debug.traceback)
if not okay then fail(tostring(err)) end
vim.cmd('qall!')
