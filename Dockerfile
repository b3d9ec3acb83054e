# A thin wrapper over the commands that tests/ops proves without Docker: the locked
# dependencies (no development group), scripts/release, and the Procfile's three processes.
# No Docker engine runs on the development machines: this file is not built by the tests.
FROM python:3.11-slim-bookworm

# WeasyPrint's libraries and the fonts of the PDFs (docs/deploiement.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv
WORKDIR /srv/mobility
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
ENV PATH="/srv/mobility/.venv/bin:$PATH" BIND=0.0.0.0:8000 STATIC_ROOT=/srv/mobility/staticfiles
RUN useradd --system --home /srv/mobility mobility && chown -R mobility /srv/mobility
USER mobility
EXPOSE 8000
CMD ["gunicorn", "mobility.wsgi:application", "--config", "gunicorn.conf.py"]
