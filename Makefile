# The test command README.md names. .ci/run calls it.
GO ?= go
# What "s3kit --version" prints: the nearest tag and commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

.PHONY: test build vet lint fmt-check

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/s3kit ./cmd/s3kit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# staticcheck, pinned: unused code, simplifications and the bug patterns go
# vet does not look for.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	$(GO) run $(STATICCHECK) ./...

test: fmt-check vet lint build
	$(GO) test -race -count=1 ./...
	@if [ -f compat/go.mod ]; then cd compat && $(GO) vet ./... && $(GO) test -count=1 ./...; fi
