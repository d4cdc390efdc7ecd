// Package arrows holds the test that enforces the one-way package
// dependencies of design.md: server never imports s3, transfer or
// credentials; sigv4 imports only the standard library; storage never
// imports server; and so on. It has no code of its own.
package arrows
