# rest-sessions: build with the Swift toolchain, run on a slim Debian with only what the binary needs.
#   docker build -t rest-sessions .
#   docker run -p 3000:3000 -e RS_REDISHOST=redis-host rest-sessions
# (config/docker-compose.yml runs it with Redis and nginx.)

# The toolchain the project is developed with (Swift 6.3, Debian bookworm like the runtime below).
FROM swift:6.3-bookworm AS builder
# Build dependencies: the same libhiredis-dev that `scripts/setup.sh run` installs for `make run`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libhiredis-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names test targets too, and SwiftPM refuses a manifest whose target folders are
# missing, so Tests/ comes along (only rest-sessions is built).
COPY Package.swift Package.resolved* ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product rest-sessions \
    && install -D "$(swift build -c release --static-swift-stdlib --show-bin-path)/rest-sessions" /out/rest-sessions

FROM debian:bookworm-slim
# What the binary still links dynamically (ldd of a local --static-swift-stdlib build):
# libhiredis.so.0.14, libstdc++.so.6, libgcc_s.so.1, libm and libc. Only hiredis is missing from
# the base image (apt itself needs libstdc++6 and libgcc-s1). No ca-certificates: no TLS is spoken.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libhiredis0.14 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin rest-sessions
COPY --from=builder /out/rest-sessions /usr/local/bin/rest-sessions
COPY config/rest-sessions.json /etc/rest-sessions/rest-sessions.json

# Settings: the file, overridden by any RS_ variable (`docker run rest-sessions --help` lists them).
ENV RS_CONFIG=/etc/rest-sessions/rest-sessions.json \
    RS_HOST=0.0.0.0
USER rest-sessions
EXPOSE 3000
# /ready, not /health: "healthy" here means "can serve sessions" (Redis answers PING within 1 s),
# which is what compose's `depends_on: condition: service_healthy`, Swarm's routing and load
# balancers reading Docker's status need; plain Docker never restarts an unhealthy container, so
# an outage of Redis does not make it restart in a loop. Orchestrators that restart on a failed
# probe (Kubernetes liveness) should ask /health instead, which only says the process is up.
# No curl in the image: bash asks over /dev/tcp (200 = ready, 503 = Redis does not answer).
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${RS_PORT:-3000} && printf 'GET /ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]
# SIGTERM (docker stop) drains in-flight requests and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/rest-sessions"]
