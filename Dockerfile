# verify-emulator and auth-server in one image: `docker compose up` (see docker-compose.yml)
# runs the emulator on port 4010 and the auth server, wired to it, on port 8000.
#   docker build --build-arg VERIFY_BUILD_COMMIT=$(git rev-parse --short=12 HEAD) -t verify-emulator:local .
# The toolchain is pinned to an exact release (6.3.1), so a rebuild next month builds the same way.
FROM swift:6.3.1-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libqrencode-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the build reads: the manifest, the version, the sources and the build plugin
# (SwiftPM also wants every test target's folder to exist, so Tests comes too; it is not built).
COPY Package.swift VERSION ./
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
# the image has no .git: --version shows this commit ("unknown" when not given)
ARG VERIFY_BUILD_COMMIT=unknown
ENV VERIFY_BUILD_COMMIT=${VERIFY_BUILD_COMMIT}
RUN swift build -c release --product verify-emulator --static-swift-stdlib \
    && swift build -c release --product auth-server --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/verify-emulator" /usr/local/bin/verify-emulator \
    && cp "$(swift build -c release --show-bin-path)/auth-server" /usr/local/bin/auth-server

FROM ubuntu:noble
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libqrencode4 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin verify \
    && mkdir /data /ca && chown verify:verify /data /ca
COPY --from=build /usr/local/bin/verify-emulator /usr/local/bin/verify-emulator
COPY --from=build /usr/local/bin/auth-server /usr/local/bin/auth-server
COPY fixtures /fixtures
USER verify
ENV VERIFY_EMULATOR_HOST=0.0.0.0 \
    VERIFY_EMULATOR_PORT=4010 \
    VERIFY_EMULATOR_DB=/data/verify-emulator.sqlite \
    VERIFY_EMULATOR_DATA_DIR=/data/ca
VOLUME /data
EXPOSE 4010
# GET /readyz on the configured host and port: 0 when the emulator serves and its database takes a write
HEALTHCHECK --interval=5s --timeout=4s CMD ["verify-emulator", "healthcheck"]
ENTRYPOINT ["verify-emulator"]
