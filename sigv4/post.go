package sigv4

import "encoding/hex"

// PolicySignature returns the SigV4 signature of a browser-form upload (a
// presigned POST): the hex HMAC-SHA256 of the base64-encoded policy
// document under the signing key derived from secret for day (YYYYMMDD),
// region and service, as the form's x-amz-signature field carries it. The
// client that builds a form and the server that checks one both use it,
// so the two cannot drift apart.
func PolicySignature(secret, day, region, service, policy string) string {
	k := deriveKey(secret, day, region, service)
	sum := hmacSum(&k, []byte(policy))
	return hex.EncodeToString(sum[:])
}
