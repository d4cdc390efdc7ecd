// Package ini reads the AWS shared files (~/.aws/config, ~/.aws/credentials)
// exactly as botocore does: Python's configparser.RawConfigParser in strict
// mode, followed by botocore's one-level "nested block" parsing.
//
// The model, in the order configparser applies it:
//
//   - the input must be valid UTF-8 (a byte-order mark is not stripped, so
//     it makes the first line unparseable, as in Python);
//   - lines end at \n, \r\n or \r (Python's universal newlines);
//   - a line whose first non-blank character is '#' or ';' is a comment;
//     there are no inline comments;
//   - "[name]" starts a section; the name is everything between the first
//     '[' and the last ']' (inner blanks kept), text after it is ignored;
//   - "key = value" or "key: value" splits at the first '=' or ':'; keys are
//     stripped and lower-cased, values stripped, quotes and '%' kept;
//   - a line indented deeper than the line that started the current key
//     continues its value (pieces joined by "\n");
//   - a value that starts with a newline is a nested block: one
//     "key = value" per line, keys keep their case;
//   - keys of the "[DEFAULT]" section are inherited by every other section
//     of the same file; DEFAULT itself is not listed;
//   - duplicate sections, duplicate keys in a section, keys before the first
//     section and lines without a delimiter are errors.
//
// Every failure is a *ParseError; botocore reports all of them as
// ConfigParseError.
package ini
