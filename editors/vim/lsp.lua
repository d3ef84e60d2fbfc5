-- procmap's language server in Neovim: put this in your init.lua (or
-- source it), with editors/vim on the 'runtimepath' for the filetype and
-- the syntax.  Neovim 0.8 and later have vim.lsp.start(); 0.7 needs
-- vim.lsp.start_client() and vim.lsp.buf_attach_client().
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'pmap',
  callback = function(args)
    local root = vim.fs and vim.fs.dirname(vim.fs.find({ '.procmap.yaml', '.git' },
                   { upward = true, path = vim.fs.dirname(args.file) })[1])
    local config = { name = 'procmap', cmd = { 'procmap', 'lsp' },
                     root_dir = root or vim.fn.getcwd() }
    if vim.lsp.start then
      vim.lsp.start(config)
    else
      local id = vim.lsp.start_client(config)
      if id then vim.lsp.buf_attach_client(args.buf, id) end
    end
  end,
})
