package s3

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/s3kit/s3kit/sigv4"
)

// PostField is one field of a browser upload form.
type PostField struct {
	Name, Value string
}

// PresignedPost is a browser-form upload (a presigned POST): send Fields,
// in order, then the file in a field named "file", as
// multipart/form-data to URL.
type PresignedPost struct {
	URL    string
	Fields []PostField
}

// FieldMap returns the fields as a map, as boto3's generate_presigned_post
// returns them.
func (p *PresignedPost) FieldMap() map[string]string {
	m := make(map[string]string, len(p.Fields))
	for _, f := range p.Fields {
		m[f.Name] = f.Value
	}
	return m
}

// PostCondition is one condition of a presigned POST's policy; build it
// with EqualCondition, StartsWithCondition or ContentLengthRange.
type PostCondition struct {
	op, field, value string
	min, max         int64
}

// EqualCondition requires form field name to be value exactly.
func EqualCondition(name, value string) PostCondition {
	return PostCondition{op: "=", field: name, value: value}
}

// StartsWithCondition requires form field name to start with prefix (""
// allows any value).
func StartsWithCondition(name, prefix string) PostCondition {
	return PostCondition{op: "starts-with", field: name, value: prefix}
}

// ContentLengthRange bounds the size of the uploaded file, in bytes.
func ContentLengthRange(min, max int64) PostCondition {
	return PostCondition{op: "content-length-range", min: min, max: max}
}

// PresignPostInput is the object a presigned POST uploads and what its
// form allows, with boto3's meaning: Fields are sent with the form (each
// needs a condition that allows it, as on S3); Conditions constrain the
// form. A Key ending in "${filename}" lets the browser name the object
// after the file it uploads, under that prefix.
type PresignPostInput struct {
	Bucket, Key string
	Fields      []PostField
	Conditions  []PostCondition
}

// PresignPostObject returns a form that uploads one object with a POST
// from a browser, until expires from now (1 s to 7 days), as boto3's
// generate_presigned_post (SigV4) builds it: the same fields, the same
// policy document and signature.
func (c *Client) PresignPostObject(ctx context.Context, in *PresignPostInput, expires time.Duration) (*PresignedPost, error) {
	const op = "PresignPostObject"
	bucket, key, opts := in.Bucket, in.Key, in
	if err := validateTarget(&call{op: op, bucket: bucket, key: key}); err != nil {
		return nil, &OpError{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	if expires < time.Second || expires > 7*24*time.Hour {
		return nil, &OpError{Op: op, Bucket: bucket, Key: key, Err: fmt.Errorf("presign expiry %v out of range: 1s to 7 days", expires)}
	}
	creds, signed, err := c.creds(ctx)
	if err != nil {
		return nil, &OpError{Op: op, Bucket: bucket, Key: key, Err: fmt.Errorf("credentials: %w", err)}
	}
	if !signed {
		return nil, &OpError{Op: op, Bucket: bucket, Key: key, Err: errors.New("a presigned POST needs credentials to sign its policy")}
	}
	now := c.now().UTC()
	day, amzDate := now.Format("20060102"), now.Format("20060102T150405Z")
	credential := creds.AccessKeyID + "/" + day + "/" + c.region + "/s3/aws4_request"

	conds := append([]PostCondition(nil), opts.Conditions...)
	conds = append(conds, EqualCondition("bucket", bucket))
	if prefix, ok := strings.CutSuffix(key, "${filename}"); ok {
		conds = append(conds, StartsWithCondition("key", prefix))
	} else {
		conds = append(conds, EqualCondition("key", key))
	}
	fields := append([]PostField(nil), opts.Fields...)
	fields = append(fields, PostField{"key", key}, PostField{"x-amz-algorithm", "AWS4-HMAC-SHA256"},
		PostField{"x-amz-credential", credential}, PostField{"x-amz-date", amzDate})
	conds = append(conds, EqualCondition("x-amz-algorithm", "AWS4-HMAC-SHA256"),
		EqualCondition("x-amz-credential", credential), EqualCondition("x-amz-date", amzDate))
	if creds.SessionToken != "" {
		fields = append(fields, PostField{"x-amz-security-token", creds.SessionToken})
		conds = append(conds, EqualCondition("x-amz-security-token", creds.SessionToken))
	}
	doc := policyJSON(now.Add(expires).Format("2006-01-02T15:04:05Z"), conds)
	policy := base64.StdEncoding.EncodeToString([]byte(doc))
	fields = append(fields, PostField{"policy", policy},
		PostField{"x-amz-signature", sigv4.PolicySignature(creds.SecretAccessKey, day, c.region, "s3", policy)})
	return &PresignedPost{URL: c.objectURL(bucket, "", nil).String(), Fields: dedupe(fields)}, nil
}

// dedupe keeps the last value of each field name, at its first place, as
// a Python dict does when botocore fills in the fields.
func dedupe(fields []PostField) []PostField {
	at := map[string]int{}
	var out []PostField
	for _, f := range fields {
		if i, ok := at[f.Name]; ok {
			out[i].Value = f.Value
			continue
		}
		at[f.Name] = len(out)
		out = append(out, f)
	}
	return out
}

// policyJSON writes the policy document exactly as botocore does (Python's
// json.dumps: ", " and ": " separators, non-ASCII escaped), so the same
// form signs to the same signature.
func policyJSON(expiration string, conds []PostCondition) string {
	var b strings.Builder
	b.WriteString(`{"expiration": `)
	pyQuote(&b, expiration)
	b.WriteString(`, "conditions": [`)
	for i, c := range conds {
		if i > 0 {
			b.WriteString(", ")
		}
		switch c.op {
		case "=":
			b.WriteString("{")
			pyQuote(&b, c.field)
			b.WriteString(": ")
			pyQuote(&b, c.value)
			b.WriteString("}")
		case "content-length-range":
			fmt.Fprintf(&b, `["content-length-range", %d, %d]`, c.min, c.max)
		default:
			b.WriteString("[")
			pyQuote(&b, c.op)
			b.WriteString(", ")
			pyQuote(&b, "$"+c.field)
			b.WriteString(", ")
			pyQuote(&b, c.value)
			b.WriteString("]")
		}
	}
	b.WriteString("]}")
	return b.String()
}

// pyQuote writes s as Python's json.dumps does with ensure_ascii.
func pyQuote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r == utf8.RuneError:
			fmt.Fprintf(b, `\u%04x`, r)
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
}
