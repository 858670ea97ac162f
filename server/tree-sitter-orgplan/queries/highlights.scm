; Highlights for orgplan. General captures come first and more specific ones
; after them, so that editors where a later capture wins (Neovim) show the
; specific one.

(comment) @comment @spell

(string) @string

(number) @number

(percentage) @number

(boolean) @boolean

(property
  value: (identifier) @variable)

; Enum values with a meaning of their own.
((property
  value: (identifier) @constant.builtin)
  (#any-of? @constant.builtin
    "ownership" "leadership"
    "engineering" "qa" "design" "product" "data" "operations" "security" "research"))

(property
  key: (identifier) @property)

; Block kinds: `leader`, `initiative`, `team`, `depends_on`, …
(block
  kind: (identifier) @keyword)

; The declared id of a block.
(block
  name: (identifier) @type)

(block
  title: (string) @string.special)

[
  "{"
  "}"
] @punctuation.bracket

[
  ":"
  ","
] @punctuation.delimiter
