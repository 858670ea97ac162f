-- Kept in ftdetect/ so that plugin managers that load plugins lazily (on the
-- `orgplan` filetype) still know the filetype at startup.
vim.filetype.add({ extension = { orgplan = 'orgplan' } })
