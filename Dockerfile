# The application image used by docker-compose.yml (web, worker, beat).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (cached while only the code changes). pyproject.toml installs no
# package of its own (`packages = []`): the code runs from /app.
COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock .

RUN groupadd --system --gid 1000 zhongwei \
    && useradd --system --uid 1000 --gid zhongwei --home-dir /app --shell /usr/sbin/nologin zhongwei \
    && mkdir -p /app/staticfiles /data/media \
    && chown -R zhongwei:zhongwei /app /data

COPY --chown=zhongwei:zhongwei . .

USER zhongwei
EXPOSE 8000

CMD ["gunicorn", "zhongwei_carbon.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
