-- :OrgplanBuildParser — compiles the grammar's src/parser.c into
-- <install_dir>/parser/orgplan.so with the system C compiler.
local M = {}

local function notify(msg, level)
  vim.notify('orgplan: ' .. msg, level or vim.log.levels.INFO)
end

--- The C compiler as an argv prefix (the `compiler` option or $CC may hold
--- arguments, e.g. "ccache gcc").
---@return string[]?
function M.compiler()
  local configured = require('orgplan').options.compiler or vim.env.CC
  if configured and configured ~= '' then
    local argv = vim.split(vim.trim(configured), '%s+')
    if vim.fn.executable(argv[1]) == 1 then
      return argv
    end
  end
  for _, cc in ipairs({ 'cc', 'gcc', 'clang' }) do
    if vim.fn.executable(cc) == 1 then
      return { cc }
    end
  end
  return nil
end

--- The grammar source newer than the library at `so_path`, if any (the
--- library was built before the grammar changed).
---@param so_path string
---@return string?
function M.stale(so_path)
  local src = require('orgplan').grammar_dir()
  local so = vim.uv.fs_stat(so_path)
  if not src or not so then
    return nil
  end
  for _, name in ipairs({ 'parser.c', 'scanner.c' }) do
    local stat = vim.uv.fs_stat(src .. '/' .. name)
    if stat and stat.mtime.sec > so.mtime.sec then
      return src .. '/' .. name
    end
  end
  return nil
end

---@param opts? { grammar_dir?: string, install_dir?: string }
---@return boolean ok, string? path_or_error
function M.build(opts)
  opts = opts or {}
  local orgplan = require('orgplan')
  local src = opts.grammar_dir or orgplan.grammar_dir()
  if not src or vim.uv.fs_stat(src .. '/parser.c') == nil then
    local err = 'grammar sources not found (src/parser.c); set grammar_dir in '
      .. "require('orgplan').setup({ grammar_dir = '…/tree-sitter-orgplan/src' })"
    notify(err, vim.log.levels.ERROR)
    return false, err
  end
  local cc = M.compiler()
  if not cc then
    local err = 'no C compiler found (set $CC or the compiler option)'
    notify(err, vim.log.levels.ERROR)
    return false, err
  end
  local install = vim.fs.normalize(vim.fn.fnamemodify(opts.install_dir or orgplan.install_dir(), ':p'))
  local out_dir = install:gsub('/$', '') .. '/parser'
  vim.fn.mkdir(out_dir, 'p')
  local out = out_dir .. '/orgplan.so'
  -- Build next to the target and rename: never rewrite a library in place that
  -- a running Neovim may have loaded.
  local tmp = ('%s.%d.tmp'):format(out, vim.uv.os_getpid())
  local argv = vim.list_extend(vim.deepcopy(cc), { '-shared', '-fPIC', '-O2', '-I', src, src .. '/parser.c' })
  if vim.uv.fs_stat(src .. '/scanner.c') then
    table.insert(argv, src .. '/scanner.c')
  end
  vim.list_extend(argv, { '-o', tmp })
  local ok, res = pcall(function()
    return vim.system(argv, { text = true }):wait(120000)
  end)
  if not ok or res.code ~= 0 then
    os.remove(tmp)
    local err = ('%s failed: %s'):format(
      table.concat(argv, ' '),
      ok and vim.trim((res.stderr or '') .. (res.stdout or '')) or tostring(res)
    )
    notify(err, vim.log.levels.ERROR)
    return false, err
  end
  -- Neovim cannot unload a parser: a rebuilt one is picked up after a restart.
  local was_loaded = vim._ts_has_language ~= nil and vim._ts_has_language('orgplan')
  local renamed, rename_err = os.rename(tmp, out)
  if not renamed then
    os.remove(tmp)
    notify(tostring(rename_err), vim.log.levels.ERROR)
    return false, rename_err
  end
  -- The new library is found from install_dir even if that is not on 'runtimepath'.
  if opts.install_dir then
    orgplan.options.install_dir = install
  end
  notify('built ' .. out .. (was_loaded and ' (restart Neovim to load the new parser)' or ''))
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'orgplan' then
      orgplan.treesitter_start(buf)
    end
  end
  return true, out
end

return M
