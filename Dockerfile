# Steward's container image: `steward run` as a non-root user, healthy when /healthz answers.
#   docker build -t steward .
#   docker run -d --env-file deploy/steward.env -p 8080:8080 -v "$PWD/deploy/steward.yaml:/etc/steward/steward.yaml:ro" steward
# The HEALTHCHECK asks /healthz on the config's http: port, so the config needs http.enabled: true
# (and http.host: 0.0.0.0 for -p to reach the server); deploy/steward.yaml has both. The image has
# no ./steward.yaml: other commands need the config named, e.g.
#   docker exec CONTAINER steward status --config /etc/steward/steward.yaml
# With SQLite (DATABASE_URL empty, sqlite_path /var/lib/steward/steward.db), keep the database on a
# volume: add -v steward-data:/var/lib/steward.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# On-call charts label axes in the reader's language; zh-CN needs a CJK font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
RUN pip install . && rm -rf /src

RUN useradd --system --create-home --home-dir /var/lib/steward --uid 10001 steward
USER steward
WORKDIR /var/lib/steward

# The HTTP server (Slack HTTP mode, GitHub webhooks, calendar feeds, /healthz, /metrics).
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["steward", "healthcheck", "--config", "/etc/steward/steward.yaml"]

ENTRYPOINT ["steward"]
CMD ["run", "--config", "/etc/steward/steward.yaml"]
