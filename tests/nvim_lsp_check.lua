-- Headless Neovim as the LSP client of `mtfix lsp`: attach to the current buffer, wait for the
-- diagnostics, write them (line, column, severity, message) to $MTFIX_NVIM_OUT, quit.
local out = os.getenv("MTFIX_NVIM_OUT")
local cmd = vim.split(os.getenv("MTFIX_LSP_CMD"), "\t")
local client = vim.lsp.start_client({ name = "mtfix", cmd = cmd, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(0, client)
vim.wait(600000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%d:%d %d %s", d.lnum + 1, d.col + 1, d.severity, d.message))
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client) == nil end, 100)
vim.cmd("qa!")
