-- :checkhealth orgplan
local M = {}

local health = vim.health

--- The server command as configured (lsp/orgplan.lua merged with user config).
---@return string[]?
local function server_cmd()
  local ok, config = pcall(function()
    return vim.lsp.config.orgplan
  end)
  if ok and type(config) == 'table' and type(config.cmd) == 'table' then
    return config.cmd
  end
  if ok and type(config) == 'table' and type(config.cmd) == 'function' then
    return nil
  end
  return { 'orgplan', 'lsp' }
end

local function check_neovim()
  health.start('orgplan: Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.11 or newer is required (vim.lsp.config / vim.lsp.enable)')
  end
end

local function check_binary()
  health.start('orgplan: language server binary')
  local cmd = server_cmd()
  if not cmd then
    health.info('cmd is a function (custom transport); skipping the binary check')
    return
  end
  local exe = cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    health.error(('`%s` is not executable or not on PATH'):format(exe), {
      'Build it with `cargo build --release -p orgplan` and put target/release on PATH,',
      "or point the plugin at it: require('orgplan').setup({ cmd = { '/path/to/orgplan', 'lsp' } })",
    })
    return
  end
  health.ok(('`%s` found: %s'):format(exe, vim.fn.exepath(exe)))
  local ok, res = pcall(function()
    return vim.system({ exe, '--version' }, { text = true }):wait(10000)
  end)
  if not ok then
    health.error(('`%s --version` could not run: %s'):format(exe, tostring(res)))
  elseif res.code ~= 0 then
    health.error(
      ('`%s --version` exited with %s'):format(exe, tostring(res.code)),
      { vim.trim((res.stderr or '') .. (res.stdout or '')) }
    )
  else
    health.ok(('`%s --version`: %s'):format(exe, vim.trim(res.stdout or '')))
  end
  if cmd[2] == 'lsp' then
    local help = vim.system({ exe, '--help' }, { text = true }):wait(10000)
    if help.code == 0 and not (help.stdout or ''):find('%f[%w]lsp%f[%W]') then
      health.warn(('`%s --help` lists no `lsp` command: is this binary too old?'):format(exe))
    end
  end
  health.info('server command: `' .. table.concat(cmd, ' ') .. '`')
end

local function check_treesitter()
  health.start('orgplan: tree-sitter')
  local orgplan = require('orgplan')
  local path = orgplan.parser_path()
  if not path then
    health.warn('the orgplan parser is not installed: no tree-sitter highlighting or folding', {
      'Run :OrgplanBuildParser (needs a C compiler and the grammar sources)',
    })
  elseif orgplan.load_parser() then
    health.ok('parser loaded: ' .. path)
    local stale = require('orgplan.parser').stale(path)
    if stale then
      health.warn(('the parser is older than %s'):format(stale), {
        'Rebuild it with :OrgplanBuildParser and restart Neovim',
      })
    end
  else
    health.error('parser found but it does not load: ' .. path, {
      'Rebuild it with :OrgplanBuildParser (it may be built for another tree-sitter ABI)',
    })
  end
  for _, name in ipairs({ 'highlights', 'folds', 'indents' }) do
    local files = vim.treesitter.query.get_files('orgplan', name)
    if #files > 0 then
      health.ok(('queries/orgplan/%s.scm found'):format(name))
    else
      health.warn(('queries/orgplan/%s.scm not on runtimepath'):format(name))
    end
  end
  local grammar = orgplan.grammar_dir()
  local cc = require('orgplan.parser').compiler()
  if grammar and cc then
    health.ok(('can build the parser: %s, %s/parser.c'):format(table.concat(cc, ' '), grammar))
  elseif not path then
    health.info('to build the parser, set grammar_dir in setup() and make a C compiler available')
  end
end

local function check_lsp()
  health.start('orgplan: LSP')
  if vim.lsp.is_enabled then
    if vim.lsp.is_enabled('orgplan') then
      health.ok("enabled (vim.lsp.enable('orgplan'))")
    else
      health.warn("not enabled: add vim.lsp.enable('orgplan') to your config")
    end
  end
  local bufs = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'orgplan' then
      table.insert(bufs, buf)
    end
  end
  local clients = vim.lsp.get_clients({ name = 'orgplan' })
  for _, client in ipairs(clients) do
    local attached = vim.tbl_keys(client.attached_buffers)
    health.ok(
      ('client %d running (root %s, %d buffer(s) attached)'):format(client.id, client.root_dir or '(single file)', #attached)
    )
  end
  if #bufs == 0 then
    health.info('no orgplan buffer open: open a *.orgplan file to start the server')
    return
  end
  for _, buf in ipairs(bufs) do
    local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':~:.')
    local attached = vim.lsp.get_clients({ name = 'orgplan', bufnr = buf })
    if #attached > 0 then
      health.ok(('%s: server attached'):format(name))
      health.info(('%s: %s'):format(name, M.workspace_of(attached[1], buf)))
    else
      health.warn(('%s: no orgplan client attached'):format(name), {
        "check vim.lsp.enable('orgplan') and the binary above; see :lua vim.cmd.tabnew(vim.lsp.log.get_filename())",
      })
    end
  end
end

--- Which workspace a buffer belongs to, and which orgplan.toml (if any)
--- sets its rules: the root the client was started for (the workspace
--- folder that holds the file), and the orgplan.toml at that root.
---@param client vim.lsp.Client
---@param buf integer
---@return string
function M.workspace_of(client, buf)
  local file = vim.fs.normalize(vim.api.nvim_buf_get_name(buf))
  local root
  for _, folder in ipairs(client.workspace_folders or {}) do
    local dir = vim.uri_to_fname(folder.uri)
    if vim.fs.relpath(dir, file) and (not root or #dir > #root) then
      root = dir
    end
  end
  root = root or client.root_dir
  if not root then
    return 'no workspace root: the file is checked on its own, with the default rule levels'
  end
  local pretty = function(p)
    return vim.fn.fnamemodify(p, ':~')
  end
  local toml = vim.fs.joinpath(root, 'orgplan.toml')
  if vim.uv.fs_stat(toml) then
    return ('root %s, configuration %s'):format(pretty(root), pretty(toml))
  end
  return ('root %s, no orgplan.toml (the default rule levels apply)'):format(pretty(root))
end

function M.check()
  check_neovim()
  check_binary()
  check_treesitter()
  check_lsp()
end

return M
