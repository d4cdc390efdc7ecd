package s3xml

import "encoding/xml"

// PolicyStatus is GetBucketPolicyStatus's answer.
type PolicyStatus struct {
	XMLName  xml.Name `xml:"PolicyStatus"`
	Xmlns    string   `xml:"xmlns,attr,omitempty"`
	IsPublic bool     `xml:"IsPublic"`
}
