(block_body) @fold
