# syntax=docker/dockerfile:1
# The node and the standalone simulator in one image (the simulator is started with another entrypoint, see
# deploy/compose.yaml). Build from the repository root:  docker build -t arbitrage .
# No secret is baked in: the JWT key, the database password and exchange keys come from the environment at run time.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# ReadyToRun needs a runtime identifier; linq2db and LanguageExt stay JIT-compiled, as for arbctl
# (deploy/ReadyToRun.targets: crossgen2 takes minutes and gigabytes on them for little gain).
RUN case "${TARGETARCH:-amd64}" in arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac \
 && for project in Arbitrage.Node Arbitrage.Simulator; do \
      dotnet publish "src/${project}" -c Release -r "${rid}" --self-contained false \
        -p:PublishReadyToRun=true -p:CustomAfterMicrosoftCommonTargets=/src/deploy/ReadyToRun.targets \
        -o "/out/${project}" --nologo || exit 1; \
    done \
 && mkdir -p /out/Arbitrage.Node/strategies \
 && cp -r strategies/. /out/Arbitrage.Node/strategies/

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the compose healthchecks on /api/health.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/Arbitrage.Node /app
COPY --from=build /out/Arbitrage.Simulator /app/simulator
RUN mkdir -p /app/data /app/logs && chown -R app:app /app/data /app/logs
ENV ARB__Http__Urls=http://0.0.0.0:5080 \
    ARB__Cluster__Port=4053 \
    ARB__Storage__DataDir=/app/data \
    ARB__Paths__Logs=/app/logs \
    ARB__Paths__Strategies=/app/strategies \
    ARB__Paths__Hocon=/app/hocon
EXPOSE 5080 4053
# The non-root user of the .NET images (uid 1654).
USER app
# Exec form: the node is PID 1 and gets SIGTERM itself (docker stop, a rolling restart).
ENTRYPOINT ["dotnet", "/app/Arbitrage.Node.dll"]
