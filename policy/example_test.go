package policy_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/s3kit/s3kit/policy"
)

func Example() {
	bucketPolicy, err := policy.ParseBucketPolicy([]byte(`{
		"Version": "2012-10-17",
		"Statement": [
			{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
			 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/public/*"},
			{"Sid": "DenyHTTP", "Effect": "Deny", "Principal": "*",
			 "Action": "s3:*", "Resource": "arn:aws:s3:::photos/*",
			 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
		]}`), "photos")
	if err != nil {
		panic(err)
	}
	in := &policy.Policies{Bucket: bucketPolicy}

	req := policy.Request{
		Principal:       policy.Principal{Anonymous: true},
		Action:          "s3:GetObject",
		Resource:        "arn:aws:s3:::photos/public/cat.jpg",
		OwnerAccount:    "111111111111",
		SourceIP:        netip.MustParseAddr("192.0.2.10"),
		SecureTransport: true,
	}
	fmt.Println(policy.Evaluate(&req, in))

	req.SecureTransport = false
	fmt.Println(policy.Evaluate(&req, in))

	req.SecureTransport = true
	req.Resource = "arn:aws:s3:::photos/private/dog.jpg"
	fmt.Println(policy.Evaluate(&req, in))

	fmt.Println("public:", bucketPolicy.IsPublic())

	_, err = policy.ParseBucketPolicy([]byte(`{"Statement":[{"Effect":"Allow","Principal":"*",
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos"}]}`), "photos")
	var malformed *policy.MalformedPolicyError
	if errors.As(err, &malformed) {
		fmt.Println("MalformedPolicy:", malformed.Message)
	}
	// Output:
	// allowed by bucket policy statement 0 (Sid "PublicRead"): Allow
	// denied by bucket policy statement 1 (Sid "DenyHTTP"): Deny
	// denied by implicit deny: no statement allowed
	// public: true
	// MalformedPolicy: Action does not apply to any resource(s) in statement
}
