// Package integrity holds end-to-end tests of upload integrity: every s3kit
// upload path (the Go library's PutObject and UploadPart, the transfer
// Manager's single PUT, multipart and stream uploads, and the CLI's cp,
// cp from stdin and sync) is run against servers that do not verify what
// they are sent — a fake that stores request bodies verbatim, aws-chunked
// framing included, and calls itself "AmazonS3" — and behind a proxy that
// flips one byte of every upload body, over http and https. A corrupted
// upload must fail loudly (a typed error, exit status 1); an intact one
// must store exactly the bytes sent.
package integrity
