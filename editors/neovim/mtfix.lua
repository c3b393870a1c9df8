-- mtfix's language server in Neovim (0.8+ has vim.lsp.start; 0.7 needs start_client):
--   :luafile editors/neovim/mtfix.lua   or copy into your init.lua.
-- Text and Markdown buffers get mtfix's diagnostics, hover (K) and code actions.
local function start()
  local config = { name = "mtfix", cmd = { "mtfix", "lsp" }, root_dir = vim.fn.getcwd() }
  if vim.lsp.start then
    vim.lsp.start(config)
  else
    vim.lsp.buf_attach_client(0, vim.lsp.start_client(config))
  end
end

vim.api.nvim_create_autocmd("FileType", { pattern = { "text", "markdown" }, callback = start })
