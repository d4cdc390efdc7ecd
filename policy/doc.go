// Package policy is AWS's access policy language and S3's authorization
// logic: identity policies, bucket policies, ACLs and Block Public Access,
// combined into one Decision that says which statement or grant decided.
// It imports only the standard library and knows nothing of HTTP: the
// server authenticates a request, fills a Request, gathers Policies, and
// asks Evaluate.
package policy
