# Zeren production image: one image for web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim-bookworm

# Fonts and HarfBuzz subsetting for GB/T 9704 PDFs (WeasyPrint); the same list as RUN_DEBS in the Makefile.
# pg_dump/pg_restore 16 (from apt.postgresql.org, matching the postgres:16 service) for
# `python scripts/backup_drill.py` run in this image; Debian 12's own client is 15.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-client-16 \
 && rm -rf /var/lib/apt/lists/*

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_ENV=production \
    ZEREN_VAR_DIR=/var/lib/zeren

WORKDIR /app

# Dependencies first, from the lock file only, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev \
 && useradd --system --home-dir /var/lib/zeren --create-home zeren \
 && mkdir -p /var/lib/zeren/static /var/lib/zeren/uploads /var/lib/zeren/beat \
 && chown -R zeren:zeren /var/lib/zeren

USER zeren
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
