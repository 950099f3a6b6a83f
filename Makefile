# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test train check bench-nlu bench-load

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

train:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python -m bot model'

check:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python -m bot check'

bench-nlu:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_nlu.py'

bench-load:
	@bash -c 'source scripts/bootstrap.sh && uv run --no-sync python scripts/bench_load.py'
