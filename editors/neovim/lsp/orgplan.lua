-- Configuration of the orgplan language server for Neovim 0.11+.
--
-- Neovim reads this file when `vim.lsp.enable('orgplan')` is called and merges
-- it with anything given to `vim.lsp.config('orgplan', { ... })` (user values
-- win). Nothing else is needed: with `orgplan` on PATH, every `*.orgplan`
-- buffer gets the server.

---@type vim.lsp.Config
return {
  cmd = { 'orgplan', 'lsp' },
  -- `toml` for the workspace's orgplan.toml only (see root_dir): the server
  -- completes its rule names and levels, explains them, and checks the file.
  filetypes = { 'orgplan', 'toml' },
  -- All `.orgplan` files below the workspace root form one org model.
  root_markers = { 'orgplan.toml', '.git' },
  -- The root from root_markers; no server for TOML files other than
  -- orgplan.toml.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if vim.bo[bufnr].filetype == 'toml' and vim.fs.basename(name) ~= 'orgplan.toml' then
      return
    end
    on_dir(vim.fs.root(bufnr, { 'orgplan.toml', '.git' }))
  end,
  -- Sent to the server through `workspace/configuration` (section `orgplan`)
  -- and `workspace/didChangeConfiguration`. Keys the server does not know are
  -- ignored; rule severities live in the workspace's `orgplan.toml`.
  settings = {
    orgplan = vim.empty_dict(),
  },
  -- Commands the plugin runs on the client side (plugin/orgplan.lua
  -- registers them in vim.lsp.commands): the server then lists a key's
  -- values once the key is accepted, gives quick fixes that declare a
  -- leader or team with tab stops, and makes the checklist lens list the
  -- checklist and a team's lenses list the teams. (Not `orgplan.explainRule`:
  -- a hover float cannot run a link, so hovers name `orgplan explain RULE`,
  -- which :OrgplanExplain shows.)
  capabilities = {
    experimental = {
      commands = {
        commands = {
          'editor.action.triggerSuggest',
          'orgplan.insertSnippet',
          'orgplan.showChecklist',
          'orgplan.showReferences',
        },
      },
    },
  },
}
