package s3xml

import "encoding/xml"

// NotificationConfiguration is the body of PutBucketNotificationConfiguration
// and the GetBucketNotificationConfiguration response. An empty one (no
// configurations) turns notifications off.
type NotificationConfiguration struct {
	XMLName              xml.Name                      `xml:"NotificationConfiguration"`
	TopicConfigurations  []TopicConfiguration          `xml:"TopicConfiguration"`
	QueueConfigurations  []QueueConfiguration          `xml:"QueueConfiguration"`
	LambdaConfigurations []LambdaFunctionConfiguration `xml:"CloudFunctionConfiguration"`
	// EventBridgeConfiguration is present (and empty) when events go to
	// Amazon EventBridge.
	EventBridgeConfiguration *struct{} `xml:"EventBridgeConfiguration"`
}

// MarshalXML writes the document in S3's namespace.
func (r NotificationConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain NotificationConfiguration
	return encodeNS(e, plain(r), "NotificationConfiguration")
}

// QueueConfiguration sends the events named to an SQS queue (for
// s3kit, a webhook: arn:s3kit:sqs:REGION:local:NAME).
type QueueConfiguration struct {
	ID     string              `xml:"Id,omitempty"`
	Queue  string              `xml:"Queue"`
	Events []string            `xml:"Event"`
	Filter *NotificationFilter `xml:"Filter,omitempty"`
}

// TopicConfiguration sends the events named to an SNS topic.
type TopicConfiguration struct {
	ID     string              `xml:"Id,omitempty"`
	Topic  string              `xml:"Topic"`
	Events []string            `xml:"Event"`
	Filter *NotificationFilter `xml:"Filter,omitempty"`
}

// LambdaFunctionConfiguration invokes a Lambda function for the events
// named.
type LambdaFunctionConfiguration struct {
	ID            string              `xml:"Id,omitempty"`
	CloudFunction string              `xml:"CloudFunction"`
	Events        []string            `xml:"Event"`
	Filter        *NotificationFilter `xml:"Filter,omitempty"`
}

// NotificationFilter limits a configuration to keys matching its rules.
type NotificationFilter struct {
	Rules []FilterRule `xml:"S3Key>FilterRule"`
}

// FilterRule is a key name filter: Name is "prefix" or "suffix" (S3
// answers "Prefix" and "Suffix").
type FilterRule struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}
