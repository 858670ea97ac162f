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
  // scanner can look past the identifier to see the `:`. A block's id is an
  // identifier on the line of its kind: the scanner sees the line break
  // that whitespace hides from the grammar. The sentinel is never used: it
  // tells the scanner when the parser is recovering from an error.
  externals: $ => [$._property_key, $._block_id, $._error_sentinel],

  word: $ => $.identifier,

  rules: {
    source_file: $ => repeat($.block),

    // `team fba-inbound "FBA Inbound" { … }`, `depends_on payments { … }`,
    // or a bodiless `depends_on payments`.
    //
    // The id is optional here, and only taken from the kind's line, so that
    // a word without its id stays one block: `scope "Inbound"` (a missing
    // `:`) is a block with a title and `teams: a b` (a missing `,`) ends in
    // a block `b`, whatever the next line says. The analysis reports a
    // missing id, and reads those two back as the values they are.
    block: $ => seq(
      field('kind', $.identifier),
      optional(field('name', alias($._block_id, $.identifier))),
      optional(field('title', $.string)),
      optional(field('body', $.block_body)),
    ),

    block_body: $ => seq(
      '{',
      repeat(choice($.property, $.block)),
      '}',
    ),

    // `key: value, value …`
    // The values are optional so that `leader:` typed just before a `}`
    // still gives a clean tree; prefer reading what follows as a value.
    //
    // The values are the property's own children, each in the field
    // `value`, with no node of their own around them: such a node was one
    // more reduction for every property of a plan, and the parse of a
    // 100k-line plan took 10% longer with it (BENCHMARKS.md, "4 Dec
    // (seventh session)").
    property: $ => prec.right(seq(
      field('key', alias($._property_key, $.identifier)),
      ':',
      optional(seq(
        field('value', $._value),
        repeat(seq(',', field('value', $._value))),
      )),
    )),

    _value: $ => choice(
      $.boolean,
      $.percentage,
      $.number,
      $.string,
      $.identifier,
    ),

    // Ids are ASCII (the analysis says so, and how to write one); a word
    // with other letters is still read as one word, so that `josé` is one
    // error, not `jos` and a stray `é`.
    identifier: _ => /[\p{L}_][\p{L}\p{M}\p{N}_-]*/,

    boolean: _ => choice('true', 'false'),

    number: _ => token(/-?\d+(\.\d+)?/),

    percentage: _ => token(/-?\d+(\.\d+)?%/),

    // A string is one token on one line: it ends at its closing quote or,
    // left open, at the end of the line. Whatever follows `\` is taken as
    // an escape here; the analysis reports the escapes the language does
    // not have, and a missing closing quote. So nothing inside a string,
    // however broken, is ever read as anything but the string.
    string: _ => token(seq(
      '"',
      repeat(choice(/[^"\\\r\n]/, /\\[^\r\n]?/)),
      optional('"'),
    )),

    comment: _ => token(seq('#', /[^\n\r]*/)),
  },
});
