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

local WASM = 'WebAssembly (wasm32-wasip1, run by Node.js)'

--- The platform a binary is built for, read from its header: ELF, Mach-O
--- or PE; the CPU; for Linux, glibc, musl or static; or the WebAssembly
--- archive's `orgplan-wasm` command (a script with orgplan.wasm beside it).
--- Nil if unreadable.
---@param path string
---@return string?
local function binary_platform(path)
  local fd = vim.uv.fs_open(path, 'r', 0)
  if not fd then
    return nil
  end
  local head = vim.uv.fs_read(fd, 4096, 0) or ''
  vim.uv.fs_close(fd)
  local script = head:sub(1, 2) == '#!' or path:lower():find('%.cmd$') ~= nil
  if script and vim.uv.fs_stat(vim.fs.joinpath(vim.fs.dirname(path), 'orgplan.wasm')) then
    return WASM
  end
  local function u16(at)
    local a, b = head:byte(at + 1, at + 2)
    return a and b and (a + b * 256) or nil
  end
  local function u32(at)
    local lo, hi = u16(at), u16(at + 2)
    return lo and hi and (lo + hi * 65536) or nil
  end
  if head:sub(1, 4) == '\127ELF' then
    local cpu = ({ [0x3E] = 'x86_64', [0xB7] = 'aarch64' })[u16(18)] or ('machine ' .. tostring(u16(18)))
    local libc = head:find('ld%-musl') and 'musl' or head:find('ld%-linux') and 'glibc' or 'static'
    return ('Linux %s (%s)'):format(cpu, libc)
  elseif head:sub(1, 4) == '\207\250\237\254' then
    local cpu = ({ [0x01000007] = 'x86_64', [0x0100000C] = 'arm64' })[u32(4)] or 'unknown CPU'
    return 'macOS ' .. cpu
  elseif head:sub(1, 2) == 'MZ' then
    local pe = u32(0x3C)
    local machine = pe and u16(pe + 4)
    local cpu = ({ [0x8664] = 'x86_64', [0xAA64] = 'arm64' })[machine] or 'unknown CPU'
    return 'Windows ' .. cpu
  end
  return nil
end

--- This machine, named as binary_platform names binaries.
---@return string os, string cpu
local function host_platform()
  local u = vim.uv.os_uname()
  local os = ({ Linux = 'Linux', Darwin = 'macOS', Windows_NT = 'Windows' })[u.sysname] or u.sysname
  local cpu = (u.machine == 'arm64' or u.machine == 'aarch64') and 'arm64' or u.machine
  return os, cpu
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
      'Install a release archive for this platform and put `orgplan` on PATH (README: Install),',
      'or build it with `cargo install --path server/orgplan`,',
      "or point the plugin at it: require('orgplan').setup({ cmd = { '/path/to/orgplan', 'lsp' } })",
    })
    return
  end
  local path = vim.fn.exepath(exe)
  health.ok(('`%s` found: %s'):format(exe, path))
  local platform = binary_platform(path)
  local os, cpu = host_platform()
  if not platform then
    health.info(('`%s`: platform unknown (not an ELF, Mach-O or PE binary; a wrapper script?)'):format(path))
  elseif platform == WASM then
    if vim.fn.executable('node') == 1 then
      health.ok(('platform: %s: any machine with Node.js 20 or later (2–4× slower than a native build)'):format(platform))
    else
      health.error(('platform: %s, but `node` is not on PATH'):format(platform), {
        'Install Node.js (20 or later), or the archive of this platform (see the README: Install)',
      })
    end
  elseif platform:find('^' .. os) and platform:gsub('aarch64', 'arm64'):find(cpu, 1, true) then
    health.ok(('platform: %s (this machine: %s %s)'):format(platform, os, cpu))
  else
    health.warn(('platform: %s, but this machine is %s %s'):format(platform, os, cpu), {
      'Install the archive of this platform (see the README: Install)',
    })
  end
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
