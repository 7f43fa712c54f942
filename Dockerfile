# verify-emulator and auth-server in one image: `docker compose up` (see docker-compose.yml)
# runs the emulator on port 4010 and the auth server, wired to it, on port 8000.
FROM swift:6.3-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libqrencode-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product verify-emulator --static-swift-stdlib \
    && swift build -c release --product auth-server --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/verify-emulator" /usr/local/bin/verify-emulator \
    && cp "$(swift build -c release --show-bin-path)/auth-server" /usr/local/bin/auth-server

FROM ubuntu:noble
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libqrencode4 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/verify-emulator /usr/local/bin/verify-emulator
COPY --from=build /usr/local/bin/auth-server /usr/local/bin/auth-server
COPY fixtures /fixtures
ENV VERIFY_EMULATOR_HOST=0.0.0.0 \
    VERIFY_EMULATOR_PORT=4010 \
    VERIFY_EMULATOR_DB=/data/verify-emulator.sqlite
VOLUME /data
EXPOSE 4010
HEALTHCHECK --interval=5s --timeout=2s CMD curl -fs http://127.0.0.1:4010/healthz || exit 1
ENTRYPOINT ["verify-emulator"]
