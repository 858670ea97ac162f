// External scanner for orgplan: recognises a property key — an identifier
// followed (after optional blanks) by `:` — so that `leader:` typed on a
// line of its own ends there, instead of taking the next line's key as its
// value. The token is the identifier alone; the `:` is left to the grammar.

#include "tree_sitter/parser.h"

#include <stdbool.h>

enum TokenType {
  PROPERTY_KEY,
};

void *tree_sitter_orgplan_external_scanner_create(void) { return NULL; }

void tree_sitter_orgplan_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_orgplan_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_orgplan_external_scanner_deserialize(void *payload, const char *buffer,
                                                      unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static bool is_ident_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int32_t c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_blank(int32_t c) { return c == ' ' || c == '\t'; }

static bool is_space(int32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool tree_sitter_orgplan_external_scanner_scan(void *payload, TSLexer *lexer,
                                               const bool *valid_symbols) {
  (void)payload;
  if (!valid_symbols[PROPERTY_KEY]) {
    return false;
  }
  while (is_space(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  if (!is_ident_start(lexer->lookahead)) {
    return false;
  }
  unsigned len = 0;
  while (is_ident_char(lexer->lookahead)) {
    lexer->advance(lexer, false);
    len++;
  }
  // `true`/`false` are values, never keys.
  (void)len;
  lexer->mark_end(lexer);
  while (is_blank(lexer->lookahead)) {
    lexer->advance(lexer, false);
  }
  if (lexer->lookahead != ':') {
    return false;
  }
  lexer->result_symbol = PROPERTY_KEY;
  return true;
}
