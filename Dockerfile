# syntax=docker/dockerfile:1
#
# Keras Model Registry: one image for every role (KERAS_REGISTRY_ROLE = all | api | worker).
#
#   docker build -t keras-registry:local .
#   docker run -p 8080:8080 -e SPRING_DATASOURCE_URL=... -e KERAS_REGISTRY_ADMIN_TOKEN=... keras-registry:local
#
# docs/deploy.md describes the settings; src/test/java/io/kerasregistry/deploy/DockerfileTest.java
# checks this file.

# ---------------------------------------------------------------------------------------------
# Build: the Maven wrapper packages the Spring Boot jar, whose layers are then extracted.
# .mvn/maven.config limits ND4J's native libraries to linux-x86_64 (the image is linux/amd64).
# ---------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY openapi.yaml ./
COPY src/main/ src/main/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests package \
 && cp target/keras-registry-*.jar app.jar \
 && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# ---------------------------------------------------------------------------------------------
# Run: a JRE, the layers from the least to the most often changed, a non-root user.
# ---------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre AS runtime

ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="Keras Model Registry" \
      org.opencontainers.image.description="Upload, validate, approve and serve Keras models" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jre"

# uid/gid 10001: above the base image's users, and the runAsUser of the Helm chart.
# Writable by that user: the blob store (a volume) and ND4J's native cache; the application's
# own files stay owned by root, read-only for the process.
RUN groupadd --system --gid 10001 keras-registry \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin keras-registry \
 && mkdir -p /var/lib/keras-registry/blobs /var/cache/keras-registry/javacpp /opt/keras-registry/plugins \
 && chown -R 10001:10001 /var/lib/keras-registry /var/cache/keras-registry

WORKDIR /app
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# The JVM options (heap share, ND4J native cache, tmpdir, exit on OOM): the one file .ci/run uses too.
COPY src/main/docker/jvm.options /opt/keras-registry/jvm.options

ENV KERAS_REGISTRY_ROLE=all \
    KERAS_REGISTRY_STORAGE_PATH=/var/lib/keras-registry/blobs \
    KERAS_REGISTRY_PLUGINS_PATH=/opt/keras-registry/plugins \
    JAVA_OPTS=""

# Model blobs (shared by every API and worker container) and operator-installed plug-in jars.
VOLUME ["/var/lib/keras-registry/blobs", "/opt/keras-registry/plugins"]
EXPOSE 8080
USER 10001:10001

# The JRE image's curl and wget are not promised to stay (newer Temurin images dropped curl), so
# the check speaks HTTP over bash's /dev/tcp: ready when /readyz answers 200.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200 '"]

# exec: java is the process that receives SIGTERM, for the graceful shutdown.
# JAVA_OPTS is split into words on purpose (several flags in one variable); arguments given to
# `docker run IMAGE ...` reach the application (e.g. --server.port=9090).
ENTRYPOINT ["sh", "-c", "exec java @/opt/keras-registry/jvm.options ${JAVA_OPTS} org.springframework.boot.loader.launch.JarLauncher \"$@\"", "keras-registry"]
