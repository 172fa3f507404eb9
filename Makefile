# One virtual environment in .venv; torch is pinned to the CPU wheel through constraints.txt.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q -c constraints.txt
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHARED ?= ../shared

.PHONY: install install-test browser run test test-fast lint eval bench bench-smoke profile reader pick gate intent clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(PIP) -e .

# llama.cpp built for any x86-64 with AVX2, not for this CPU: a native build on a CPU with AMX
# (Sapphire Rapids) runs its AMX kernels, and those crash in ggml_backend_amx_mul_mat on our
# machines (ggml-org/llama.cpp#20824; seen here: every generation segfaulted). --no-cache-dir:
# a native wheel pip cached earlier is not reused. Installed once; later runs find it there.
LLAMA_CPP := llama-cpp-python[server]>=0.3

install-test: $(BIN)/python browser
	@$(BIN)/python -c "import llama_cpp" 2>/dev/null || \
		CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) --no-cache-dir '$(LLAMA_CPP)'
	$(PIP) -e '.[test]'

# Debian's Chromium for the browser tests; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }

run: install
	$(BIN)/python app.py

test: install-test
	$(BIN)/python -m pytest

# The unit tier: the fake embedder instead of the bundled model, no servers, browsers or crashes.
FAST := not real_model and not browser and not server and not crash and not slow
test-fast: install-test
	$(BIN)/python -m pytest -q -m "$(FAST)"

lint:
	$(BIN)/ruff check rag tests benchmarks app.py
	$(BIN)/ruff format --check rag tests benchmarks app.py
	$(BIN)/mypy rag

# Both shipped suites, gated a little below the scores measured when they were written. The
# seed's fact recall was 0.885 with the round-1 reader, 0.769 with round 2's (6 of its 26
# answerable questions missed, listed in docs/reader.md), which does better on the 1,575
# held-out questions of dev/test/test2, and is 0.846 since round 4; the gate follows the
# shipped reader, a regression recorded there, not hidden.
EVAL := $(BIN)/rag eval --compare vanilla
SEED_GATE := hit_rate=0.95 mrr=0.95 ndcg=0.95 fact_recall=0.75 citation_precision=0.95 \
	citation_recall=0.95 faithfulness=0.95 abstention_recall=0.75
NEWS_GATE := hit_rate=0.95 mrr=0.9 ndcg=0.9 fact_recall=0.7 citation_precision=0.95 \
	citation_recall=0.95 faithfulness=0.95 abstention_recall=0.3

eval: install
	$(EVAL) evals/suites/seed.jsonl --corpus corpus --data-dir .rag/eval-seed \
		--out evals/runs/seed $(addprefix --fail-under ,$(SEED_GATE))
	@if [ -d $(SHARED)/corpora/newspaper/html ]; then \
		$(EVAL) evals/suites/newspaper.jsonl --corpus $(SHARED)/corpora/newspaper/html \
			--data-dir .rag/eval-news --out evals/runs/newspaper \
			$(addprefix --fail-under ,$(NEWS_GATE)); \
	else echo "skipping the newspaper suite: $(SHARED)/corpora/newspaper not found"; fi

# Ingest vs raw encode and re-ingest on the real corpus, then 1k/10k/100k chunks vs vanilla
# llama-index, ONNX on/off, peak RSS and app cold start (docs/performance.md; ~30 min first run).
bench: install
	$(BIN)/python benchmarks/bench_backbone.py --shared $(SHARED)
	$(BIN)/python benchmarks/bench_scale.py --shared $(SHARED)
	$(BIN)/python benchmarks/bench_sync.py --shared $(SHARED)
	$(BIN)/python benchmarks/bench_probe.py
	$(BIN)/python benchmarks/bench_server.py
	$(BIN)/python benchmarks/bench_bm25_memory.py --shared $(SHARED)

bench-smoke: install
	$(BIN)/python benchmarks/bench_backbone.py --smoke --repeat 1
	$(BIN)/python benchmarks/bench_scale.py --smoke --shared $(SHARED)
	$(BIN)/python benchmarks/bench_sync.py --pages 10 --shared $(SHARED)
	$(BIN)/python benchmarks/bench_probe.py --mb 20

# Retrain the reader (issue 14) from the bundled MiniLM on evals/reader/train.jsonl, choose on dev,
# score the frozen test splits; writes rag/reader/model/ (ONNX int8 + manifest), then the pick
# model (round 9) and the near-miss gate (round 13) from readings of unseen questions, and the
# reader of question kinds (round 21). About 75 min on 2 cores with the cached candidates,
# 3.5 h from nothing.
reader: install
	$(PIP) -e '.[reader]'
	$(BIN)/python -m rag.training.train --shared $(SHARED)
	$(BIN)/python -m rag.training.pick_train --shared $(SHARED)
	$(BIN)/python -m rag.training.gate_train --shared $(SHARED)
	$(BIN)/python -m rag.training.intent_train

# The pick model alone (`rag.training.pick_train`, ~12 min), over the shipped reader.
pick: install
	$(PIP) -e '.[reader]'
	$(BIN)/python -m rag.training.pick_train --shared $(SHARED)

# The near-miss gate alone (`rag.training.gate_train`, ~20 min), over the shipped reader.
gate: install
	$(PIP) -e '.[reader]'
	$(BIN)/python -m rag.training.gate_train --shared $(SHARED)

# The reader of question kinds alone (`rag.training.intent_train`, ~2 min), over the
# shipped reader encoder.
intent: install
	$(PIP) -e '.[reader]'
	$(BIN)/python -m rag.training.intent_train

# Where the time goes at 100k chunks (needs the index `make bench` built).
profile: install
	$(PIP) -e '.[bench]'
	$(BIN)/python benchmarks/profile_scale.py

clean:
	rm -rf .rag evals/runs artifacts .pytest_cache .mypy_cache .ruff_cache
