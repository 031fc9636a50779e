# syntax=docker/dockerfile:1
# Container image of the standalone connector.
#   docker build . -t timestream-prometheus-connector-docker
#   docker run -p 9201:9201 timestream-prometheus-connector-docker --database-label=... --table-label=...
# Flags go after the image name: the entrypoint is the connector itself.

# Stage 1: build the shaded jar with the same Maven and JDK major version as CI.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the cache mount keeps downloaded dependencies between builds (BuildKit, the default builder)
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

# Stage 2: only a JRE and the jar.
FROM eclipse-temurin:17-jre
# A fixed non-root user; its home holds the AWS shared credentials and config files when they are mounted.
RUN groupadd --system --gid 10001 connector \
    && useradd --system --uid 10001 --gid 10001 --home-dir /home/connector --create-home \
       --shell /usr/sbin/nologin connector \
    && mkdir -p /app/data /home/connector/.aws \
    && chown -R 10001:10001 /app /home/connector
# Explicit paths, so that credentials are found whatever user the container is run as (docker run --user).
ENV AWS_SHARED_CREDENTIALS_FILE=/home/connector/.aws/credentials \
    AWS_CONFIG_FILE=/home/connector/.aws/config
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/bootstrap/target/timestream-prometheus-connector.jar /app/timestream-prometheus-connector.jar
USER 10001:10001
EXPOSE 9201
# Local mode keeps its files under ./data, i.e. /app/data: a volume, so data outlives the container.
VOLUME ["/app/data"]
# The image has no curl: the jar itself asks /-/healthy (exit 0 on 2xx). A small JVM that starts fast; with
# another --web.listen-address, override it: docker run --health-cmd 'java -jar ... --health-check=URL'.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["java", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "/app/timestream-prometheus-connector.jar", "--health-check=http://127.0.0.1:9201/-/healthy"]
# exec form: java is PID 1 and receives docker stop's SIGTERM itself, so in-flight requests are drained.
# The heap follows the container's memory limit (the JVM's default is a quarter of it); exit on
# OutOfMemoryError so the orchestrator restarts the container instead of leaving it half-working.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/timestream-prometheus-connector.jar"]
