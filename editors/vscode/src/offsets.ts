// The server counts bytes of UTF-8; VS Code counts UTF-16 code units.

/** A UTF-8 byte offset into `text` as a UTF-16 offset. */
export function utf16Offset(text: string, byteOffset: number): number {
  return Buffer.from(text, "utf8").subarray(0, byteOffset).toString("utf8").length;
}

/** A UTF-16 offset into `text` as a UTF-8 byte offset. */
export function byteOffset(text: string, utf16: number): number {
  return Buffer.byteLength(text.slice(0, utf16), "utf8");
}
