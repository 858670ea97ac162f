-- :OrgplanGraph — the picture of the plan, drawn by the orgplan server from
-- what Neovim has (unsaved edits included), written as an SVG file and
-- opened with vim.ui.open(). With a bang, the HTML report of the workspace
-- (`orgplan report`, from the files on disk).
local M = {}

--- Where pictures are written: a folder of Neovim's cache.
function M.dir()
  local dir = vim.fs.joinpath(vim.fn.stdpath('cache'), 'orgplan')
  vim.fn.mkdir(dir, 'p')
  return dir
end

local function notify(msg, level)
  vim.notify('orgplan: ' .. msg, level or vim.log.levels.INFO)
end

--- The orgplan client for `buf`, else any orgplan client; and a buffer of it.
local function client_for(buf)
  local c = vim.lsp.get_clients({ name = 'orgplan', bufnr = buf })[1]
  if c then
    return c, buf
  end
  c = vim.lsp.get_clients({ name = 'orgplan' })[1]
  if c then
    for b in pairs(c.attached_buffers or {}) do
      return c, b
    end
  end
  return nil, nil
end

local function open(path, opts)
  if opts.open == false then
    return
  end
  local ok, err = pcall(vim.ui.open, path)
  if not ok then
    notify(('wrote %s (cannot open it: %s)'):format(path, tostring(err)), vim.log.levels.WARN)
  end
end

---@class orgplan.GraphOpts
---@field focus? string Draw only what is around this leader, initiative or team
---@field depth? integer With focus: how many links away (server default 2)
---@field overview? boolean Fold initiatives with their teams (default: past 400 nodes)
---@field report? boolean Write the HTML report instead (runs `orgplan report`)
---@field open? boolean Open the file with vim.ui.open() (default true)
---@field on_done? fun(path: string?, err: string?)

--- Writes the picture (or report) of the current buffer's workspace.
---@param opts? orgplan.GraphOpts
function M.show(opts)
  opts = opts or {}
  local done = opts.on_done or function() end
  local client, buf = client_for(vim.api.nvim_get_current_buf())
  if not client then
    local msg = 'no orgplan language server is running (open an .orgplan file first)'
    notify(msg, vim.log.levels.ERROR)
    return done(nil, msg)
  end
  if opts.report then
    local bin = (client.config.cmd or { 'orgplan' })[1]
    local root = client.root_dir or vim.fn.getcwd()
    local path = vim.fs.joinpath(M.dir(), 'report.html')
    vim.system({ bin, 'report', root, '-o', path }, { text = true }, vim.schedule_wrap(function(res)
      if res.code ~= 0 then
        local msg = 'orgplan report failed: ' .. vim.trim(res.stderr or '')
        notify(msg, vim.log.levels.ERROR)
        return done(nil, msg)
      end
      open(path, opts)
      done(path)
    end))
    return
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    format = 'svg',
    focus = opts.focus ~= '' and opts.focus or nil,
    depth = opts.depth,
    overview = opts.overview,
  }
  client:request('orgplan/graph', params, function(err, result)
    if err or not result or not result.svg then
      local msg = err and err.message or 'the server has no picture for this buffer'
      notify(msg, vim.log.levels.ERROR)
      return done(nil, msg)
    end
    local name = opts.focus and opts.focus ~= '' and ('graph-' .. opts.focus:gsub('[^%w_-]', '_') .. '.svg')
      or 'graph.svg'
    local path = vim.fs.joinpath(M.dir(), name)
    local f, ferr = io.open(path, 'wb')
    if not f then
      notify('cannot write ' .. path .. ': ' .. tostring(ferr), vim.log.levels.ERROR)
      return done(nil, ferr)
    end
    f:write(result.svg)
    f:close()
    open(path, opts)
    done(path)
  end, buf)
end

--- Ids for completing :OrgplanGraph's argument: the declared leaders,
--- initiatives and teams (workspace symbols).
function M.complete(lead)
  local client = client_for(vim.api.nvim_get_current_buf())
  if not client then
    return {}
  end
  local res = client:request_sync('workspace/symbol', { query = lead or '' }, 1000)
  local ids = {}
  for _, s in ipairs(res and res.result or {}) do
    -- A symbol's name may carry the title after the id.
    local id = s.name:match('^[%w_-]+')
    if id and id:sub(1, #lead) == lead then
      ids[#ids + 1] = id
    end
  end
  table.sort(ids)
  return vim.fn.uniq(ids)
end

return M
