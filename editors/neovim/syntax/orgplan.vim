" Regex highlighting for orgplan, used only when the tree-sitter parser is not
" installed (:OrgplanBuildParser); tree-sitter highlighting replaces it.
if exists('b:current_syntax') || get(b:, 'ts_highlight', v:false)
  finish
endif

syn match   orgplanComment    "#.*$" contains=@Spell
syn match   orgplanEscape     +\\\(["\\nt]\|u{\x\{1,6}}\)+ contained
syn region  orgplanString     start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=orgplanEscape
" Later matches win: percentages after plain numbers.
syn match   orgplanNumber     "\<-\=\d\+\(\.\d\+\)\=\>"
syn match   orgplanPercentage "\<-\=\d\+\(\.\d\+\)\=%"
syn keyword orgplanBoolean    true false
syn keyword orgplanConstant   ownership leadership engineering qa design product data operations security research
syn match   orgplanKey        "\<[A-Za-z_][A-Za-z0-9_-]*\ze\s*:"
syn match   orgplanKind       "^\s*\zs[A-Za-z_][A-Za-z0-9_-]*\ze\s\+[A-Za-z_]" nextgroup=orgplanName skipwhite
syn match   orgplanName       "[A-Za-z_][A-Za-z0-9_-]*" contained
syn match   orgplanBrace      "[{}]"

hi def link orgplanComment    Comment
hi def link orgplanString     String
hi def link orgplanEscape     SpecialChar
hi def link orgplanPercentage Number
hi def link orgplanNumber     Number
hi def link orgplanBoolean    Boolean
hi def link orgplanConstant   Constant
hi def link orgplanKey        Identifier
hi def link orgplanKind       Keyword
hi def link orgplanName       Type
hi def link orgplanBrace      Delimiter

let b:current_syntax = 'orgplan'
