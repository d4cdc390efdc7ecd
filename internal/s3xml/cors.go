package s3xml

import "encoding/xml"

// CORSConfiguration is the Get/PutBucketCors document: the bucket's
// cross-origin rules, tried in order.
type CORSConfiguration struct {
	XMLName xml.Name   `xml:"CORSConfiguration"`
	Rules   []CORSRule `xml:"CORSRule"`
}

// MarshalXML writes the document in S3's namespace.
func (c CORSConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CORSConfiguration
	return encodeNS(e, plain(c), "CORSConfiguration")
}

// CORSRule is one cross-origin rule. MaxAgeSeconds is nil when the rule
// has none.
type CORSRule struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
}

// PostResponse is what a browser-form upload (POST Object) answers with
// success_action_status 201.
type PostResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}
