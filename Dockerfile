# syntax=docker/dockerfile:1
# Vigie production image: one image, every role chosen by the command
# (`vigie ingest`, `vigie streams`, `vigie alerts`, `vigie web`).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A compiler only for dependencies that ship no wheel for this platform; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY kernel ./kernel
COPY vigie ./vigie
COPY ingest ./ingest
COPY streams ./streams
COPY alerts ./alerts
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIGIE_DATA_DIR=/var/lib/vigie
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels vigie
RUN groupadd --system --gid 10001 vigie \
    && useradd --system --uid 10001 --gid vigie --home-dir /var/lib/vigie --create-home \
       --shell /usr/sbin/nologin vigie
USER vigie
WORKDIR /var/lib/vigie
# The detector's small-town index, built once into the image rather than at every start.
RUN python -c "from streams.detectors import default_detector; default_detector()"
EXPOSE 8470 9401 9402 9403
ENTRYPOINT ["vigie"]
CMD ["--help"]
