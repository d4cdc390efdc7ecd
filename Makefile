# The test command README.md names. .ci/run calls it.
GO ?= go

.PHONY: test build vet fmt-check

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/s3kit ./cmd/s3kit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: fmt-check vet build
	$(GO) test -race -count=1 ./...
	@if [ -f compat/go.mod ]; then cd compat && $(GO) vet ./... && $(GO) test -count=1 ./...; fi
