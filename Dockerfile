# Production-like image for docker-compose.yml (not used by `make run` / `make test`).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-collectstatic-key-0123456789-0123456789-abc \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app kaa && mkdir -p /var/lib/kaa/media && chown kaa /var/lib/kaa/media
USER kaa
EXPOSE 8000
