-- Indentation for orgplan: one 'shiftwidth' per open `{`.
if vim.b.did_indent then
  return
end
vim.b.did_indent = 1

vim.bo.indentexpr = "v:lua.require'orgplan.indent'.get()"
vim.bo.indentkeys = '0{,0},!^F,o,O'
vim.b.undo_indent = 'setlocal indentexpr< indentkeys<'
