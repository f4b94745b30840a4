# syntax=docker/dockerfile:1
# Two images from one file:
#   docker build --target lambda -t catalog-lambda .   # AWS Lambda container image (arm64 or x86_64)
#   docker build --target local  -t catalog-local  .   # uvicorn on :8000 (see docker-compose.yml)
ARG PYTHON_VERSION=3.12

# The runtime requirements, pinned by constraints.txt: a layer that changes only with them.
FROM python:${PYTHON_VERSION}-slim AS requirements
WORKDIR /src
COPY pyproject.toml constraints.txt ./
RUN python - <<'PY'
import re, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
pins = dict(line.split("==", 1) for line in open("constraints.txt") if "==" in line)
pins = {re.sub(r"[-_.]+", "-", k).lower(): v.strip() for k, v in pins.items()}
def pinned(req):
    name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", req).group(0)).lower()
    return f"{name}=={pins[name]}" if name in pins else req
extras = project["optional-dependencies"]["server"]
open("runtime.txt", "w").write("\n".join(map(pinned, project["dependencies"])) + "\n")
open("server.txt", "w").write("\n".join(map(pinned, extras)) + "\n")
PY

# --- Lambda: AWS's Python base image; the handler is app.lambda_handler.handler ------------
FROM public.ecr.aws/lambda/python:${PYTHON_VERSION} AS lambda
COPY --from=requirements /src/runtime.txt /tmp/runtime.txt
RUN pip install --no-cache-dir -r /tmp/runtime.txt --target "${LAMBDA_TASK_ROOT}" && rm /tmp/runtime.txt
COPY app "${LAMBDA_TASK_ROOT}/app"
ENV APP_ENV=prod
CMD ["app.lambda_handler.handler"]

# --- local: uvicorn, non-root ----------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS local
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=local
WORKDIR /srv
COPY --from=requirements /src/runtime.txt /src/server.txt /tmp/
RUN pip install --no-cache-dir -r /tmp/runtime.txt -r /tmp/server.txt && rm /tmp/*.txt \
    && useradd --create-home --uid 10001 catalog
COPY app ./app
USER 10001
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
