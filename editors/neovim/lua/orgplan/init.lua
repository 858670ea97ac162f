-- orgplan for Neovim: options and the tree-sitter glue used by the ftplugin.
--
-- Calling `require('orgplan').setup(opts)` is optional: it only merges options
-- (and passes `cmd`/`settings` on to `vim.lsp.config('orgplan', ...)`).
local M = {}

---@class orgplan.Options
---@field cmd? string[] Server command; default from lsp/orgplan.lua: { 'orgplan', 'lsp' }
---@field settings? table Merged into the server settings (`settings.orgplan`)
---@field grammar_dir? string Grammar `src/` directory holding parser.c (for :OrgplanBuildParser)
---@field install_dir? string Runtime directory that receives `parser/orgplan.so`
---@field compiler? string C compiler (default: $CC, then cc, gcc, clang)
---@field highlight? boolean Start tree-sitter highlighting in orgplan buffers
---@field fold? boolean Fold with the tree-sitter foldexpr in orgplan buffers
---@field inlay_hints? boolean Show the server's inlay hints in orgplan buffers
---@field codelens? boolean Show (and refresh) the server's code lenses
---@field hover? orgplan.HoverOptions How `K` shows a hover

---@class orgplan.HoverOptions
---@field max_width? integer Widest the hover float gets (columns); longer lines wrap
---@field max_height? integer Tallest the hover float gets (lines); it scrolls
---@field border? string|string[] Border of the float (default: 'winborder')

---@type orgplan.Options
M.defaults = {
  cmd = nil,
  settings = nil,
  grammar_dir = nil,
  install_dir = nil,
  compiler = nil,
  highlight = true,
  fold = true,
  inlay_hints = true,
  codelens = true,
  hover = { max_width = 80, max_height = 30 },
}

---@type orgplan.Options
M.options = vim.deepcopy(M.defaults)

---@param opts? orgplan.Options
function M.setup(opts)
  opts = opts or {}
  vim.validate('opts', opts, 'table')
  M.options = vim.tbl_deep_extend('force', M.options, opts)
  local lsp = {}
  if opts.cmd ~= nil then
    lsp.cmd = opts.cmd
  end
  if opts.settings ~= nil then
    lsp.settings = { orgplan = opts.settings }
  end
  if next(lsp) ~= nil and vim.lsp.config ~= nil then
    vim.lsp.config('orgplan', lsp)
  end
  return M.options
end

local function exists(path)
  return path ~= nil and vim.uv.fs_stat(path) ~= nil
end

--- The plugin directory (the one holding lsp/, lua/, queries/), symlinks resolved.
function M.plugin_dir()
  local src = debug.getinfo(1, 'S').source:gsub('^@', '')
  local dir = vim.fn.fnamemodify(src, ':p:h:h:h')
  return vim.uv.fs_realpath(dir) or dir
end

--- The grammar's generated sources (`src/` with parser.c): the `grammar_dir`
--- option, or the grammar crate next to the plugin in the orgplan repository.
---@return string?
function M.grammar_dir()
  local candidates = {
    M.options.grammar_dir,
    M.plugin_dir() .. '/../../server/tree-sitter-orgplan/src',
  }
  for _, dir in pairs(candidates) do
    if dir and exists(dir .. '/parser.c') then
      dir = vim.fs.normalize(vim.fn.fnamemodify(dir, ':p'))
      return vim.uv.fs_realpath(dir) or dir
    end
  end
  return nil
end

--- Where :OrgplanBuildParser puts `parser/orgplan.so`: the `install_dir`
--- option, or the plugin directory (which is on 'runtimepath').
function M.install_dir()
  return vim.fs.normalize(M.options.install_dir or M.plugin_dir())
end

--- Path of the parser library if one is installed, else nil.
---@return string?
function M.parser_path()
  local own = M.install_dir() .. '/parser/orgplan.so'
  if exists(own) then
    return own
  end
  local found = vim.api.nvim_get_runtime_file('parser/orgplan.so', false)
  return found[1]
end

--- Registers the orgplan parser with Neovim. Returns true when it is usable.
function M.load_parser()
  local path = M.parser_path()
  if not path then
    return false
  end
  local ok, res = pcall(vim.treesitter.language.add, 'orgplan', { path = path })
  return ok and res ~= nil and res ~= false
end

--- Starts tree-sitter highlighting (and folding) for an orgplan buffer, when the
--- parser is installed. Used by ftplugin/orgplan.lua and :OrgplanBuildParser.
---@param buf? integer
---@return boolean started
function M.treesitter_start(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if not M.load_parser() then
    return false
  end
  if M.options.highlight ~= false then
    if not pcall(vim.treesitter.start, buf, 'orgplan') then
      return false
    end
  end
  if M.options.fold ~= false then
    for _, win in ipairs(vim.fn.win_findbuf(buf)) do
      vim.wo[win][0].foldmethod = 'expr'
      vim.wo[win][0].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
      -- Open files unfolded, unless the user chose a 'foldlevelstart'.
      if vim.o.foldlevelstart < 0 then
        vim.wo[win][0].foldlevel = 99
      end
    end
  end
  return true
end

--- `K` in an orgplan buffer: the hover in a float no wider than
--- `hover.max_width`. A `K` the user mapped is left alone; Neovim's own
--- default `K` is replaced.
---@param buf integer
function M.hover_keymap(buf)
  local existing = vim.fn.maparg('K', 'n', false, true)
  local ours = 'orgplan: hover (vim.lsp.buf.hover, bounded width)'
  if next(existing) ~= nil and existing.desc ~= 'vim.lsp.buf.hover()' and existing.desc ~= ours then
    return
  end
  vim.keymap.set('n', 'K', function()
    vim.lsp.buf.hover(vim.tbl_extend('keep', M.options.hover or {}, { max_width = 80 }))
  end, { buffer = buf, desc = ours })
end

--- 'formatexpr' of orgplan buffers (set by the ftplugin): |gq| formats the
--- lines through the language server (textDocument/rangeFormatting), never
--- with Vim's text formatting. In Insert mode (a line past 'textwidth')
--- Vim's own wrapping is kept, as for any 'formatexpr'.
---@return integer
function M.formatexpr()
  if vim.list_contains({ 'i', 'R', 'ic', 'ix' }, vim.fn.mode()) then
    return 1
  end
  local buf = vim.api.nvim_get_current_buf()
  for _, client in ipairs(vim.lsp.get_clients({ bufnr = buf, name = 'orgplan' })) do
    if client:supports_method('textDocument/rangeFormatting', buf) then
      return vim.lsp.formatexpr({ timeout_ms = 5000 })
    end
  end
  vim.notify(
    'orgplan: gq formats through the orgplan language server, which is not attached to this buffer (see :checkhealth orgplan)',
    vim.log.levels.WARN
  )
  return 0
end

--- Client-side commands the server may send (declared to it in
--- lsp/orgplan.lua under capabilities.experimental.commands).
M.commands = {}

--- `editor.action.triggerSuggest`: list completions again (after a key is
--- accepted, its values). Neovim runs an item's command only with
--- |vim.lsp.completion.enable()|, whose completion is asked for again.
function M.commands.trigger_suggest(_, ctx)
  vim.schedule(function()
    if vim.api.nvim_get_current_buf() == ctx.bufnr and vim.fn.mode():match('^i') then
      vim.lsp.completion.get()
    end
  end)
end

--- `orgplan.insertSnippet` `{ uri, range, snippet }`: replaces the range with
--- the snippet and starts at its first tab stop (|vim.snippet|).
function M.commands.insert_snippet(command, ctx)
  local arg = command.arguments and command.arguments[1]
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if type(arg) ~= 'table' or not client then
    return
  end
  local buf = vim.uri_to_bufnr(arg.uri)
  vim.fn.bufload(buf)
  if vim.api.nvim_get_current_buf() ~= buf then
    local win = vim.fn.win_findbuf(buf)[1]
    if win then
      vim.api.nvim_set_current_win(win)
    else
      vim.api.nvim_set_current_buf(buf)
    end
  end
  local snippet = arg.snippet
  local start = arg.range.start
  local count = vim.api.nvim_buf_line_count(buf)
  local row, col
  if start.line >= count then
    -- At the end of the text, after its last line break: a new last line
    -- (which brings that line break with it).
    vim.api.nvim_buf_set_lines(buf, count, count, false, { '' })
    row, col = count, 0
    snippet = snippet:gsub('\n$', '')
  else
    vim.lsp.util.apply_text_edits({ { range = arg.range, newText = '' } }, buf, client.offset_encoding)
    local line = vim.api.nvim_buf_get_lines(buf, start.line, start.line + 1, false)[1] or ''
    row, col = start.line, vim.str_byteindex(line, client.offset_encoding, start.character, false)
  end
  local ve = vim.wo.virtualedit
  vim.wo.virtualedit = 'onemore'
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  vim.snippet.expand(snippet)
  vim.wo.virtualedit = ve
end

--- The client's position encoding, for converting the server's positions.
local function encoding_of(ctx)
  local client = ctx and vim.lsp.get_client_by_id(ctx.client_id)
  return client and client.offset_encoding or 'utf-16'
end

--- A checklist (the answer of `orgplan/checklist`: `{ title, items = { {
--- label, why, question, location, findings } } }`) in |vim.ui.select|;
--- the question picked is jumped to.
---@param list table
---@param enc string
local function select_checklist(list, enc)
  vim.ui.select(list.items, {
    prompt = (list.title or 'Checklist') .. ':',
    kind = 'orgplan.checklist',
    format_item = function(item)
      return item.label .. ' — ' .. item.why
    end,
  }, function(item)
    if item and type(item.location) == 'table' then
      vim.lsp.util.show_document(item.location, enc, { focus = true })
    end
  end)
end

--- The protocol's error code for an answer made stale by an edit.
local CONTENT_MODIFIED = -32801

--- Asks `client` for the checklist at `params` (`{ textDocument, position
--- }`, `orgplan/checklist`) and shows it; asked again if the buffer
--- changed under the request.
---@param client vim.lsp.Client
---@param params table
---@param bufnr integer?
---@param attempt integer?
local function ask_checklist(client, params, bufnr, attempt)
  attempt = attempt or 1
  client:request('orgplan/checklist', params, function(err, list)
    if err and err.code == CONTENT_MODIFIED and attempt < 3 then
      return ask_checklist(client, params, bufnr, attempt + 1)
    elseif err then
      vim.notify('orgplan: checklist: ' .. tostring(err.message), vim.log.levels.WARN)
    elseif type(list) ~= 'table' or type(list.items) ~= 'table' then
      vim.notify('orgplan: no initiative here; put the cursor in one to see its checklist', vim.log.levels.INFO)
    else
      select_checklist(list, client.offset_encoding)
    end
  end, bufnr)
end

--- `orgplan.showChecklist` `{ uri, position, title }`: the checklist of
--- the initiative there, asked of the server as the command runs (a
--- server that sends the `items` with it is shown those).
function M.commands.show_checklist(command, ctx)
  local arg = command.arguments and command.arguments[1]
  if type(arg) ~= 'table' then
    return
  end
  if type(arg.items) == 'table' then
    return select_checklist(arg, encoding_of(ctx))
  end
  local client = ctx and vim.lsp.get_client_by_id(ctx.client_id)
  if client and type(arg.uri) == 'string' and type(arg.position) == 'table' then
    ask_checklist(client, { textDocument = { uri = arg.uri }, position = arg.position }, ctx.bufnr)
  end
end

--- The checklist of the initiative at the cursor (|:OrgplanChecklist|).
function M.checklist()
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'orgplan' })[1]
  if not client then
    vim.notify('orgplan: no orgplan language server is running in this buffer', vim.log.levels.ERROR)
    return
  end
  ask_checklist(client, vim.lsp.util.make_position_params(0, client.offset_encoding), buf)
end

--- `orgplan.showReferences` `uri, position, locations`: the places in the
--- quickfix list, opened, as |vim.lsp.buf.references()| shows references.
function M.commands.show_references(command, ctx)
  local args = command.arguments or {}
  local locations = args[3]
  if type(locations) ~= 'table' or #locations == 0 then
    return
  end
  local items = vim.lsp.util.locations_to_items(locations, encoding_of(ctx))
  vim.fn.setqflist({}, ' ', { title = command.title or 'orgplan', items = items })
  vim.cmd('botright copen')
end

--- The server binary: the first word of the `orgplan` LSP config's `cmd`.
---@return string
function M.binary()
  local cfg = vim.lsp.config and vim.lsp.config.orgplan
  local cmd = cfg and cfg.cmd
  if type(cmd) == 'table' and type(cmd[1]) == 'string' then
    return cmd[1]
  end
  return 'orgplan'
end

--- Rule names starting with `lead` (from `orgplan explain --format json`).
---@param lead? string
---@return string[]
function M.rule_names(lead)
  local res = vim.system({ M.binary(), 'explain', '--format', 'json' }, { text = true }):wait()
  local ok, rules = pcall(vim.json.decode, res.stdout or '')
  local names = {}
  if res.code == 0 and ok and type(rules) == 'table' then
    for _, r in ipairs(rules) do
      if type(r.name) == 'string' and vim.startswith(r.name, lead or '') then
        names[#names + 1] = r.name
      end
    end
  end
  return names
end

--- The rule of the orgplan diagnostic under the cursor, else on its line.
---@return string?
local function rule_at_cursor()
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local on_line
  for _, d in ipairs(vim.diagnostic.get(0, { lnum = row - 1 })) do
    if d.source == 'orgplan' and type(d.code) == 'string' then
      if col >= d.col and (d.end_lnum ~= d.lnum or col < d.end_col) then
        return d.code
      end
      on_line = on_line or d.code
    end
  end
  return on_line
end

--- Shows `orgplan explain RULE` (the rule's text as shipped) in a read-only
--- Markdown window; without `rule`, the rule of the diagnostic at the cursor.
---@param rule? string
---@return integer? buf
function M.explain(rule)
  rule = rule or rule_at_cursor()
  if not rule then
    vim.notify('orgplan: no rule given and no orgplan diagnostic here (:OrgplanExplain RULE)', vim.log.levels.WARN)
    return nil
  end
  local ok, res = pcall(function()
    return vim.system({ M.binary(), 'explain', rule }, { text = true }):wait()
  end)
  if not ok or res.code ~= 0 then
    local why = ok and vim.trim(res.stderr or '') or tostring(res)
    vim.notify('orgplan explain ' .. rule .. ': ' .. why, vim.log.levels.ERROR)
    return nil
  end
  local name = 'orgplan-explain://' .. rule
  local buf = vim.fn.bufnr(name)
  if buf < 0 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(vim.trim(res.stdout), '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'markdown'
  local win = vim.fn.bufwinid(buf)
  if win < 0 then
    vim.cmd('split')
    vim.api.nvim_win_set_buf(0, buf)
  else
    vim.api.nvim_set_current_win(win)
  end
  return buf
end

-- Inlay hints: the plugin turns them on for an orgplan buffer as it
-- attaches, unless the user has turned them off since it last did (in a
-- buffer it turned them on in, or everywhere with
-- `vim.lsp.inlay_hint.enable(false)`): then they stay off for new buffers too.
local hints = { enabled_in = {}, user_off = false }

local function user_turned_hints_off()
  if hints.user_off then
    return true
  end
  for b in pairs(hints.enabled_in) do
    if vim.api.nvim_buf_is_loaded(b) and not vim.lsp.inlay_hint.is_enabled({ bufnr = b }) then
      hints.user_off = true
      return true
    end
  end
  return false
end

-- Code lenses: refreshed as the text changes, unless the user cleared them
-- (`vim.lsp.codelens.clear()`): a buffer whose lenses were shown and are
-- gone without a refresh of ours is left alone until the user refreshes it
-- (`vim.lsp.codelens.refresh()`).
local lenses = {}

local function refresh_lenses(client, buf)
  local state = lenses[buf]
  if not state or state.pending then
    return
  end
  local shown = #vim.lsp.codelens.get(buf)
  if state.cleared then
    if shown == 0 then
      return
    end
    state.cleared = false -- the user refreshed them
  elseif state.count > 0 and shown == 0 then
    state.cleared = true
    return
  end
  state.pending = true
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
  client:request('textDocument/codeLens', params, function(err, result, ctx)
    state.pending = false
    if not vim.api.nvim_buf_is_valid(buf) then
      return
    end
    if state.count > 0 and #vim.lsp.codelens.get(buf) == 0 then
      -- Cleared by the user while this was on its way.
      state.cleared = true
      return
    end
    state.count = type(result) == 'table' and #result or 0
    vim.lsp.codelens.on_codelens(err, result, ctx)
  end, buf)
end

--- Called on LspAttach of the orgplan client (see plugin/orgplan.lua): turns
--- on what Neovim leaves off by default, when the server offers it.
---@param client vim.lsp.Client
---@param buf integer
function M.on_attach(client, buf)
  if client:supports_method('textDocument/hover', buf) then
    M.hover_keymap(buf)
  end
  if
    M.options.inlay_hints ~= false
    and client:supports_method('textDocument/inlayHint', buf)
    and not user_turned_hints_off()
  then
    vim.lsp.inlay_hint.enable(true, { bufnr = buf })
    hints.enabled_in[buf] = true
    vim.api.nvim_create_autocmd('BufUnload', {
      buffer = buf,
      once = true,
      callback = function()
        hints.enabled_in[buf] = nil
      end,
    })
  end
  if M.options.codelens ~= false and client:supports_method('textDocument/codeLens', buf) then
    lenses[buf] = { count = 0, cleared = false, pending = false }
    local group = vim.api.nvim_create_augroup('orgplan_codelens_' .. buf, { clear = true })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'CursorHold', 'TextChanged' }, {
      group = group,
      buffer = buf,
      callback = function()
        refresh_lenses(client, buf)
      end,
    })
    vim.api.nvim_create_autocmd('LspDetach', {
      group = group,
      buffer = buf,
      callback = function(ev)
        if ev.data and ev.data.client_id == client.id then
          lenses[buf] = nil
          pcall(vim.api.nvim_del_augroup_by_id, group)
          return true
        end
      end,
    })
    refresh_lenses(client, buf)
  end
end

return M
