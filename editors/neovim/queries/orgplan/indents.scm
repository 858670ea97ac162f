(block_body) @indent.begin

"}" @indent.end @indent.branch

(comment) @indent.auto
