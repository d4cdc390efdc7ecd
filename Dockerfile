# s3kit serve in a container: a static binary on a minimal base image, run
# as a non-root user, with its data on the /data volume.
#
#   docker build -t s3kit .
#   docker run -p 9000:9000 -v s3kit-data:/data s3kit
#
# The first start prints an access key once (docker logs); set
# S3KIT_ACCESS_KEY_ID and S3KIT_SECRET_ACCESS_KEY to declare one instead.
# internal/cli/dockerfile_test.go checks this file against the Makefile and
# the CLI; no Docker engine builds it in CI.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# The same command as "make build".
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=${VERSION}" -o /out/s3kit ./cmd/s3kit
# An empty /data owned by the runtime user: a new volume copies the owner.
RUN mkdir -p /out/data

# distroless/static: CA certificates, /etc/passwd with "nonroot" (65532),
# no shell and no curl, hence "s3kit health" below.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/s3kit /usr/local/bin/s3kit
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
VOLUME /data
EXPOSE 9000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/s3kit", "health", "--addr", "http://127.0.0.1:9000"]
ENTRYPOINT ["/usr/local/bin/s3kit"]
# 0.0.0.0: inside a container the published port arrives on its network
# interface, not on loopback.
CMD ["serve", "--addr", "0.0.0.0:9000", "--data", "/data"]
