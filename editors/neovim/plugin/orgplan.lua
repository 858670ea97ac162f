-- orgplan: filetype detection and user commands. Cheap on purpose: modules
-- under lua/orgplan/ are loaded only when a command runs.
if vim.g.loaded_orgplan then
  return
end
vim.g.loaded_orgplan = true

vim.filetype.add({ extension = { orgplan = 'orgplan' } })

vim.api.nvim_create_user_command('OrgplanBuildParser', function(cmd)
  require('orgplan.parser').build({ install_dir = cmd.args ~= '' and cmd.args or nil })
end, {
  nargs = '?',
  complete = 'dir',
  desc = 'orgplan: build the tree-sitter parser (parser/orgplan.so) with the C compiler',
})

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('orgplan_lsp', { clear = true }),
  desc = 'orgplan: inlay hints and code lens for the orgplan server',
  callback = function(ev)
    local client = vim.lsp.get_client_by_id(ev.data.client_id)
    if client and client.name == 'orgplan' then
      require('orgplan').on_attach(client, ev.buf)
    end
  end,
})
