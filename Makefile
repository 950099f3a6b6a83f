# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test lint train check bench-nlu bench-load bench-cases bench-conversations

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# pyflakes, pycodestyle and bugbear as configured in pyproject.toml ([tool.ruff]).
lint:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync ruff check .'

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
