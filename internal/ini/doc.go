// Package ini is the one home of the AWS shared files (~/.aws/config,
// ~/.aws/credentials), for the credentials resolver and for the CLI that
// writes profiles, so the two cannot disagree:
//
//   - Locate finds them as botocore does (AWS_CONFIG_FILE,
//     AWS_SHARED_CREDENTIALS_FILE, expandvars, expanduser);
//   - Parse reads them exactly as botocore does: Python's
//     configparser.RawConfigParser in strict mode, followed by botocore's
//     one-level "nested block" parsing;
//   - ConfigSection names config-file sections as botocore's
//     build_profile_map does ([profile NAME], [sso-session NAME],
//     [services NAME], split shell-style);
//   - EditBytes and EditFile change one section's options and keep every
//     other byte, reading lines with the same scanner as Parse.
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
