# The release binary on a small runtime image, as a non-root user. Builds offline from .sqlx/
# (no database at build time). Written and reviewed here; this machine kind has no Docker engine.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY .cargo .cargo
COPY .sqlx .sqlx
COPY migrations migrations
COPY templates templates
COPY src src
ENV SQLX_OFFLINE=true
RUN cargo build --release --locked --bin prevention

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin prevention
WORKDIR /app
COPY --from=build /src/target/release/prevention /usr/local/bin/prevention
COPY config/default.toml config/liaoning.toml config/
COPY static static
COPY migrations migrations
USER prevention
# In a container the database is always external: set PREVENTION_DATABASE_URL (runtime role)
# and, for migrations, PREVENTION_OWNER_DATABASE_URL. See docs/operations.md.
ENV PREVENTION_BIND=0.0.0.0:8080 \
    PREVENTION_LOG_FORMAT=json
EXPOSE 8080
# Health: the orchestrator or load balancer probes GET /healthz and GET /readyz.
ENTRYPOINT ["prevention"]
CMD ["serve"]
