# syntax=docker/dockerfile:1
# One build, two images:  docker build --target fetcher -t email-intel-fetcher .
#                         docker build --target ingester -t email-intel-ingester .
# Other base images (a mirror, a hardened JRE, no registry at all: deploy/base-images/build):
#                         --build-arg JDK_IMAGE=… --build-arg JRE_IMAGE=…
# The build image needs a JDK 17 and curl or wget (the Maven wrapper downloads Maven); the runtime image a
# JRE 17, bash, groupadd and useradd.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
# dependencies first, so that code changes do not re-download them. Maven reads every module the parent
# lists, so every pom is copied; only the images' modules (and what they depend on) are built.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY shared-model/pom.xml shared-model/
COPY fetcher/pom.xml fetcher/
COPY ingester/pom.xml ingester/
COPY bench/pom.xml bench/
COPY reliability/pom.xml reliability/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl fetcher,ingester -am dependency:go-offline -DexcludeReactor=true || true
COPY shared-model/ shared-model/
COPY fetcher/ fetcher/
COPY ingester/ ingester/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -pl fetcher,ingester -am -DskipTests package \
    && cp fetcher/target/fetcher.jar ingester/target/ingester.jar /tmp/

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 emailintel \
    && useradd --system --uid 10001 --gid emailintel --home-dir /app --shell /usr/sbin/nologin emailintel \
    && mkdir -p /app/state \
    && chown -R emailintel:emailintel /app
WORKDIR /app
# Sized for containers: the heap follows the memory limit; an OutOfMemoryError ends the process so that
# the restart policy replaces it (a half-dead JVM would hold its unacknowledged messages).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Dfile.encoding=UTF-8" \
    OPS_PORT=9400
EXPOSE 9400
USER 10001:10001
# /health/ready over bash's /dev/tcp: the JRE image has no curl
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${OPS_PORT} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

FROM runtime AS fetcher
COPY --from=build --chown=10001:10001 /tmp/fetcher.jar /app/fetcher.jar
VOLUME ["/app/state"]
ENV FETCHER_STATE_DIR=/app/state
ENTRYPOINT ["java", "-jar", "/app/fetcher.jar"]
CMD ["run"]

FROM runtime AS ingester
COPY --from=build --chown=10001:10001 /tmp/ingester.jar /app/ingester.jar
ENTRYPOINT ["java", "-jar", "/app/ingester.jar"]
CMD ["run"]
