// Package s3xml holds S3's wire protocol in one place, shared by the s3kit
// client and server: the XML request and response shapes, the error-code
// table (code → HTTP status and default message), the timestamp format and
// the header names S3 uses.
//
// Every shape marshals exactly as Amazon S3 sends it (response documents in
// the http://s3.amazonaws.com/doc/2006-03-01/ namespace, Error without one)
// and unmarshals what S3 and S3-compatible servers send, whatever namespace
// they declare (Google Cloud Storage uses its own; some servers use none).
// Marshal, xml.Unmarshal and Marshal again give the same document; the
// root element is checked on Unmarshal, so an Error document is never
// mistaken for a result (CompleteMultipartUpload can answer 200 with one).
// A test feeds every document to botocore's own S3 parser.
//
// Timestamps in documents use S3's millisecond format (TimeFormat) through
// the Time type; unmarshalling accepts any RFC 3339 time and the HTTP date
// format some servers put there.
//
// The package imports only the standard library.
package s3xml
