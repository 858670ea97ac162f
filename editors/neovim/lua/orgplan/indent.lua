-- indentexpr for orgplan buffers: braces outside strings and comments decide.
local M = {}

--- Braces of a line that count: not in a string, not in a comment.
---@return integer opens, integer closes, boolean leading_close
local function braces(line)
  local opens, closes, leading_close = 0, 0, false
  local in_string, escaped, seen_text = false, false, false
  for i = 1, #line do
    local c = line:sub(i, i)
    if in_string then
      if escaped then
        escaped = false
      elseif c == '\\' then
        escaped = true
      elseif c == '"' then
        in_string = false
      end
    elseif c == '#' then
      break
    elseif c == '"' then
      in_string = true
    elseif c == '{' then
      opens = opens + 1
    elseif c == '}' then
      if not seen_text then
        leading_close = true
      end
      closes = closes + 1
    end
    if not c:match('%s') then
      seen_text = true
    end
  end
  return opens, closes, leading_close
end

---@param lnum? integer
---@return integer
function M.get(lnum)
  lnum = lnum or vim.v.lnum
  local prev = vim.fn.prevnonblank(lnum - 1)
  if prev == 0 then
    return 0
  end
  local sw = vim.fn.shiftwidth()
  local opens, closes, leading_close = braces(vim.fn.getline(prev))
  local net = opens - closes
  if leading_close then
    -- That line's own `}` already took its indent back.
    net = net + 1
  end
  local indent = vim.fn.indent(prev) + sw * math.max(net, 0) - sw * math.max(-net, 0)
  if vim.fn.getline(lnum):match('^%s*}') then
    indent = indent - sw
  end
  return math.max(indent, 0)
end

return M
