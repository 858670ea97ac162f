// External scanner for orgplan: recognises a property key — an identifier
// followed (after optional blanks) by `:` — so that `leader:` typed on a
// line of its own ends there, instead of taking the next line's key as its
// value. The token is the identifier alone; the `:` is left to the grammar.
// And a block's id: an identifier after the kind on the kind's own line, so
// that a block missing its id does not take the next line's first word.

#include "tree_sitter/parser.h"

#include <stdbool.h>

enum TokenType {
  PROPERTY_KEY,
  BLOCK_ID,
  ERROR_SENTINEL,
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

// Non-ASCII letters are read as part of a word (the analysis says that ids
// are ASCII): anything past ASCII counts here, the grammar's `identifier`
// decides which of it is a letter.
static bool is_ident_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(int32_t c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_blank(int32_t c) { return c == ' ' || c == '\t'; }

static bool is_space(int32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool tree_sitter_orgplan_external_scanner_scan(void *payload, TSLexer *lexer,
                                               const bool *valid_symbols) {
  (void)payload;
  // The sentinel is valid only in error recovery, where every token is: ids
  // are then left to the grammar's own identifier.
  bool id_ok = valid_symbols[BLOCK_ID] && !valid_symbols[ERROR_SENTINEL];
  bool key_ok = valid_symbols[PROPERTY_KEY];
  if (!id_ok && !key_ok) {
    return false;
  }
  bool same_line = true;
  while (is_space(lexer->lookahead)) {
    if (lexer->lookahead == '\n' || lexer->lookahead == '\r') {
      same_line = false;
    }
    lexer->advance(lexer, true);
  }
  if (!is_ident_start(lexer->lookahead)) {
    return false;
  }
  while (is_ident_char(lexer->lookahead)) {
    lexer->advance(lexer, false);
  }
  lexer->mark_end(lexer);
  while (is_blank(lexer->lookahead)) {
    lexer->advance(lexer, false);
  }
  if (key_ok && lexer->lookahead == ':') {
    lexer->result_symbol = PROPERTY_KEY;
    return true;
  }
  if (id_ok && same_line) {
    lexer->result_symbol = BLOCK_ID;
    return true;
  }
  return false;
}
