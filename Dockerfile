# syntax=docker/dockerfile:1
# Two images from one file:
#   docker build --target lambda -t catalog-lambda .   # AWS Lambda container image (arm64 or x86_64)
#   docker build --target local  -t catalog-local  .   # uvicorn on :8000 (see docker-compose.yml)
#
# Reproducible: base images pinned by digest (multi-platform index digests; re-resolve with
# `docker buildx imagetools inspect <image>:<tag>` when bumping them), every Python package
# from a lock file with hashes (`make lock`), installed with --require-hashes.

# --- Lambda: AWS's Python 3.12 base image; the handler is app.lambda_handler.handler --------
# public.ecr.aws/lambda/python:3.12
FROM public.ecr.aws/lambda/python@sha256:0628ddc11919f85f4261517d356392dbbc6b3181568d87a376ae2e814464c230 AS lambda
COPY requirements/runtime.txt /tmp/runtime.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r /tmp/runtime.txt --target "${LAMBDA_TASK_ROOT}" \
    && rm /tmp/runtime.txt
COPY app "${LAMBDA_TASK_ROOT}/app"
ENV APP_ENV=prod
CMD ["app.lambda_handler.handler"]

# --- local: uvicorn, non-root ----------------------------------------------------------------
# python:3.12-slim
FROM python@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea AS local
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=local
WORKDIR /srv
COPY requirements/local.txt /tmp/local.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r /tmp/local.txt && rm /tmp/local.txt \
    && useradd --create-home --uid 10001 catalog
COPY app ./app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
