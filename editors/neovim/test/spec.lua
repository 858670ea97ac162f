-- Spec of the orgplan Neovim plugin, run by test/run.sh in real headless
-- Neovim 0.11:  nvim --headless -u NONE -i NONE -n -l test/spec.lua
--
-- Only the plugin directory (plus $VIMRUNTIME and a temporary directory that
-- receives the built parser) is on 'runtimepath'. The LSP cases drive the
-- built-in client against the real `orgplan lsp` found on PATH.

local started_at = vim.uv.hrtime()
local TMP = assert(os.getenv('ORGPLAN_TEST_TMP'), 'ORGPLAN_TEST_TMP is not set (run test/run.sh)')
local PLUGIN = assert(os.getenv('ORGPLAN_PLUGIN_DIR'))
local REPO = assert(os.getenv('ORGPLAN_REPO_ROOT'))
local TIMEOUT = tonumber(os.getenv('ORGPLAN_TEST_TIMEOUT_MS') or '') or 20000
local FILTER = os.getenv('ORGPLAN_TEST_FILTER')
local URL_HOST = 'pedrodelgallego.github.io'

------------------------------------------------------------------------------
-- A tiny test harness: one line per case, a summary line at the end.

local passed, failed, skipped = 0, 0, 0

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local function case(name, fn)
  if FILTER and not name:match(FILTER) then
    return
  end
  local t0 = vim.uv.hrtime()
  local ok, err = xpcall(fn, function(e)
    if type(e) == 'table' and e.skip then
      return e
    end
    return type(e) == 'string' and debug.traceback(e, 2):gsub('\nstack traceback:.*', '') or vim.inspect(e)
  end)
  local ms = math.floor((vim.uv.hrtime() - t0) / 1e6)
  if not ok and type(err) == 'table' and err.skip then
    skipped = skipped + 1
    out(('skip %s: %s'):format(name, err.skip))
  elseif ok then
    passed = passed + 1
    out(('ok   %s (%d ms)'):format(name, ms))
  else
    failed = failed + 1
    out(('FAIL %s (%d ms): %s'):format(name, ms, tostring(err):gsub('\n', '\n     ')))
  end
end

local function fail(msg, level)
  error(msg, (level or 1) + 1)
end

--- Ends a case as skipped (not counted): for optional server features.
local function skip(why)
  error({ skip = why }, 0)
end

local function check(cond, msg, ...)
  if not cond then
    fail(select('#', ...) > 0 and msg:format(...) or msg, 2)
  end
  return cond
end

local function eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    fail(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

--- vim.wait with the test's limit; fails the case with `what` on time-out.
local function wait_for(what, cond, timeout)
  local ok = vim.wait(timeout or TIMEOUT, function()
    local good, res = pcall(cond)
    return good and res and true or false
  end, 20)
  if not ok then
    fail('timed out waiting for ' .. (type(what) == 'function' and what() or what), 2)
  end
end

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

--- 0-based (row, col) of the `nth` plain occurrence of `needle` in `buf`.
local function find(buf, needle, nth)
  nth = nth or 1
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local init = 1
    while true do
      local s = line:find(needle, init, true)
      if not s then
        break
      end
      nth = nth - 1
      if nth == 0 then
        return row - 1, s - 1
      end
      init = s + 1
    end
  end
  fail(('%q not found in %s'):format(needle, vim.api.nvim_buf_get_name(buf)), 2)
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- Shows `path` in the current window. A buffer that is already loaded is
--- shown as it is (`:edit` would reload an unmodified one from disk).
local function open(path)
  local buf = vim.fn.bufnr(path)
  if buf > 0 and vim.api.nvim_buf_is_loaded(buf) then
    vim.api.nvim_set_current_buf(buf)
  else
    vim.cmd.edit(vim.fn.fnameescape(path))
  end
  return vim.api.nvim_get_current_buf()
end

------------------------------------------------------------------------------
-- Child processes (language servers run detached, in their own session):
-- remember them in a file so that run.sh can end them even if nvim dies, and
-- end them ourselves at the end.

local children = {} ---@type table<integer, string> pid -> name
local children_file = TMP .. '/children'
local function note_children()
  local changed = false
  -- Children and their children (the server of a child nvim).
  local queue = vim.api.nvim_get_proc_children(vim.fn.getpid())
  while #queue > 0 do
    local pid = table.remove(queue)
    if not children[pid] then
      local info = vim.api.nvim_get_proc(pid)
      if info and info.name then
        children[pid] = info.name
        changed = true
      end
    end
    local ok, grandchildren = pcall(vim.api.nvim_get_proc_children, pid)
    if ok then
      vim.list_extend(queue, grandchildren)
    end
  end
  if changed then
    local lines = {}
    for pid, name in pairs(children) do
      table.insert(lines, ('%d %s'):format(pid, name))
    end
    vim.fn.writefile(lines, children_file)
  end
end
local child_timer = assert(vim.uv.new_timer())
child_timer:start(0, 100, vim.schedule_wrap(note_children))

------------------------------------------------------------------------------
-- Editor set-up: only the plugin on the runtimepath.

local RT = TMP .. '/rt' -- receives parser/orgplan.so
vim.fn.mkdir(RT, 'p')
-- Keep Neovim's own parsers (vimdoc, lua, …) next to $VIMRUNTIME.
local bundled = vim.api.nvim_get_runtime_file('parser/vimdoc.so', false)[1]
local rtp = { PLUGIN, vim.env.VIMRUNTIME }
if bundled then
  table.insert(rtp, vim.fs.dirname(vim.fs.dirname(bundled)))
end
table.insert(rtp, RT)
vim.opt.runtimepath = rtp
vim.opt.packpath = {}
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'AIF'
vim.cmd('filetype plugin indent on')
vim.cmd('syntax on')
vim.cmd('runtime! plugin/orgplan.lua')
vim.lsp.log.set_level(vim.log.levels.WARN)

-- Record the server's workspace/configuration requests and our answers.
local config_requests = {}
do
  local default = vim.lsp.handlers['workspace/configuration']
  vim.lsp.handlers['workspace/configuration'] = function(err, params, ctx, cfg)
    local res = default(err, params, ctx, cfg)
    table.insert(config_requests, { params = params, result = res })
    return res
  end
end

------------------------------------------------------------------------------
-- Fixtures: a multi-file workspace.

local WS = TMP .. '/workspace'
write(WS .. '/orgplan.toml', '# orgplan workspace of the Neovim tests\n')
write(WS .. '/Cargo.toml', '[package]\nname = "not-a-plan"\n')
write(
  WS .. '/leaders.orgplan',
  [[
# Leaders of the retail division
leader jane "Jane Doe" {
  title: "Director, Fulfilment"
}

leader raj "Raj Patel" {
  title: "VP Engineering"
  allocation: 50%            # part-time
}

leader ana "Ana Lima" {
  title: "Principal Engineer"   # full-time, leads nothing yet
}
]]
)
write(
  WS .. '/fba.orgplan',
  [[
initiative fba "Fulfilment by Amazon" {
  leader: jane
  model: ownership
  critical: true
  scope: "Inbound logistics for third-party sellers"
  metrics: "Units received per day", "Inbound defect rate"
  teams: fba-inbound
}

team fba-inbound "FBA Inbound" {
  reports_to: jane
  roles: engineering, qa, design, product
}
]]
)
write(
  WS .. '/more.orgplan',
  [[
initiative returns "Returns" {
  leader: jane
  model: ownership
  scope: "Customer returns"
  metrics: "Return rate"
  teams: returns-core
}

initiative prime "Prime Now" {
  scope: "Two-hour delivery"
  metrics: "Orders per hour"
}

initiative gdpr "GDPR" {
  leader: bob
  model: leadership
  scope: "Personal data"
  metrics: "Open requests"
}

team returns-core "Returns Core" {
  reports_to: jane
  roles: engineering, qa, design, product
}
]]
)

-- Never opened in the editor: its findings come from the server's own scan.
write(
  WS .. '/closed.orgplan',
  [[
initiative lonely "Lonely" {
  metrics: "None"
}
]]
)

------------------------------------------------------------------------------
-- Plugin, no server needed.

case('queries are identical to the grammar crate', function()
  for _, name in ipairs({ 'highlights', 'folds', 'indents' }) do
    local ours = PLUGIN .. '/queries/orgplan/' .. name .. '.scm'
    local theirs = REPO .. '/server/tree-sitter-orgplan/queries/' .. name .. '.scm'
    check(read(ours) == read(theirs), '%s differs from %s: copy it over', ours, theirs)
  end
end)

case('lsp/orgplan.lua is a vim.lsp.Config', function()
  local cfg = dofile(PLUGIN .. '/lsp/orgplan.lua')
  eq({ 'orgplan', 'lsp' }, cfg.cmd, 'cmd')
  eq({ 'orgplan', 'toml' }, cfg.filetypes, 'filetypes')
  eq({ 'orgplan.toml', '.git' }, cfg.root_markers, 'root_markers')
  check(type(cfg.root_dir) == 'function', 'root_dir')
  check(type(cfg.settings) == 'table' and type(cfg.settings.orgplan) == 'table', 'settings.orgplan missing')
  -- An empty section must reach the server as a JSON object, not as [].
  eq('{"orgplan":{}}', vim.json.encode(cfg.settings), 'settings as JSON')
  local resolved = vim.lsp.config.orgplan
  eq({ 'orgplan', 'lsp' }, resolved.cmd, 'vim.lsp.config.orgplan.cmd')
end)

case('setup() only merges options', function()
  local orgplan = require('orgplan')
  check(orgplan.options.highlight == true, 'highlight on by default')
  orgplan.setup({ cmd = { '/opt/orgplan/bin/orgplan', 'lsp' }, settings = { testSetting = 42 } })
  eq({ '/opt/orgplan/bin/orgplan', 'lsp' }, vim.lsp.config.orgplan.cmd, 'cmd after setup')
  eq(42, vim.lsp.config.orgplan.settings.orgplan.testSetting, 'settings after setup')
  eq({ 'orgplan', 'toml' }, vim.lsp.config.orgplan.filetypes, 'filetypes kept')
  orgplan.setup({ cmd = { 'orgplan', 'lsp' } })
  eq({ 'orgplan', 'lsp' }, vim.lsp.config.orgplan.cmd, 'cmd restored')
  eq(true, orgplan.options.highlight, 'other options kept')
end)

case('regex syntax when no parser is installed', function()
  if vim.uv.fs_stat(PLUGIN .. '/parser/orgplan.so') then
    skip('a parser is installed in the plugin directory')
  end
  require('orgplan').setup({ install_dir = RT })
  local buf = open(WS .. '/leaders.orgplan')
  check(vim.treesitter.highlighter.active[buf] == nil, 'tree-sitter active without a parser')
  eq('orgplan', vim.bo[buf].syntax, 'syntax')
  local function group(needle)
    local row, col = find(buf, needle)
    return vim.fn.synIDattr(vim.fn.synID(row + 1, col + 1, 1), 'name')
  end
  eq('orgplanComment', group('# Leaders'), 'comment')
  eq('orgplanKind', group('leader jane'), 'block kind')
  eq('orgplanName', group('jane'), 'block id')
  eq('orgplanKey', group('title'), 'key')
  eq('orgplanString', group('"Director'), 'string')
  eq('orgplanPercentage', group('50%'), 'percentage')
  vim.cmd('bwipeout!')
end)

case(':OrgplanBuildParser builds parser/orgplan.so', function()
  check(vim.fn.exists(':OrgplanBuildParser') == 2, 'command missing')
  require('orgplan').setup({ install_dir = RT })
  vim.cmd('OrgplanBuildParser')
  check(vim.uv.fs_stat(RT .. '/parser/orgplan.so'), 'no %s/parser/orgplan.so', RT)
  eq(RT .. '/parser/orgplan.so', vim.api.nvim_get_runtime_file('parser/orgplan.so', false)[1], 'found on rtp')
  check(vim.treesitter.language.add('orgplan'), 'parser does not load')
  local tree = vim.treesitter.get_string_parser('leader jane "Jane" { title: "x" }', 'orgplan'):parse()[1]
  eq('source_file', tree:root():type(), 'root node')
  check(not tree:root():has_error(), 'parse error')
end)

case('filetype detection', function()
  eq('orgplan', vim.filetype.match({ filename = 'plans/retail.orgplan' }), 'vim.filetype.match')
  local buf = open(WS .. '/fba.orgplan')
  eq('orgplan', vim.bo[buf].filetype, 'filetype')
end)

case('ftplugin options', function()
  local buf = open(WS .. '/fba.orgplan')
  eq('# %s', vim.bo[buf].commentstring, 'commentstring')
  eq(2, vim.bo[buf].shiftwidth, 'shiftwidth')
  eq(true, vim.bo[buf].expandtab, 'expandtab')
  check(vim.tbl_contains(vim.split(vim.bo[buf].iskeyword, ','), '-'), 'iskeyword lacks -: %s', vim.bo[buf].iskeyword)
  local row, col = find(buf, 'fba-inbound')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 5 })
  eq('fba-inbound', vim.fn.expand('<cword>'), '<cword> on fba-inbound')
  check((vim.b[buf].undo_ftplugin or ''):find('iskeyword<', 1, true), 'b:undo_ftplugin: %s', vim.b[buf].undo_ftplugin)
  -- undo_ftplugin runs when the filetype changes.
  vim.bo[buf].filetype = 'text'
  check(not vim.tbl_contains(vim.split(vim.bo[buf].iskeyword, ','), '-'), 'iskeyword not restored')
  vim.bo[buf].filetype = 'orgplan'
  eq('# %s', vim.bo[buf].commentstring, 'commentstring again')
end)

case('gc comments with #', function()
  local buf = vim.api.nvim_create_buf(true, false)
  vim.api.nvim_set_current_buf(buf)
  vim.bo[buf].filetype = 'orgplan'
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'leader jane "Jane"' })
  require('vim._comment').toggle_lines(1, 1)
  eq({ '# leader jane "Jane"' }, vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'commented')
  vim.cmd('bwipeout!')
end)

case('indent with = (one shiftwidth per brace)', function()
  local buf = vim.api.nvim_create_buf(true, false)
  vim.api.nvim_set_current_buf(buf)
  vim.bo[buf].filetype = 'orgplan'
  local want = {
    'team fba-inbound "FBA Inbound" {   # {',
    '  reports_to: jane',
    '  roles: engineering, qa',
    '  depends_on payments {',
    '    owner: fba-inbound',
    '    plan: "braces in strings: {"',
    '  }',
    '}',
    'leader raj "Raj" { title: "VP" }',
  }
  local flat = vim.tbl_map(vim.trim, want)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, flat)
  vim.cmd('silent normal! gg=G')
  eq(want, vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'indented lines')
  vim.cmd('bwipeout!')
end)

case('tree-sitter highlighting captures', function()
  local buf = open(WS .. '/leaders.orgplan')
  check(vim.treesitter.highlighter.active[buf] ~= nil, 'highlighter not active')
  check(vim.b[buf].ts_highlight, 'b:ts_highlight not set')
  local function captures_at(needle, nth, offset)
    local row, col = find(buf, needle, nth)
    local names = {}
    for _, c in ipairs(vim.treesitter.get_captures_at_pos(buf, row, col + (offset or 0))) do
      names[c.capture] = true
    end
    return names
  end
  local expectations = {
    { '# Leaders', 'comment' },
    { 'leader jane', 'keyword' },
    { 'jane', 'type' },
    { '"Jane Doe"', 'string.special' },
    { 'title:', 'property' },
    { '"Director', 'string' },
    { '50%', 'number' },
    { '{', 'punctuation.bracket' },
    { ':', 'punctuation.delimiter' },
    { '# part-time', 'comment' },
  }
  for _, e in ipairs(expectations) do
    local names = captures_at(e[1])
    check(names[e[2]], '%q: expected @%s, got %s', e[1], e[2], vim.inspect(vim.tbl_keys(names)))
  end
  local fba = open(WS .. '/fba.orgplan')
  buf = fba
  local more = {
    { 'true', 'boolean' },
    { 'ownership', 'constant.builtin' },
    { 'engineering', 'constant.builtin' },
    { 'jane', 'variable' },
    { 'fba-inbound', 'variable' },
  }
  for _, e in ipairs(more) do
    local names = captures_at(e[1])
    check(names[e[2]], '%q: expected @%s, got %s', e[1], e[2], vim.inspect(vim.tbl_keys(names)))
  end
  local names = captures_at('fba-inbound', 1, 5)
  check(names.variable, 'the whole of fba-inbound is one identifier')
end)

case('tree-sitter folding', function()
  local buf = open(WS .. '/fba.orgplan')
  eq('expr', vim.wo.foldmethod, 'foldmethod')
  eq('v:lua.vim.treesitter.foldexpr()', vim.wo.foldexpr, 'foldexpr')
  local row = find(buf, 'model: ownership')
  wait_for('fold levels', function()
    return vim.fn.foldlevel(row + 1) == 1
  end, 2000)
  eq(0, vim.fn.foldlevel(find(buf, 'team fba-inbound') + 1 - 1), 'fold level between blocks')
  eq(-1, vim.fn.foldclosed(row + 1), 'the file opens unfolded')
  vim.cmd('normal! zM')
  check(vim.fn.foldclosed(row + 1) > 0, 'zM closes the block')
  vim.cmd('normal! zR')
end)

case('help: the shipped doc/tags is current, :help orgplan works without :helptags', function()
  local doc = TMP .. '/help/doc'
  vim.fn.mkdir(doc, 'p')
  write(doc .. '/orgplan.txt', read(PLUGIN .. '/doc/orgplan.txt'))
  vim.cmd('helptags ' .. vim.fn.fnameescape(doc))
  local tags = read(doc .. '/tags')
  check(
    vim.uv.fs_stat(PLUGIN .. '/doc/tags') and read(PLUGIN .. '/doc/tags') == tags,
    'doc/tags is missing or stale: regenerate it with nvim --headless -u NONE -c "helptags editors/neovim/doc" -c q'
  )
  for _, tag in ipairs({
    'orgplan',
    'orgplan.txt',
    'orgplan-install',
    'orgplan-lsp',
    'orgplan-setup',
    'orgplan-treesitter',
    ':OrgplanBuildParser',
    'orgplan-health',
    'orgplan-formatting',
    'orgplan-mappings',
    'orgplan-hover',
  }) do
    check(tags:find('\n' .. vim.pesc(tag) .. '\t', 1) or tags:find('^' .. vim.pesc(tag) .. '\t'), 'tag %s missing', tag)
  end
  -- The plugin directory alone (its shipped tags) is enough.
  vim.cmd('help orgplan')
  eq('help', vim.bo.filetype, ':help orgplan opened')
  eq(vim.uv.fs_realpath(PLUGIN .. '/doc/orgplan.txt'), vim.uv.fs_realpath(vim.api.nvim_buf_get_name(0)), 'help file')
  vim.cmd('help orgplan-formatting')
  vim.cmd('help :OrgplanBuildParser')
  vim.cmd('helpclose')
end)

case('gq without a server: nothing joined, the user is told', function()
  local buf = open(TMP .. '/gq/alone.orgplan')
  local lines = { 'leader zoe "Zoe" {', '  title: "CTO"', '}' }
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  eq("v:lua.require'orgplan'.formatexpr()", vim.bo[buf].formatexpr, 'formatexpr')
  local said
  local notify = vim.notify
  vim.notify = function(msg)
    said = msg
  end
  local ok, err = pcall(vim.cmd, 'normal! gggqG')
  vim.notify = notify
  assert(ok, err)
  eq(lines, vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'lines after gq')
  check(said and said:find('not attached', 1, true), 'no message: %s', tostring(said))
  vim.cmd('bwipeout!')
end)

case('installs as a native package (pack/*/start, symlinked)', function()
  local site = TMP .. '/site'
  vim.fn.mkdir(site .. '/pack/orgplan/start', 'p')
  assert(vim.uv.fs_symlink(PLUGIN, site .. '/pack/orgplan/start/orgplan'))
  local file = TMP .. '/native/plan.orgplan'
  write(file, 'leader jane "Jane" {\n  title: "x"\n}\n')
  local lua = [[io.stdout:write(vim.json.encode({
    ft = vim.bo.filetype, cms = vim.bo.commentstring, sw = vim.bo.shiftwidth,
    cmd = vim.fn.exists(':OrgplanBuildParser'), lsp = vim.lsp.config.orgplan.cmd,
    grammar = require('orgplan').grammar_dir(),
    health = #vim.api.nvim_get_runtime_file('lua/orgplan/health.lua', false),
  }))]]
  local res = vim
    .system({
      vim.v.progpath, '--headless', '--clean', '-n',
      '--cmd', 'set packpath^=' .. site,
      '-c', 'lua ' .. lua:gsub('\n', ' '),
      '-c', 'qall!',
      file,
    }, { text = true, stdin = false })
    :wait(TIMEOUT)
  check(res.code == 0, 'child nvim exited %s: %s', tostring(res.code), res.stderr)
  local ok, got = pcall(vim.json.decode, res.stdout)
  check(ok, 'child nvim printed %q (stderr %q)', res.stdout, res.stderr)
  eq('orgplan', got.ft, 'filetype')
  eq('# %s', got.cms, 'commentstring')
  eq(2, got.sw, 'shiftwidth')
  eq(2, got.cmd, ':OrgplanBuildParser')
  eq({ 'orgplan', 'lsp' }, got.lsp, 'lsp config')
  eq(1, got.health, 'health module')
  eq(vim.uv.fs_realpath(REPO .. '/server/tree-sitter-orgplan/src'), got.grammar, 'grammar found through the symlink')
end)

case(':checkhealth orgplan before the server is enabled: hints, no ERROR', function()
  vim.cmd('checkhealth orgplan')
  local text = buf_text(0)
  vim.cmd('tabclose')
  check(not text:find('ERROR', 1, true), 'checkhealth:\n%s', text)
  check(text:find('orgplan --version', 1, true), 'binary not checked:\n%s', text)
  check(text:find('platform: Linux x86_64 (glibc) (this machine: Linux x86_64)', 1, true), 'no platform:\n%s', text)
  check(text:find("vim.lsp.enable('orgplan')", 1, true), 'no hint to enable the server:\n%s', text)
end)

case(":checkhealth orgplan names the WebAssembly archive's command as such", function()
  -- The archive's layout: orgplan-wasm (a Node.js script) beside orgplan.wasm.
  local dir = TMP .. '/wasm-archive'
  vim.fn.mkdir(dir, 'p')
  local launcher = dir .. '/orgplan-wasm'
  write(launcher, '#!/bin/sh\necho "orgplan 0.0.0 (wasm)"\n')
  vim.uv.fs_chmod(launcher, tonumber('755', 8))
  write(dir .. '/orgplan.wasm', '\0asm\1\0\0\0')
  local before = vim.lsp.config.orgplan.cmd
  vim.lsp.config('orgplan', { cmd = { launcher, 'lsp' } })
  local ok, err = pcall(function()
    vim.cmd('checkhealth orgplan')
    local text = buf_text(0)
    vim.cmd('tabclose')
    check(text:find('platform: WebAssembly (wasm32-wasip1, run by Node.js)', 1, true), 'no wasm platform:\n%s', text)
    check(not text:find('platform unknown', 1, true), 'checkhealth:\n%s', text)
  end)
  vim.lsp.config('orgplan', { cmd = before })
  assert(ok, err)
end)

case(':checkhealth orgplan warns about a parser older than the grammar', function()
  local orgplan = require('orgplan')
  local src = TMP .. '/grammar/src'
  vim.fn.mkdir(src, 'p')
  write(src .. '/parser.c', read(orgplan.grammar_dir() .. '/parser.c'))
  local future = os.time() + 3600
  vim.uv.fs_utime(src .. '/parser.c', future, future)
  orgplan.setup({ grammar_dir = src })
  local ok, err = pcall(function()
    vim.cmd('checkhealth orgplan')
    local text = buf_text(0)
    vim.cmd('tabclose')
    check(text:find('older than ' .. src .. '/parser.c', 1, true), 'no stale-parser warning:\n%s', text)
    check(not text:find('ERROR', 1, true), 'checkhealth:\n%s', text)
  end)
  orgplan.options.grammar_dir = nil
  assert(ok, err)
end)

------------------------------------------------------------------------------
-- The real language server through the built-in client.

-- Configure before enabling: enable() starts clients for open buffers at once.
vim.lsp.config('orgplan', { settings = { orgplan = { neovimTest = true, rules = { ['missing-scope'] = 'off' } } } })
vim.lsp.enable('orgplan')

local client ---@type vim.lsp.Client?
local bufs = {}

local function need_client()
  check(client ~= nil and not client:is_stopped(), 'no running orgplan client')
  return client
end

--- Fails at once (rather than waiting for an answer that cannot come) when
--- the server does not announce a capability that the case needs.
local function need_capability(name)
  local c = need_client()
  check(c.server_capabilities[name], 'the server does not offer %s', name)
  return c
end

local function diagnostics(buf, code)
  return vim.tbl_filter(function(d)
    return code == nil or d.code == code
  end, vim.diagnostic.get(buf))
end

local function codes(buf)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    seen[tostring(d.code)] = true
  end
  local list = vim.tbl_keys(seen)
  table.sort(list)
  return list
end

local function request(method, params, buf)
  local c = need_client()
  local res, err = c:request_sync(method, params, TIMEOUT, buf)
  check(res ~= nil, '%s: no answer (%s)', method, tostring(err))
  check(res.err == nil, '%s: error %s', method, vim.inspect(res and res.err))
  return res.result
end

local function position_params(buf, row, col)
  return {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = row, character = col },
  }
end

local function markup_text(contents)
  if type(contents) == 'string' then
    return contents
  elseif contents.value then
    return contents.value
  end
  return table.concat(vim.tbl_map(markup_text, contents), '\n')
end

case('server starts and attaches (one client per workspace)', function()
  bufs.leaders = open(WS .. '/leaders.orgplan')
  bufs.fba = open(WS .. '/fba.orgplan')
  bufs.more = open(WS .. '/more.orgplan')
  local attached = vim.wait(TIMEOUT, function()
    for _, b in pairs(bufs) do
      if #vim.lsp.get_clients({ name = 'orgplan', bufnr = b }) == 0 then
        return false
      end
    end
    return true
  end, 20)
  if not attached then
    local log = vim.fn.filereadable(vim.lsp.log.get_filename()) == 1 and vim.fn.readfile(vim.lsp.log.get_filename()) or {}
    fail(('timed out waiting for an orgplan client on every buffer (orgplan on PATH: %s)\nLSP log:\n%s'):format(
      vim.fn.exepath('orgplan'),
      table.concat(vim.list_slice(log, math.max(1, #log - 15)), '\n')
    ))
  end
  local clients = vim.lsp.get_clients({ name = 'orgplan' })
  eq(1, #clients, 'number of orgplan clients')
  client = clients[1]
  wait_for('initialized', function()
    return client.initialized
  end)
  eq(vim.uv.fs_realpath(WS), vim.uv.fs_realpath(client.root_dir), 'root_dir (orgplan.toml)')
  eq('orgplan', client.name, 'client name')
  -- The client's defaults for <C-x><C-o>, CTRL-] and gq are in place.
  eq('v:lua.vim.lsp.omnifunc', vim.bo[bufs.fba].omnifunc, 'omnifunc')
  eq('v:lua.vim.lsp.tagfunc', vim.bo[bufs.fba].tagfunc, 'tagfunc')
end)

case('diagnostics carry rule codes and source', function()
  need_client()
  local function now(what)
    return function()
      return ('%s (more.orgplan has %s; fba.orgplan has %s)'):format(
        what,
        table.concat(codes(bufs.more), ', '),
        table.concat(codes(bufs.fba), ', ')
      )
    end
  end
  wait_for(now('initiative-without-leader on more.orgplan'), function()
    return #diagnostics(bufs.more, 'initiative-without-leader') > 0
  end)
  wait_for(now('undefined-reference on more.orgplan'), function()
    return #diagnostics(bufs.more, 'undefined-reference') > 0
  end)
  wait_for(now('leader-not-single-threaded on more.orgplan and fba.orgplan'), function()
    return #diagnostics(bufs.more, 'leader-not-single-threaded') > 0
      and #diagnostics(bufs.fba, 'leader-not-single-threaded') > 0
  end)
  for _, d in ipairs(vim.diagnostic.get(bufs.more)) do
    eq('orgplan', d.source, 'source of ' .. tostring(d.code))
  end
  local prime = find(bufs.more, 'initiative prime')
  local d = diagnostics(bufs.more, 'initiative-without-leader')[1]
  eq(prime, d.lnum, 'initiative-without-leader line')
  local bob = find(bufs.more, 'bob')
  d = diagnostics(bufs.more, 'undefined-reference')[1]
  eq(bob, d.lnum, 'undefined-reference line')
  check(d.message:find('bob', 1, true), 'message names bob: %s', d.message)
end)

case('diagnostics for files that are not open', function()
  need_client()
  local path = WS .. '/closed.orgplan'
  check(vim.fn.bufloaded(path) == 0, 'closed.orgplan is loaded')
  wait_for('initiative-without-leader on closed.orgplan', function()
    return #diagnostics(vim.uri_to_bufnr(vim.uri_from_fname(path)), 'initiative-without-leader') > 0
  end)
end)

case('diagnostics follow edits without saving', function()
  need_client()
  local buf = bufs.leaders
  local row = find(buf, 'title: "VP Engineering"')
  vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { '  titel: "VP Engineering"' })
  wait_for('unknown-property after the edit', function()
    return #diagnostics(buf, 'unknown-property') > 0
  end)
  local d = diagnostics(buf, 'unknown-property')[1]
  eq(row, d.lnum, 'unknown-property line')
  vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { '  title: "VP Engineering"' })
  wait_for('unknown-property gone after the fix', function()
    return #diagnostics(buf, 'unknown-property') == 0
  end)
end)

case(':OrgplanGraph writes the picture (and the report) and opens it', function()
  need_client()
  check(vim.fn.exists(':OrgplanGraph') == 2, 'command missing')
  local opened, notes = {}, {}
  local real_open, real_notify = vim.ui.open, vim.notify
  vim.ui.open = function(path)
    opened[#opened + 1] = path
  end
  vim.notify = function(msg)
    notes[#notes + 1] = msg
  end
  local ok, err = pcall(function()
    vim.api.nvim_set_current_buf(bufs.fba)
    vim.cmd('OrgplanGraph')
    wait_for('vim.ui.open with the picture', function()
      return #opened == 1
    end)
    local svg = read(opened[1])
    check(svg:find('<svg', 1, true), 'not an SVG: %s', svg:sub(1, 200))
    check(svg:find('data-key="initiative:fba"', 1, true), 'no node for fba')
    check(svg:find('class="node [%w-]+ error"'), 'no node marked with an error')
    -- An unsaved edit is in the picture; a focus draws its neighbourhood.
    local last = vim.api.nvim_buf_line_count(bufs.fba)
    vim.api.nvim_buf_set_lines(bufs.fba, last, last, false, { '', 'team ghost "Ghost" { }' })
    vim.cmd('OrgplanGraph ghost')
    wait_for('vim.ui.open with the focused picture', function()
      return #opened == 2
    end)
    check(opened[2]:find('graph%-ghost%.svg$'), 'focused picture written to %s', opened[2])
    local focused = read(opened[2])
    check(focused:find('data-key="team:ghost"', 1, true), 'the unsaved team is not drawn')
    check(not focused:find('data-key="initiative:fba"', 1, true), 'fba is not near ghost')
    vim.api.nvim_buf_set_lines(bufs.fba, last, last + 2, false, {})
    -- An unknown id: an error that says so, nothing opened.
    vim.cmd('OrgplanGraph nosuchthing')
    wait_for('an error about nosuchthing', function()
      return #notes > 0
    end)
    check(notes[1]:find('nosuchthing', 1, true), 'message: %s', notes[1])
    eq(2, #opened, 'files opened')
    -- With a bang, the HTML report.
    vim.cmd('OrgplanGraph!')
    wait_for('vim.ui.open with the report', function()
      return #opened == 3
    end)
    local html = read(opened[3])
    check(html:find('Content-Security-Policy', 1, true) and html:find('<svg', 1, true), 'not the report')
  end)
  vim.ui.open, vim.notify = real_open, real_notify
  assert(ok, err)
end)

case('hover on a diagnostic shows the principle and its source', function()
  need_capability('hoverProvider')
  local d = diagnostics(bufs.more, 'initiative-without-leader')[1]
  check(d, 'no initiative-without-leader diagnostic')
  local result = request('textDocument/hover', position_params(bufs.more, d.lnum, d.col), bufs.more)
  check(result and result.contents, 'empty hover')
  local text = markup_text(result.contents)
  check(text:find(URL_HOST, 1, true), 'hover lacks the source URL:\n%s', text)
  check(text:lower():find('single%-threaded'), 'hover lacks the principle:\n%s', text)
end)

case('hover on an entity shows its card', function()
  need_capability('hoverProvider')
  local row, col = find(bufs.fba, 'jane')
  local result = request('textDocument/hover', position_params(bufs.fba, row, col + 1), bufs.fba)
  check(result and result.contents, 'empty hover')
  local text = markup_text(result.contents)
  check(text:find('Jane Doe', 1, true), 'hover on jane lacks her name:\n%s', text)
end)

case('vim.lsp.buf.hover opens a float', function()
  need_capability('hoverProvider')
  local buf = open(WS .. '/more.orgplan')
  local d = diagnostics(buf, 'initiative-without-leader')[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local before = vim.api.nvim_get_current_win()
  vim.lsp.buf.hover()
  local float
  wait_for('a hover float', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
  end)
  local text = buf_text(vim.api.nvim_win_get_buf(float))
  check(text:find(URL_HOST, 1, true), 'float lacks the URL:\n%s', text)
  vim.api.nvim_win_close(float, true)
  vim.api.nvim_set_current_win(before)
end)

case('K shows the hover in a float no wider than hover.max_width', function()
  need_capability('hoverProvider')
  local buf = open(WS .. '/more.orgplan')
  eq('orgplan: hover (vim.lsp.buf.hover, bounded width)', vim.fn.maparg('K', 'n', false, true).desc, 'K mapping')
  local d = diagnostics(buf, 'initiative-without-leader')[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local before = vim.api.nvim_get_current_win()
  -- The headless screen is 80 columns: a narrower limit shows it is applied.
  local hover = require('orgplan').options.hover
  require('orgplan').options.hover = { max_width = 40 }
  vim.cmd('normal K')
  require('orgplan').options.hover = hover
  local float
  wait_for('a hover float', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
  end)
  local width = vim.api.nvim_win_get_width(float)
  vim.api.nvim_win_close(float, true)
  vim.api.nvim_set_current_win(before)
  check(width <= 40, 'hover float %d columns wide', width)
end)

case('completion after "leader: " lists leaders', function()
  need_capability('completionProvider')
  local buf = open(WS .. '/draft.orgplan') -- a new, unsaved file
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, {
    'initiative draft "Draft" {',
    '  leader: ',
    '}',
  })
  wait_for('client attached to the new buffer', function()
    return vim.lsp.buf_is_attached(buf, client.id)
  end)
  local result = request('textDocument/completion', position_params(buf, 1, 10), buf)
  local items = result and (result.items or result) or {}
  local labels = {}
  for _, item in ipairs(items) do
    labels[item.label] = item
  end
  check(labels.jane and labels.raj and labels.ana, 'leaders missing from %s', vim.inspect(vim.tbl_keys(labels)))
  check(not labels['fba-inbound'], 'a team offered as leader')
  -- A free leader comes before one who already leads an initiative…
  local function key(item)
    return item.sortText or item.label
  end
  check(key(labels.ana) < key(labels.jane), 'ana (free) should sort before jane (leading): %s vs %s', key(labels.ana), key(labels.jane))
  -- …who is marked with what she leads.
  local jane = labels.jane
  local marks = (jane.detail or '') .. ' ' .. (jane.labelDetails and (jane.labelDetails.description or '') or '')
  check(marks:find('fba', 1, true), 'jane is not marked as leading fba: %s', vim.inspect(jane))
  -- In the menu (kind and detail columns), a leader says it is one.
  local menu = vim.lsp.completion._lsp_to_complete_items(result, '', client.id)
  local row = vim.iter(menu):find(function(m)
    return m.abbr == 'jane'
  end)
  check(row and row.kind == 'Reference' and row.menu:match('^leader · leads fba'), 'menu row: %s', vim.inspect(row))
  vim.cmd('bwipeout!')
end)

case('accepting a key with values lists them (editor.action.triggerSuggest)', function()
  need_client()
  local buf = open(WS .. '/keys.orgplan') -- new, unsaved
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'initiative keys "Keys" {', '  ', '}' })
  wait_for('client attached', function()
    return vim.lsp.buf_is_attached(buf, client.id)
  end)
  local result = request('textDocument/completion', position_params(buf, 1, 2), buf)
  local model = vim.iter(result.items or result):find(function(i)
    return i.label == 'model'
  end)
  eq('editor.action.triggerSuggest', model and model.command and model.command.command, 'model key command')
  check(vim.lsp.commands['editor.action.triggerSuggest'], 'the plugin runs editor.action.triggerSuggest')
  vim.cmd('bwipeout!')
end)

case('typing in a second nvim: live diagnostics, <C-x><C-o> leaders, <C-y>', function()
  need_capability('completionProvider')
  -- A child nvim driven over RPC, so that its main loop handles the keys as
  -- typed (insert mode, the completion menu), like an editor with a user.
  local chan = vim.fn.jobstart({ vim.v.progpath, '--headless', '--embed', '-u', 'NONE', '-i', 'NONE', '-n' }, {
    rpc = true,
    env = { ORGPLAN_TEST_CHILD = '1' },
  })
  check(chan > 0, 'could not start a child nvim')
  local function lua(code, ...)
    return vim.rpcrequest(chan, 'nvim_exec_lua', code, { ... })
  end
  local ok, err = pcall(function()
    lua([[
      local plugin, rt, file = ...
      vim.opt.runtimepath = { plugin, vim.env.VIMRUNTIME, rt }
      vim.cmd('filetype plugin indent on')
      vim.cmd('runtime! plugin/orgplan.lua')
      require('orgplan').setup({ install_dir = rt })
      vim.lsp.enable('orgplan')
      vim.cmd.edit(vim.fn.fnameescape(file))
    ]], PLUGIN, RT, WS .. '/typed.orgplan')
    local function child_wait(what, code)
      wait_for(what, function()
        return lua(code)
      end)
    end
    child_wait('the child attached', [[return #vim.lsp.get_clients({ name = 'orgplan', bufnr = 0 }) > 0]])
    vim.rpcrequest(chan, 'nvim_input', 'iinitiative typed "Typed" {<CR>}<Esc>')
    child_wait('initiative-without-leader while typing', [[
      for _, d in ipairs(vim.diagnostic.get(0)) do
        if d.code == 'initiative-without-leader' then return true end
      end
      return false
    ]])
    wait_for('normal mode', function()
      return vim.rpcrequest(chan, 'nvim_get_mode').mode == 'n'
    end)
    vim.rpcrequest(chan, 'nvim_input', 'ggoleader: <C-x><C-o>')
    local words
    wait_for('the completion menu', function()
      words = lua([[return vim.tbl_map(function(i) return i.word end, vim.fn.complete_info({ 'items' }).items)]])
      return #words > 0
    end)
    check(vim.tbl_contains(words, 'jane') and vim.tbl_contains(words, 'ana'), 'menu: %s', vim.inspect(words))
    eq('ana', words[1], 'first entry (a free leader)')
    vim.rpcrequest(chan, 'nvim_input', '<C-y><Esc>')
    local lines
    wait_for(function()
      return 'the accepted leader; lines: ' .. vim.inspect(lines) .. ' mode: ' .. vim.inspect(vim.rpcrequest(chan, 'nvim_get_mode'))
    end, function()
      lines = lua([[return vim.api.nvim_buf_get_lines(0, 0, -1, false)]])
      return lines[2] == '  leader: ana'
    end)
    eq({ 'initiative typed "Typed" {', '  leader: ana', '}' }, lines, 'typed text')
    child_wait('initiative-without-leader gone', [[
      for _, d in ipairs(vim.diagnostic.get(0)) do
        if d.code == 'initiative-without-leader' then return false end
      end
      return true
    ]])
  end)
  -- Quit the child; it stops its server on the way out.
  pcall(vim.rpcrequest, chan, 'nvim_command', 'qall!')
  vim.fn.jobwait({ chan }, 5000)
  pcall(vim.fn.jobstop, chan)
  if not ok then
    error(err, 0)
  end
end)

case('go to definition jumps across files', function()
  need_capability('definitionProvider')
  local buf = open(WS .. '/fba.orgplan')
  local row, col = find(buf, 'jane')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  eq(vim.api.nvim_buf_get_name(bufs.fba), vim.api.nvim_buf_get_name(0), 'starting buffer')
  vim.lsp.buf.definition()
  wait_for('jump to leaders.orgplan', function()
    return vim.api.nvim_buf_get_name(0) == vim.api.nvim_buf_get_name(bufs.leaders)
  end)
  local target = find(bufs.leaders, 'leader jane')
  eq(target + 1, vim.api.nvim_win_get_cursor(0)[1], 'cursor line')
end)

case('find references spans files', function()
  need_capability('referencesProvider')
  local row, col = find(bufs.leaders, 'jane')
  local params = position_params(bufs.leaders, row, col + 1)
  params.context = { includeDeclaration = true }
  local result = request('textDocument/references', params, bufs.leaders)
  local files = {}
  for _, loc in ipairs(result or {}) do
    files[vim.fs.basename(vim.uri_to_fname(loc.uri))] = true
  end
  eq({ ['fba.orgplan'] = true, ['leaders.orgplan'] = true, ['more.orgplan'] = true }, files, 'files with references')
end)

case('document symbols (outline)', function()
  need_capability('documentSymbolProvider')
  local result = request('textDocument/documentSymbol', { textDocument = { uri = vim.uri_from_bufnr(bufs.fba) } }, bufs.fba)
  local names = {}
  local function walk(list)
    for _, s in ipairs(list or {}) do
      names[s.name] = true
      walk(s.children)
    end
  end
  walk(result)
  check(names.fba and names['fba-inbound'], 'symbols: %s', vim.inspect(vim.tbl_keys(names)))
end)

local function capability(name)
  local c = need_client()
  if not c.server_capabilities[name] then
    skip('the server does not offer ' .. name)
  end
  return c
end

case('formatting', function()
  capability('documentFormattingProvider')
  local buf = open(WS .. '/format.orgplan') -- new, unsaved
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, {
    'leader   zoe "Zoe"{',
    'title:"CTO"',
    '      allocation:   100%',
    '}',
  })
  wait_for('client attached', function()
    return vim.lsp.buf_is_attached(buf, client.id)
  end)
  vim.lsp.buf.format({ bufnr = buf, name = 'orgplan', timeout_ms = TIMEOUT })
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  eq('leader zoe "Zoe" {', lines[1], 'first line')
  check(lines[2]:match('^  title: "CTO"$'), 'second line: %q', lines[2])
  check(lines[3]:match('^  allocation: 100%%'), 'third line: %q', lines[3])
  vim.cmd('bwipeout!')
end)

case('gq formats the blocks of the lines through the server, never joins them', function()
  capability('documentRangeFormattingProvider')
  local buf = open(WS .. '/gq.orgplan') -- new, unsaved
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, {
    'leader   zoe "Zoe"{',
    'title:"CTO"',
    '}',
    '',
    'leader   max "Max"{',
    'title:"CFO"}',
    'team broken "B" {',
    '  roles: qa,',
  })
  wait_for('client attached', function()
    return vim.lsp.buf_is_attached(buf, client.id)
  end)
  -- gq on one line of max's block: max alone, although the team is broken.
  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  vim.cmd('normal! gqq')
  eq({
    'leader   zoe "Zoe"{',
    'title:"CTO"',
    '}',
    '',
    'leader max "Max" {',
    '  title: "CFO"',
    '}',
    'team broken "B" {',
    '  roles: qa,',
  }, vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'after gqq on max')
  -- gq on the broken block: nothing, and the server says why.
  local said = {}
  local show = vim.lsp.handlers['window/showMessage']
  vim.lsp.handlers['window/showMessage'] = function(err, params, ctx)
    table.insert(said, params.message)
  end
  local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  vim.api.nvim_win_set_cursor(0, { 9, 0 })
  local ok, err = pcall(vim.cmd, 'normal! gqq')
  local got, why = pcall(wait_for, 'a message saying why', function()
    return #said > 0
  end)
  vim.lsp.handlers['window/showMessage'] = show
  assert(ok, err)
  assert(got, why)
  eq(before, vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'broken block untouched')
  check(said[1]:find('not formatted: line 9 does not parse', 1, true), 'message: %s', said[1])
  -- gq over everything but the broken block: zoe too.
  vim.cmd('normal! ggVjjgq')
  eq('leader zoe "Zoe" {', vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1], 'zoe formatted')
  vim.cmd('bwipeout!')
end)

case('semantic tokens: leaders, teams and initiatives have their own types', function()
  capability('semanticTokensProvider')
  local buf = open(WS .. '/fba.orgplan')
  local function types(needle)
    local row, col = find(buf, needle)
    local found
    wait_for('a semantic token on ' .. needle, function()
      found = vim.lsp.semantic_tokens.get_at_pos(buf, row, col + 1)
      return found and #found > 0
    end)
    return vim.tbl_map(function(t)
      return t.type
    end, found)
  end
  eq({ 'leader' }, types('jane'), 'leader: jane')
  eq({ 'team' }, types('fba-inbound'), 'teams: fba-inbound')
  eq({ 'initiative' }, types('fba "'), 'initiative fba')
  eq({ 'property' }, types('leader:'), 'the key')
  eq('@type', vim.api.nvim_get_hl(0, { name = '@lsp.type.leader.orgplan' }).link, 'leader link')
end)

case('workspace symbols', function()
  capability('workspaceSymbolProvider')
  local function names(query)
    local found = {}
    for _, s in ipairs(request('workspace/symbol', { query = query }, bufs.fba) or {}) do
      found[s.name] = true
    end
    return found
  end
  local fba = names('fba')
  check(fba['fba "Fulfilment by Amazon"'] and fba['fba-inbound "FBA Inbound"'], 'symbols: %s', vim.inspect(vim.tbl_keys(fba)))
  -- A word of a title finds its block.
  local by_title = names('Fulfilment')
  check(by_title['fba "Fulfilment by Amazon"'], 'by title: %s', vim.inspect(vim.tbl_keys(by_title)))
end)

case('semantic tokens', function()
  capability('semanticTokensProvider')
  local buf = open(WS .. '/fba.orgplan')
  local row, col = find(buf, 'jane')
  wait_for('a semantic token on jane', function()
    return #(vim.lsp.semantic_tokens.get_at_pos(buf, row, col + 1) or {}) > 0
  end)
end)

case('inlay hints are on', function()
  capability('inlayHintProvider')
  local buf = open(WS .. '/fba.orgplan')
  check(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), 'inlay hints not enabled by the plugin')
  local result = request('textDocument/inlayHint', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } },
  }, buf)
  check(type(result) == 'table', 'no inlay hint answer')
end)

case('code lens', function()
  capability('codeLensProvider')
  local buf = open(WS .. '/fba.orgplan')
  vim.lsp.codelens.refresh({ bufnr = buf })
  wait_for('code lenses', function()
    return #vim.lsp.codelens.get(buf) > 0
  end)
end)

-- A plan healthy but for one team that lacks a role, with a dependency on
-- a functional team: its lenses and hints.
local LENS_PLAN = [[
leader lee "Lee Chan" {
  title: "Director, Tax"
}

initiative tax "Tax" {
  leader: lee
  model: ownership
  scope: "Tax filings"
  metrics: "Filings on time"
  teams: filing
}

team filing "Filing" {
  reports_to: lee
  roles: engineering, qa, design
  depends_on legal {
    owner: filing
    plan: "Shared templates"
  }
}

team legal "Legal" {
  functional: true
}
]]

local function lens_buf()
  local path = WS .. '/lens.orgplan'
  if not vim.uv.fs_stat(path) then
    write(path, LENS_PLAN)
  end
  local buf = open(path)
  wait_for('code lenses shown by the plugin', function()
    return #vim.lsp.codelens.get(buf) >= 3
  end)
  return buf
end

local function lens_titles(buf)
  local titles = {}
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    table.insert(titles, (l.range.start.line + 1) .. ': ' .. (l.command and l.command.title or '?'))
  end
  table.sort(titles)
  return titles
end

--- Runs `run` with vim.ui.select answering `pick` (the item whose text
--- matches, or the first); with `pick`, waits until something is offered
--- (the checklist is asked of the server first). What was offered.
local function with_select(pick, run)
  local select = vim.ui.select
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = vim.tbl_map(opts.format_item or tostring, items)
    for i, text in ipairs(offered) do
      if not pick or text:find(pick, 1, true) then
        return on_choice(items[i], i)
      end
    end
    on_choice(nil)
  end
  local ok, err = pcall(function()
    run()
    if pick then
      wait_for('a list to pick from', function()
        return offered ~= nil
      end)
    end
  end)
  vim.ui.select = select
  assert(ok, err)
  return offered
end

--- Runs the lens on `needle`'s line (see with_select for `pick`).
local function run_lens(buf, needle, pick)
  local row = find(buf, needle)
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  return with_select(pick, vim.lsp.codelens.run)
end

case('code lens: the checklist lens lists the questions and jumps to the one picked', function()
  capability('codeLensProvider')
  local buf = lens_buf()
  local titles = table.concat(lens_titles(buf), '\n')
  check(titles:find('single-threaded checklist 8/9 · 1 to fix', 1, true), 'lenses:\n%s', titles)
  check(titles:find('depends on 1 team', 1, true) and titles:find('depended on by 1 team', 1, true), 'lenses:\n%s', titles)
  local offered = run_lens(buf, 'initiative tax', 'Teams ship')
  local text = table.concat(offered or {}, '\n')
  check(text:find('✓ One leader, on this alone', 1, true), 'the checklist offered:\n%s', text)
  check(text:find('✗ Teams ship on their own — team `filing` lacks `product`', 1, true), 'the checklist offered:\n%s', text)
  wait_for('the cursor on the team that lacks a role', function()
    return vim.api.nvim_win_get_cursor(0)[1] == find(buf, 'team filing') + 1
  end)
end)

case(':OrgplanChecklist lists the checklist of the initiative at the cursor, or says there is none', function()
  capability('codeLensProvider')
  local buf = lens_buf()
  vim.api.nvim_win_set_cursor(0, { find(buf, 'scope:') + 1, 4 })
  local offered = with_select('Teams ship', function()
    vim.cmd('OrgplanChecklist')
  end)
  local text = table.concat(offered or {}, '\n')
  check(text:find('✓ One leader, on this alone', 1, true), 'the checklist offered:\n%s', text)
  wait_for('the cursor on the team that lacks a role', function()
    return vim.api.nvim_win_get_cursor(0)[1] == find(buf, 'team filing') + 1
  end)
  -- In a team's block: no initiative, said so, nothing offered.
  local notify = vim.notify
  local said
  vim.notify = function(msg)
    said = msg
  end
  offered = with_select(nil, function()
    vim.cmd('OrgplanChecklist')
    wait_for('a message', function()
      return said ~= nil
    end)
  end)
  vim.notify = notify
  eq(nil, offered, 'offered outside an initiative')
  check(said:find('no initiative here', 1, true), 'said: %s', said)
end)

case("code lens: a team's lenses list the teams in the quickfix list", function()
  capability('codeLensProvider')
  local buf = lens_buf()
  for _, t in ipairs({ { 'team filing', 'team legal' }, { 'team legal', 'depends_on legal' } }) do
    vim.fn.setqflist({}, 'r', { items = {} })
    run_lens(buf, t[1])
    wait_for('the quickfix list of ' .. t[1], function()
      return #vim.fn.getqflist() == 1
    end)
    local item = vim.fn.getqflist()[1]
    eq(find(buf, t[2]) + 1, item.lnum, t[1] .. ': the line listed')
    vim.cmd('cclose')
    open(WS .. '/lens.orgplan')
  end
end)

case('code lens: a team with no dependencies either way has none', function()
  capability('codeLensProvider')
  local buf = lens_buf()
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    check(l.command and l.command.command ~= '', 'a lens that does nothing: %s', vim.inspect(l))
  end
  eq(3, #vim.lsp.codelens.get(buf), 'lenses (initiative, filing, legal)')
end)

case('code lens: cleared lenses do not come back on their own', function()
  capability('codeLensProvider')
  local buf = lens_buf()
  vim.lsp.codelens.clear(nil, buf)
  for _, event in ipairs({ 'CursorHold', 'InsertLeave', 'BufEnter', 'TextChanged' }) do
    vim.api.nvim_exec_autocmds(event, { buffer = buf })
  end
  vim.wait(700)
  eq(0, #vim.lsp.codelens.get(buf), 'lenses after clear() and the refreshing events')
  vim.lsp.codelens.refresh({ bufnr = buf })
  wait_for('lenses back after refresh()', function()
    return #vim.lsp.codelens.get(buf) >= 3
  end)
  vim.api.nvim_exec_autocmds('CursorHold', { buffer = buf })
  vim.wait(300)
  check(#vim.lsp.codelens.get(buf) >= 3, 'lenses gone again after refresh()')
end)

case('inlay hints: only where they inform', function()
  capability('inlayHintProvider')
  local buf = lens_buf()
  local labels
  wait_for('the hint after the incomplete team', function()
    labels = {}
    for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
      local l = h.inlay_hint.label
      table.insert(labels, type(l) == 'string' and l or vim.inspect(l))
    end
    return vim.tbl_contains(labels, '3/4 roles · no product')
  end)
  eq(1, #labels, 'hints (only the incomplete team): ' .. table.concat(labels, ', '))
end)

case('hover on a finding: the message once, the principle, the rule\'s full text by name', function()
  capability('hoverProvider')
  local buf = lens_buf()
  local row, col = find(buf, 'filing "Filing"')
  local result = request('textDocument/hover', position_params(buf, row, col + 1), buf)
  local text = markup_text(result.contents)
  local _, lacks = text:gsub('lacks', '')
  eq(1, lacks, 'times the message is shown')
  check(text:find('orgplan explain incomplete-team', 1, true), 'no link to the full text:\n%s', text)
  check(not text:find('How to fix', 1, true), 'the whole rule page:\n%s', text)
end)

case(':OrgplanExplain shows the rule of the finding under the cursor', function()
  local buf = lens_buf()
  wait_for('the incomplete-team finding', function()
    return #diagnostics(buf, 'incomplete-team') > 0
  end)
  local row, col = find(buf, 'filing "Filing"')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  vim.cmd('OrgplanExplain')
  local name = vim.api.nvim_buf_get_name(0)
  check(name:find('orgplan-explain://incomplete-team', 1, true), 'opened %s', name)
  local text = buf_text(0)
  check(text:find('incomplete-team', 1, true) and #text > 200, 'the text:\n%s', text)
  vim.cmd('close')
end)

case('settings inlayHints.enable / codeLens.enable = false: the server sends none', function()
  local c = capability('codeLensProvider')
  local buf = lens_buf()
  local function set(on)
    c.settings.orgplan.inlayHints = { enable = on }
    c.settings.orgplan.codeLens = { enable = on }
    c:notify('workspace/didChangeConfiguration', { settings = c.settings })
  end
  local lens_params = { textDocument = { uri = vim.uri_from_bufnr(buf) } }
  local hint_params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } },
  }
  set(false)
  local ok, err = pcall(wait_for, 'no lenses and no hints', function()
    return #request('textDocument/codeLens', lens_params, buf) == 0
      and #request('textDocument/inlayHint', hint_params, buf) == 0
  end)
  set(true)
  assert(ok, err)
  wait_for('lenses and hints back', function()
    return #request('textDocument/codeLens', lens_params, buf) > 0
      and #request('textDocument/inlayHint', hint_params, buf) > 0
  end)
end)

case("inlay hints: turned off by the user, they stay off in new buffers", function()
  capability('inlayHintProvider')
  local buf = lens_buf()
  check(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), 'the plugin did not turn hints on')
  vim.lsp.inlay_hint.enable(false)
  local path = WS .. '/lens2.orgplan'
  write(path, 'team lone "Lone" { functional: true }\n')
  local other = open(path)
  wait_for('the server attached to the new buffer', function()
    return #vim.lsp.get_clients({ bufnr = other, name = 'orgplan' }) > 0
  end)
  vim.wait(200)
  local on = vim.lsp.inlay_hint.is_enabled({ bufnr = other })
  vim.lsp.inlay_hint.enable(true)
  check(not on, 'the plugin turned hints back on in a new buffer')
end)

case('quick fix creates the missing leader', function()
  need_capability('codeActionProvider')
  local buf = open(WS .. '/more.orgplan')
  local row, col = find(buf, 'bob')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  -- What the server offers at the cursor…
  local offered = request('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = row, character = col + 1 }, ['end'] = { line = row, character = col + 1 } },
    context = {
      only = { 'quickfix' },
      diagnostics = vim.tbl_map(function(d)
        return d.user_data and d.user_data.lsp or {}
      end, diagnostics(buf, 'undefined-reference')),
    },
  }, buf) or {}
  local titles = vim.tbl_map(function(a)
    return ('%s [%s]'):format(a.title, tostring(a.kind))
  end, offered)
  check(#vim.tbl_filter(function(a)
    return a.kind == 'quickfix' and a.title:find('bob', 1, true) and a.title:lower():find('leader', 1, true)
  end, offered) > 0, 'no quick fix creating leader bob among %s', vim.inspect(titles))
  -- …and applied through the built-in client.
  local seen = {}
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' } }, -- Neovim adds the diagnostics under the cursor
    filter = function(action)
      table.insert(seen, { title = action.title, kind = action.kind })
      return action.kind == 'quickfix' and action.title:find('bob', 1, true) ~= nil
        and action.title:lower():find('leader', 1, true) ~= nil
    end,
    apply = true,
  })
  local where
  wait_for('a `leader bob` block in some buffer', function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and ('\n' .. buf_text(b)):find('\nleader bob', 1, true) then
        where = b
        return true
      end
    end
  end)
  check(#seen > 0, 'no quick fix offered')
  -- With tab stops (orgplan.insertSnippet): the title is the first, and no
  -- empty string is left behind.
  local text = buf_text(where)
  check(text:find('leader bob "Bob" {\n  title: "Job title"', 1, true), 'inserted:\n%s', text)
  check(vim.snippet.active(), 'no snippet session after the fix')
  vim.snippet.stop()
  vim.cmd.stopinsert()
  wait_for('undefined-reference for bob gone', function()
    return #vim.tbl_filter(function(d)
      return d.message:find('bob', 1, true) ~= nil
    end, diagnostics(buf, 'undefined-reference')) == 0
  end)
  check(where, 'no buffer edited')
end)

case('rename edits every file', function()
  need_capability('renameProvider')
  local buf = open(WS .. '/leaders.orgplan')
  local row, col = find(buf, 'jane')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  vim.lsp.buf.rename('janet', { name = 'orgplan' })
  local files = { 'leaders.orgplan', 'fba.orgplan', 'more.orgplan' }
  wait_for('janet in every file and jane in none', function()
    for _, f in ipairs(files) do
      local b = vim.fn.bufnr(WS .. '/' .. f)
      local text = buf_text(b)
      if text:find('%f[%w_-]jane%f[^%w_-]') or not text:find('janet', 1, true) then
        return false
      end
    end
    return true
  end)
  local fba = buf_text(vim.fn.bufnr(WS .. '/fba.orgplan'))
  check(fba:find('leader: janet', 1, true) and fba:find('reports_to: janet', 1, true), 'fba.orgplan:\n%s', fba)
end)

case(':OrgplanExplain shows the rule under the cursor, and a named one', function()
  need_client()
  vim.api.nvim_set_current_buf(bufs.more)
  wait_for('initiative-without-leader on more.orgplan', function()
    return #diagnostics(bufs.more, 'initiative-without-leader') > 0
  end)
  local d = diagnostics(bufs.more, 'initiative-without-leader')[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.cmd('OrgplanExplain')
  local text = buf_text(0)
  check(text:find('# initiative-without-leader', 1, true), 'explain window:\n%s', text)
  eq('markdown', vim.bo.filetype, 'filetype')
  eq(false, vim.bo.modifiable, 'read-only')
  vim.cmd('close')
  vim.cmd('OrgplanExplain missing-scope')
  text = buf_text(0)
  check(text:find('# missing-scope', 1, true), 'explain window:\n%s', text)
  check(not text:find('github.com/orgplan', 1, true), 'a made-up address:\n%s', text)
  vim.cmd('close')
  local names = require('orgplan').rule_names('missing-')
  check(vim.tbl_contains(names, 'missing-scope'), 'completion: %s', vim.inspect(names))
  -- Without a documentation base URL, no diagnostic links anywhere.
  for _, diag in ipairs(vim.diagnostic.get(bufs.more)) do
    local lsp = diag.user_data and diag.user_data.lsp
    check(not (lsp and lsp.codeDescription), 'codeDescription sent: %s', vim.inspect(lsp))
  end
end)

case('settings reach the server (workspace/configuration)', function()
  local c = need_client()
  check(c.settings.orgplan and c.settings.orgplan.neovimTest, 'client settings: %s', vim.inspect(c.settings))
  check(#config_requests > 0, 'the server never sent workspace/configuration')
  local answered = false
  for _, r in ipairs(config_requests) do
    for _, v in ipairs(r.result or {}) do
      if type(v) == 'table' and v.neovimTest then
        answered = true
      end
    end
  end
  check(answered, 'workspace/configuration answered without our settings: %s', vim.inspect(config_requests))
  -- rules = { ['missing-scope'] = 'off' }: closed.orgplan has no scope, yet no finding.
  local closed = vim.uri_to_bufnr(vim.uri_from_fname(WS .. '/closed.orgplan'))
  wait_for('closed.orgplan: initiative-without-leader but no missing-scope', function()
    return #diagnostics(closed, 'initiative-without-leader') > 0 and #diagnostics(closed, 'missing-scope') == 0
  end)
  -- Changed while the server runs: missing-scope comes back, as a hint.
  c.settings = vim.tbl_deep_extend('force', c.settings, { orgplan = { rules = { ['missing-scope'] = 'hint' } } })
  c:notify('workspace/didChangeConfiguration', { settings = c.settings })
  wait_for('missing-scope as a hint after didChangeConfiguration', function()
    local d = diagnostics(closed, 'missing-scope')[1]
    return d and d.severity == vim.diagnostic.severity.HINT
  end)
end)

case('orgplan.toml: the server completes, explains and checks it; other TOML files get no server', function()
  local c = need_client()
  local other = open(WS .. '/Cargo.toml')
  eq('toml', vim.bo[other].filetype, 'filetype of Cargo.toml')
  local buf = open(WS .. '/orgplan.toml')
  eq('toml', vim.bo[buf].filetype, 'filetype of orgplan.toml')
  wait_for('the client attached to orgplan.toml', function()
    return vim.lsp.buf_is_attached(buf, c.id)
  end)
  check(not vim.lsp.buf_is_attached(other, c.id) and #vim.lsp.get_clients({ bufnr = other }) == 0, 'a server on Cargo.toml')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '[rules]', 'missing-scop = "off"', '' })
  wait_for('the misspelt rule reported', function()
    local d = diagnostics(buf, 'invalid-config')[1]
    return d and d.message:find('did you mean `missing-scope`', 1, true)
  end)
  local result = request('textDocument/completion', position_params(buf, 2, 0), buf)
  local labels = vim.tbl_map(function(i)
    return i.label
  end, result.items or result)
  check(vim.list_contains(labels, 'orphan-team'), 'rule names: %s', vim.inspect(labels))
  local hover = request('textDocument/hover', position_params(buf, 1, 2), buf)
  check(hover == vim.NIL or hover == nil, 'no hover on a misspelt rule')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '# the Neovim tests', '' })
  vim.cmd('silent write')
end)

case(':checkhealth orgplan reports no ERROR', function()
  need_client()
  open(WS .. '/fba.orgplan')
  vim.cmd('checkhealth orgplan')
  local text = buf_text(0)
  check(not text:find('ERROR', 1, true), 'checkhealth:\n%s', text)
  check(text:find('orgplan --version', 1, true), 'binary not checked:\n%s', text)
  check(text:find('parser loaded', 1, true), 'parser not reported:\n%s', text)
  check(text:find('server attached', 1, true), 'attached client not reported:\n%s', text)
  local root = vim.fn.fnamemodify(WS, ':~')
  check(
    text:find(('root %s, configuration %s/orgplan.toml'):format(root, root), 1, true),
    'root and orgplan.toml not reported:\n%s',
    text
  )
  vim.cmd('tabclose')
end)

------------------------------------------------------------------------------
-- Shut the server down, then report.

for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop()
end
vim.wait(5000, function()
  return #vim.lsp.get_clients() == 0
end, 50)
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop(true)
end
child_timer:stop()
note_children()
local function alive(pid)
  local info = vim.api.nvim_get_proc(pid)
  return info ~= nil and info.name == children[pid]
end
for _, signal in ipairs({ 'sigterm', 'sigkill' }) do
  for pid in pairs(children) do
    if alive(pid) then
      vim.uv.kill(pid, signal)
    end
  end
  vim.wait(1000, function()
    return #vim.tbl_filter(alive, vim.tbl_keys(children)) == 0
  end, 20)
end

out(('# total %.1fs'):format((vim.uv.hrtime() - started_at) / 1e9))
if skipped > 0 then
  out(('# %d skipped (optional server features)'):format(skipped))
end
out(('neovim: %d passed, %d failed'):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
