// The byte offsets the server speaks and the UTF-16 offsets VS Code speaks.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { byteOffset, utf16Offset } from "../../src/offsets";

void test("offsets convert both ways through ASCII, CJK and emoji", () => {
  const text = 'team a "倉🚀" {\n  x\n}';
  for (let i = 0; i <= text.length; i++) {
    // Skip the middle of a surrogate pair: not a place in the text.
    const code = text.charCodeAt(i - 1);
    if (code >= 0xd800 && code <= 0xdbff) {
      continue;
    }
    const b = byteOffset(text, i);
    assert.equal(b, Buffer.byteLength(text.slice(0, i)));
    assert.equal(utf16Offset(text, b), i);
  }
  assert.equal(byteOffset(text, text.indexOf("{")), Buffer.byteLength('team a "倉🚀" '));
});
