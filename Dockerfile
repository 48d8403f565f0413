# parlens service image: Python 3.11, Vietnamese OCR, the package and its CLI.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PARLENS_DATA_DIR=/data \
    PARLENS_CRITERIA_TAXONOMY=/app/corpora/par/taxonomy.yaml

RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md* ./
COPY parlens ./parlens
COPY ingest ./ingest
COPY nlp ./nlp
COPY task_extraction ./task_extraction
COPY store ./store
COPY search_index ./search_index
COPY search_api ./search_api
COPY corpora/par ./corpora/par
RUN pip install .

RUN useradd --create-home --uid 1000 parlens && mkdir -p /data && chown parlens /data
USER parlens
VOLUME ["/data"]
EXPOSE 8000

# Catch the index up with the store first (crash recovery: no stored document missing from search), then serve.
CMD ["sh", "-c", "python -c 'from parlens.store import open_store; from parlens.search_index import sync; print(sync(open_store()), \"documents caught up\")' && exec parlens serve"]
