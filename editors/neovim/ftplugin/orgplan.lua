-- Filetype plugin for orgplan (`*.orgplan`).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

local buf = vim.api.nvim_get_current_buf()

vim.opt_local.commentstring = '# %s'
vim.opt_local.comments = ':#'
vim.opt_local.shiftwidth = 2
vim.opt_local.softtabstop = 2
vim.opt_local.expandtab = true
-- Ids such as `fba-inbound` are one word (for `*`, `w`, `<cword>`, completion).
vim.opt_local.iskeyword:append('-')
vim.opt_local.formatoptions:remove('t')
vim.opt_local.formatoptions:append('croql')
-- gq formats through the language server (range formatting), never with
-- Vim's text formatting (which would join the lines of a block).
vim.opt_local.formatexpr = "v:lua.require'orgplan'.formatexpr()"

local undo = {
  'setlocal commentstring< comments< shiftwidth< softtabstop< expandtab< iskeyword< formatoptions< formatexpr<',
}

-- Tree-sitter highlighting and folding when the parser is installed
-- (:OrgplanBuildParser builds it).
if require('orgplan').treesitter_start(buf) then
  table.insert(undo, 'setlocal foldmethod< foldexpr< foldlevel<')
  table.insert(undo, 'exe "lua pcall(vim.treesitter.stop)"')
end

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. ' | ') or '')
  .. table.concat(undo, ' | ')
