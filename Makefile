# The two commands of the README: `make run` and `make test`. Both set up what they need first.
.PHONY: run test setup lint requirements messages

run:
	@bin/run

test:
	@bin/test

setup:
	@bin/setup --test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Re-pin after editing requirements/*.in.
requirements:
	cd requirements && ../.venv/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --output-file base.txt base.in
	cd requirements && ../.venv/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --output-file dev.txt dev.in

# Refresh the Swedish catalogue after adding strings (then translate the new entries).
messages:
	.venv/bin/python manage.py makemessages -l sv --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench
