package credentials_test

import (
	"context"
	"fmt"

	"github.com/s3kit/s3kit/credentials"
)

// Resolve credentials the way boto3.Session() would, with the environment
// given as an input, then ask why these credentials were chosen.
func Example() {
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDEXAMPLE1234",
		"AWS_SECRET_ACCESS_KEY":       "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
		"AWS_DEFAULT_REGION":          "eu-west-1",
		"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
		"AWS_CONFIG_FILE":             "/nonexistent/config",
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	ctx := context.Background()
	cfg, err := credentials.Load(ctx, credentials.Options{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Home:      "/nonexistent",
	})
	if err != nil {
		fmt.Println(credentials.ClassOf(err), err)
		return
	}
	e, err := cfg.Explain(ctx)
	if err != nil {
		fmt.Println(credentials.ClassOf(err), err)
		return
	}
	fmt.Println(e.Credentials.Source, credentials.Mask(e.Credentials.AccessKeyID), cfg.Region)
	for _, s := range e.Steps[:2] {
		fmt.Println(s.Source, s.State, s.Reason)
	}
	// Output:
	// env ***********1234 eu-west-1
	// env chosen AWS_ACCESS_KEY_ID is set
	// assume-role skipped profile default has no role_arn
}
