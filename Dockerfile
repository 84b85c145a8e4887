# syntax=docker/dockerfile:1
# Build: a static ctap binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/ctap ./cmd/ctap

# Run: only the binary and CA certificates, as an unprivileged user.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/ctap /ctap
USER 65532:65532
EXPOSE 8080
ENV CTAP_ADDR=:8080 GOMEMLIMIT=40MiB
ENTRYPOINT ["/ctap"]
CMD ["serve"]
