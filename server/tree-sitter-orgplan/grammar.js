/**
 * Tree-sitter grammar for orgplan (`.orgplan`) files.
 *
 * Every declaration has one regular shape:
 *
 *     KIND id "Display name" { key: value, value  nested-block … }
 *
 * The grammar deliberately knows no block kinds or property names: those
 * belong to the analysis, which can then say "unknown property 'leadr' — did
 * you mean 'leader'?" instead of a bare syntax error.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

module.exports = grammar({
  name: 'orgplan',

  extras: $ => [/\s/, $.comment],

  // A property key is an identifier followed by `:`; only an external
  // scanner can look past the identifier to see the `:`.
  externals: $ => [$._property_key],

  word: $ => $.identifier,

  rules: {
    source_file: $ => repeat($.block),

    // `team fba-inbound "FBA Inbound" { … }`, `depends_on payments { … }`,
    // or a bodiless `depends_on payments`.
    block: $ => seq(
      field('kind', $.identifier),
      field('name', $.identifier),
      optional(field('title', $.string)),
      optional(field('body', $.block_body)),
    ),

    block_body: $ => seq(
      '{',
      repeat(choice($.property, $.block)),
      '}',
    ),

    // `key: value, value …`
    // The value is optional so that `leader:` typed just before a `}` still
    // gives a clean tree; prefer reading what follows as the value.
    property: $ => prec.right(seq(
      field('key', alias($._property_key, $.identifier)),
      ':',
      optional(field('value', $.value_list)),
    )),

    value_list: $ => seq(
      $._value,
      repeat(seq(',', $._value)),
    ),

    _value: $ => choice(
      $.boolean,
      $.percentage,
      $.number,
      $.string,
      $.identifier,
    ),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_-]*/,

    boolean: _ => choice('true', 'false'),

    number: _ => token(/-?\d+(\.\d+)?/),

    percentage: _ => token(/-?\d+(\.\d+)?%/),

    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    string_content: _ => token.immediate(prec(1, /[^"\\\n]+/)),

    escape_sequence: _ => token.immediate(/\\(["\\nt]|u\{[0-9A-Fa-f]{1,6}\})/),

    comment: _ => token(seq('#', /[^\n\r]*/)),
  },
});
