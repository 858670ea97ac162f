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

-- Client-side commands the server sends (see lsp/orgplan.lua).
vim.lsp.commands['orgplan.insertSnippet'] = function(...)
  require('orgplan').commands.insert_snippet(...)
end
vim.lsp.commands['orgplan.showChecklist'] = function(...)
  require('orgplan').commands.show_checklist(...)
end
vim.lsp.commands['orgplan.showReferences'] = function(...)
  require('orgplan').commands.show_references(...)
end
if not vim.lsp.commands['editor.action.triggerSuggest'] then
  vim.lsp.commands['editor.action.triggerSuggest'] = function(...)
    require('orgplan').commands.trigger_suggest(...)
  end
end

-- Semantic tokens: leaders, teams and initiatives have token types of their
-- own; link them to the usual groups (a colorscheme may set them itself).
local function semantic_links()
  for type, group in pairs({ leader = '@type', team = '@function', initiative = '@module' }) do
    vim.api.nvim_set_hl(0, '@lsp.type.' .. type .. '.orgplan', { link = group, default = true })
  end
end
semantic_links()
vim.api.nvim_create_autocmd('ColorScheme', {
  group = vim.api.nvim_create_augroup('orgplan_highlights', { clear = true }),
  desc = 'orgplan: semantic token highlight links',
  callback = semantic_links,
})

vim.api.nvim_create_user_command('OrgplanExplain', function(cmd)
  require('orgplan').explain(cmd.args ~= '' and cmd.args or nil)
end, {
  nargs = '?',
  complete = function(lead)
    return require('orgplan').rule_names(lead)
  end,
  desc = "orgplan: show a rule's text (orgplan explain RULE)",
})

vim.api.nvim_create_user_command('OrgplanChecklist', function()
  require('orgplan').checklist()
end, {
  desc = 'orgplan: the single-threaded checklist of the initiative at the cursor',
})

vim.api.nvim_create_user_command('OrgplanGraph', function(cmd)
  require('orgplan.graph').show({ focus = cmd.args ~= '' and cmd.args or nil, report = cmd.bang })
end, {
  nargs = '?',
  bang = true,
  complete = function(lead)
    return require('orgplan.graph').complete(lead)
  end,
  desc = 'orgplan: write the org graph (SVG; with ! the HTML report) and open it',
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
