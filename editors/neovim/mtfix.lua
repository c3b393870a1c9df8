-- mtfix's language server in Neovim (0.8+ has vim.lsp.start; 0.7 needs start_client):
--   :luafile editors/neovim/mtfix.lua   or copy into your init.lua.
-- Text and Markdown buffers get mtfix's diagnostics, hover (K) and code actions.
local config = { name = "mtfix", cmd = { "mtfix", "lsp" }, root_dir = vim.fn.getcwd() }
local client_id = nil -- Neovim 0.7: one client (one server, one model) for every buffer

local function start()
  if vim.lsp.start then
    vim.lsp.start(config) -- reuses a running client with the same name and root
    return
  end
  if client_id == nil or vim.lsp.client_is_stopped(client_id) then
    client_id = vim.lsp.start_client(config)
  end
  vim.lsp.buf_attach_client(0, client_id)
end

vim.api.nvim_create_autocmd("FileType", { pattern = { "text", "markdown" }, callback = start })
