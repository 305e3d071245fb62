# Suangu. `make run` opens the window on the built-in Qingyang park; `make test` is what CI runs.
# Builds go outside the clone (see .cargo/config.toml); override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR ?= /var/tmp/suangu-target
CARGO := cargo
# One package selection for every cargo call: mixing -p and --workspace rebuilds the Tauri stack.
WS := --workspace --locked

.PHONY: run test deps deps-run ui build bindings lint unit e2e e2e-browser e2e-window bench bench-smoke clean

run: deps-run build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display. Start it under a desktop session, or: xvfb-run $(CARGO_TARGET_DIR)/debug/suangu-app"; exit 2; fi
	$(CARGO_TARGET_DIR)/debug/suangu-app $(if $(SCENARIO),--scenario $(SCENARIO))

test: deps lint unit e2e

deps:
	scripts/deps.sh test

deps-run:
	scripts/deps.sh run

# The UI is built before any cargo call: the window embeds ui/dist at compile time.
ui:
	cd ui && npm run --silent build

build: ui
	$(CARGO) build $(WS)

# Regenerate ui/src/api/bindings.ts from the Rust wire types.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test $(WS) -q -- bindings_are_current
	cd ui && npm run --silent typecheck

# cargo deny (deny.toml): bans, licences and sources, offline from Cargo.lock and the local
# registry. Not `advisories`: its database is cloned from GitHub on every run, which CI machines
# without GitHub access cannot do (it fails at once: "failed to fetch advisory database"). Run
# `cargo deny check advisories` by hand where GitHub is reachable.
lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy $(WS) --all-targets -- -D warnings
	$(CARGO) deny $(WS) check bans licenses sources

# The store suite runs on SQLite and on a real PostgreSQL (started on loopback by the script).
unit: ui
	SUANGU_TEST_PG=$$(scripts/test-postgres.sh) $(CARGO) test $(WS)
	cd ui && npm test --silent

e2e: build bench-smoke e2e-browser e2e-window

# Benchmarks: our code beside a baseline, ratios printed. Full sizes in release; numbers go to
# docs/benchmarks.md. The smoke run (tiny sizes, debug build) keeps them alive in `make test`.
# The heatmap benchmark runs on the release `suangu serve`, on Qingyang six times over (113,424
# operating racks); the window's start-up on the app `make run` opens (debug build).
bench: ui
	$(CARGO) build --release --locked -p suangu-bench -p suangu-cli
	SUANGU_BENCH_PG=$$(scripts/test-postgres.sh) $(CARGO_TARGET_DIR)/release/suangu-bench
	$(CARGO_TARGET_DIR)/release/suangu-bench --write-park 6 $(CARGO_TARGET_DIR)/bench-park-6x.toml
	cd tests/e2e && SUANGU_BIN=$(CARGO_TARGET_DIR)/release/suangu node bench-heatmap.mjs --scenario $(CARGO_TARGET_DIR)/bench-park-6x.toml --frames 60
	cd tests/e2e && SUANGU_BIN=$(CARGO_TARGET_DIR)/release/suangu node bench-soak.mjs
	cd tests/e2e && SUANGU_BIN=$(CARGO_TARGET_DIR)/release/suangu node bench-replay.mjs
	cd tests/e2e && SUANGU_BIN=$(CARGO_TARGET_DIR)/release/suangu node bench-sse.mjs --clients 200 --seconds 60
	$(MAKE) build
	cd tests/e2e && node bench-window.mjs --runs 10

bench-smoke:
	$(CARGO_TARGET_DIR)/debug/suangu-bench --smoke
	cd tests/e2e && node bench-heatmap.mjs --smoke --frames 3
	cd tests/e2e && node bench-window.mjs --smoke --runs 1
	cd tests/e2e && node bench-soak.mjs --smoke --frames 2000
	cd tests/e2e && node bench-replay.mjs --smoke --hours 1 --jumps 5
	cd tests/e2e && node bench-sse.mjs --smoke

e2e-browser:
	cd tests/e2e && npm run --silent browser

e2e-window:
	cd tests/e2e && npm run --silent window

clean:
	rm -rf ui/dist
	$(CARGO) clean
