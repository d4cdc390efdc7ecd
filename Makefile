# The test command README.md names. .ci/run calls it.
GO ?= go
# What "s3kit --version" prints: the nearest tag and commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

.PHONY: test build vet lint fmt-check conformance

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/s3kit ./cmd/s3kit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# staticcheck, pinned by the tool directive of tools/go.mod (a module of its
# own, so its dependencies stay out of the main go.mod): unused code,
# simplifications and the bug patterns go vet does not look for.
lint:
	$(GO) tool -modfile=tools/go.mod staticcheck ./...

# The race detector needs cgo and a C compiler; without them the tests run
# without it rather than not at all.
RACE ?= $(shell if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1; then echo -race; fi)

test: fmt-check vet lint build
	@[ -n "$(RACE)" ] || echo "note: no C compiler for cgo, so the tests run without -race"
	$(GO) test $(RACE) -count=1 ./...
	@if [ -f compat/go.mod ]; then cd compat && $(GO) vet ./... && $(GO) test -count=1 ./...; fi

# The public S3 conformance suite (ceph/s3-tests, beside the repository as
# ../shared/vendor/ceph-s3-tests or named by S3TESTS_DIR) against a fresh
# s3kit serve; fails when a test of tests/conformance/floor.txt fails.
conformance:
	bash tests/conformance/run.sh
