FROM python:3.11-slim

RUN useradd --create-home --uid 10001 playground
WORKDIR /srv/playground

COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip install --no-cache-dir .

USER playground
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
